// The blocked (compact-WY) QR kernels against the unblocked ones they replace,
// on both backends and both WASM variants, called as other packages call them.
import { describe, expect, it } from "vitest";
import { type DenseMatrix } from "../src/index.js";
import { linalgWasm, QR_CROSSOVER, QR_NB, qrBlockedWorkSize, withLinalg } from "../src/internal.js";
import { bindLinalg, jsKernels, type LinalgKernels } from "../src/kernels/index.js";
import { codeOf, describeVariants, mat, matmul, norm, orthError, randn, relErr, withSingularValues } from "./factor-helpers.js";

interface Factors {
  /** R above the diagonal (diagonal included), reflectors below: the kernels' in-place result. */
  a: Float64Array;
  tau: Float64Array;
  /** Thin Q, m x kq. */
  Q: Float64Array;
}

/**
 * Factors A (m x n, optionally embedded in a wider buffer with leading dimension
 * lda) with the blocked or unblocked kernels of one backend, then forms the
 * first kq columns of Q (default min(m, n)).
 */
function factor(
  backend: "js" | "wasm", A: DenseMatrix, blocked: boolean, opts: { lda?: number; kq?: number } = {},
): Factors {
  const m = A.rows, n = A.cols, k = Math.min(m, n);
  const lda = opts.lda ?? n, kq = opts.kq ?? k;
  const wn = Math.max(qrBlockedWorkSize(m, n), qrBlockedWorkSize(m, kq));
  const bytes = 8 * (m * lda + k + m * kq + wn) + 1024;
  return withLinalg(backend, bytes, (ws) => {
    const K: LinalgKernels = ws.kernels;
    const a = ws.f64(m * lda);
    for (let i = 0; i < m; i++) for (let j = 0; j < lda; j++) a[i * lda + j] = j < n ? A.data[i * n + j] : 7;
    const tau = ws.f64(k), work = ws.f64(wn), Q = ws.f64(m * kq);
    if (blocked) {
      K.householderQrBlocked(m, n, a, lda, tau, work);
      K.householderQBlocked(m, kq, a, lda, tau, Q, kq, work);
    } else {
      K.householderQr(m, n, a, lda, tau, work);
      K.householderQ(m, kq, a, lda, tau, Q, kq, work);
    }
    // The padding columns beyond n must be untouched.
    for (let i = 0; i < m; i++) for (let j = n; j < lda; j++) if (a[i * lda + j] !== 7) throw new Error(`padding (${i}, ${j}) overwritten`);
    const packed = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) packed[i * n + j] = a[i * lda + j];
    return { a: packed, tau: ws.output(tau), Q: ws.output(Q) };
  });
}

/** The upper triangle of the in-place result: R (k x n). */
function upper(f: Factors, m: number, n: number): DenseMatrix {
  const k = Math.min(m, n);
  const R = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) R[i * n + j] = f.a[i * n + j];
  return { rows: k, cols: n, data: R };
}

/**
 * x agrees with y: R entries to tol ‖A‖; tau, reflectors and Q columns to tol,
 * but only for the leading columns whose R diagonal is well above rounding
 * (past the numerical rank a reflector is made from rounding noise and is
 * legitimately different from one summation order to another).
 */
function expectAgree(A: DenseMatrix, x: Factors, y: Factors, tol: number, kq = Math.min(A.rows, A.cols)): void {
  const m = A.rows, n = A.cols, k = Math.min(m, n);
  const scale = Math.max(norm(A.data), Number.MIN_VALUE);
  const Rx = upper(x, m, n), Ry = upper(y, m, n);
  let dR = 0;
  for (let i = 0; i < Rx.data.length; i++) dR = Math.max(dR, Math.abs(Rx.data[i] - Ry.data[i]));
  expect(dR / scale).toBeLessThan(tol);
  let full = 0;
  while (full < k && y.a[full * n + full] > 1e-6 * scale) full++;
  let dTau = 0, dV = 0, dQ = 0;
  for (let j = 0; j < full; j++) {
    dTau = Math.max(dTau, Math.abs(x.tau[j] - y.tau[j]));
    for (let i = j + 1; i < m; i++) dV = Math.max(dV, Math.abs(x.a[i * n + j] - y.a[i * n + j]));
  }
  for (let j = 0; j < Math.min(full, kq); j++) {
    for (let i = 0; i < m; i++) dQ = Math.max(dQ, Math.abs(x.Q[i * kq + j] - y.Q[i * kq + j]));
  }
  expect(dTau).toBeLessThan(tol);
  expect(dV).toBeLessThan(tol);
  expect(dQ).toBeLessThan(tol);
}

/** QᵀQ = I and Q R = A for a full factorisation. */
function expectFactorisation(A: DenseMatrix, f: Factors): void {
  const m = A.rows, n = A.cols, k = Math.min(m, n);
  const Q = { rows: m, cols: k, data: f.Q };
  expect(orthError(Q)).toBeLessThan(1e-12);
  expect(relErr(matmul(Q, upper(f, m, n)).data, A.data)).toBeLessThan(1e-13);
  for (let i = 0; i < k; i++) expect(f.a[i * n + i]).toBeGreaterThanOrEqual(0);
}

/** A with the listed columns set to zero. */
function zeroColumns(A: DenseMatrix, cols: number[]): DenseMatrix {
  const d = A.data.slice();
  for (let i = 0; i < A.rows; i++) for (const j of cols) d[i * A.cols + j] = 0;
  return { rows: A.rows, cols: A.cols, data: d };
}

const cases: { name: string; A: DenseMatrix }[] = [
  { name: "square 128 x 128 (a multiple of the panel width)", A: randn(128, 128, 11) },
  { name: "square 100 x 100 (last panel 4 wide)", A: randn(100, 100, 12) },
  { name: "tall 300 x 97 (last panel 1 wide)", A: randn(300, 97, 13) },
  { name: "wide 120 x 300 (m < n: trailing columns past the last reflector)", A: randn(120, 300, 14) },
  { name: "tall-skinny 10000 x 50", A: randn(10000, 50, 15) },
  { name: "zero columns in and across panels, 200 x 80", A: zeroColumns(randn(200, 80, 16), [0, 5, 31, 32, 40, 79]) },
  { name: "zero 150 x 70", A: mat(150, 70, new Float64Array(150 * 70)) },
  { name: "rank 10 of 300 x 90", A: withSingularValues(300, 90, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5], 17) },
  {
    // Column 0 is 1 over a 1e-150 tail: tau = 0 with the tail left in place, which the block reflector must ignore.
    name: "an identity reflector with a tiny tail left below it, 160 x 40",
    A: mat(160, 40, Array.from({ length: 160 * 40 }, (_, t) => (t % 40 === 0 ? (t === 0 ? 1 : 1e-150) : Math.sin(t)))),
  },
];

describe("blocked QR kernel settings", () => {
  it("takes the blocked path only above the crossover, and sizes work accordingly", () => {
    expect(QR_NB).toBe(32);
    expect(qrBlockedWorkSize(50, 20)).toBe(20);
    expect(qrBlockedWorkSize(300, 32)).toBe(32); // a single panel: unblocked
    expect(qrBlockedWorkSize(96, 96)).toBe(96); // 96 * 96 < QR_CROSSOVER
    expect(96 * 96).toBeLessThan(QR_CROSSOVER);
    expect(qrBlockedWorkSize(1000, 200)).toBe(126 * 256 + 256 * 516 + 2 * 32 * 32 + 32 * 1200);
    expect(qrBlockedWorkSize(0, 5)).toBe(1);
  });
});

describe("blocked QR kernels (js reference)", () => {
  for (const c of cases) {
    it(`${c.name}: agrees with the unblocked kernels to 1e-12, A = QR, QᵀQ = I`, () => {
      const b = factor("js", c.A, true);
      expectFactorisation(c.A, b);
      expectAgree(c.A, b, factor("js", c.A, false), 1e-12);
    });
  }

  it("is the unblocked kernel itself below the crossover (bit-identical)", () => {
    const A = randn(60, 40, 21);
    const b = factor("js", A, true), u = factor("js", A, false);
    expect(Array.from(b.a)).toEqual(Array.from(u.a));
    expect(Array.from(b.Q)).toEqual(Array.from(u.Q));
  });

  it("works on a sub-block (lda > n) without touching the columns past n", () => {
    const A = randn(200, 100, 22);
    const packed = factor("js", A, true);
    const strided = factor("js", A, true, { lda: 137 });
    expect(relErr(strided.a, packed.a)).toBeLessThan(1e-15);
    expect(relErr(strided.Q, packed.Q)).toBeLessThan(1e-15);
  });

  it("forms only the first kq columns of Q when asked (k < min(m, n))", () => {
    const A = randn(400, 120, 23);
    const b = factor("js", A, true, { kq: 70 }), u = factor("js", A, false, { kq: 70 });
    expectAgree(A, b, u, 1e-12, 70);
    const full = factor("js", A, true);
    let d = 0;
    for (let i = 0; i < 400; i++) for (let j = 0; j < 70; j++) d = Math.max(d, Math.abs(b.Q[i * 70 + j] - full.Q[i * 120 + j]));
    expect(d).toBeLessThan(1e-12);
  });

  it("rejects a work array shorter than qrBlockedWorkSize with INVALID_ARGUMENT", () => {
    const m = 200, n = 100;
    const short = new Float64Array(qrBlockedWorkSize(m, n) - 1);
    const a = randn(m, n, 24).data, tau = new Float64Array(n), Q = new Float64Array(m * n);
    expect(codeOf(() => jsKernels.householderQrBlocked(m, n, a, n, tau, short))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => jsKernels.householderQBlocked(m, n, a, n, tau, Q, n, short))).toBe("INVALID_ARGUMENT");
  });
});

describeVariants("blocked QR kernels wasm", () => {
  for (const c of cases) {
    it(`${c.name}: agrees with the unblocked WASM kernels and with the js twin to 1e-12`, () => {
      const b = factor("wasm", c.A, true);
      expectFactorisation(c.A, b);
      expectAgree(c.A, b, factor("wasm", c.A, false), 1e-12);
      expectAgree(c.A, b, factor("js", c.A, true), 1e-12);
    });
  }

  it("reports the same work size as the TypeScript formula", () => {
    const x = linalgWasm.shared().exports;
    for (const [m, n] of [[1, 1], [50, 20], [96, 96], [97, 124], [300, 32], [300, 33], [120, 300], [1000, 200], [100000, 50], [0, 3]]) {
      expect(x.qrBlockedWorkSize(m, n)).toBe(qrBlockedWorkSize(m, n));
    }
  });

  it("works on a sub-block (lda > n) without touching the columns past n", () => {
    const A = randn(200, 100, 22);
    const packed = factor("wasm", A, true);
    const strided = factor("wasm", A, true, { lda: 137 });
    expect(relErr(strided.a, packed.a)).toBeLessThan(1e-15);
    expect(relErr(strided.Q, packed.Q)).toBeLessThan(1e-15);
  });

  it("forms only the first kq columns of Q when asked", () => {
    const A = randn(400, 120, 23);
    expectAgree(A, factor("wasm", A, true, { kq: 70 }), factor("wasm", A, false, { kq: 70 }), 1e-12, 70);
  });

  it("rejects a work array shorter than qrBlockedWorkSize with INVALID_ARGUMENT", () => {
    const m = 200, n = 100;
    const err = codeOf(() =>
      withLinalg("wasm", 8 * (m * n + n + qrBlockedWorkSize(m, n)) + 1024, (ws) => {
        const a = ws.copy(randn(m, n, 24).data), tau = ws.f64(n), work = ws.f64(qrBlockedWorkSize(m, n) - 1);
        ws.kernels.householderQrBlocked(m, n, a, n, tau, work);
      }),
    );
    expect(err).toBe("INVALID_ARGUMENT");
  });
});
