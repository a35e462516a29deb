// The bidiagonal SVD path (QR, Householder bidiagonalisation, implicit-shift
// QR on the bidiagonal) against one-sided Jacobi, on both backends and both
// WASM variants; graded matrices with known singular values from 1 to 1e-15;
// the two new kernels on their own, js twin against WASM.
import { describe, expect, it } from "vitest";
import { svd, type DenseMatrix, type SvdResult } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { jsKernels } from "../src/kernels/index.js";
import {
  checkSvd, codeOf, describeVariants, graded, logspace, mat, maxDiff, orthError, randn, relErr, scaled, usv, withSingularValues,
} from "./factor-helpers.js";

const sigma40 = logspace(1, 1e-15, 40), sigma64 = logspace(1, 1e-15, 64);
const gradedCases = [
  { name: "80 x 40, columns by decreasing scale", A: graded(80, 40, sigma40, 1, false), s: sigma40 },
  { name: "80 x 40, columns shuffled", A: graded(80, 40, sigma40, 2, true), s: sigma40 },
  { name: "200 x 64 (blocked QR), columns shuffled", A: graded(200, 64, sigma64, 3, true), s: sigma64 },
];
/** Relative accuracy stated for graded matrices (measured: Jacobi 1e-15, bidiagonal 6e-15). */
const GRADED_REL = 2e-14;

const maxRel = (s: ArrayLike<number>, want: number[]) => Math.max(...want.map((w, i) => Math.abs(s[i] - w) / w));

const cases: { name: string; A: DenseMatrix; s?: number[] }[] = [
  { name: "random tall 60 x 25", A: randn(60, 25, 1) },
  { name: "random wide 25 x 60", A: randn(25, 60, 2) },
  { name: "random square 30 x 30", A: randn(30, 30, 3) },
  { name: "one column 17 x 1", A: randn(17, 1, 4) },
  { name: "two columns 9 x 2", A: randn(9, 2, 5) },
  { name: "rank 7 of 40 x 20", A: withSingularValues(40, 20, [9, 7, 5, 3, 2, 1, 0.5], 6), s: [9, 7, 5, 3, 2, 1, 0.5] },
  { name: "repeated singular values 40 x 12", A: withSingularValues(40, 12, [5, 5, 5, 2, 2, 1, 1, 1, 1, 0.5, 0.5, 0.1], 9), s: [5, 5, 5, 2, 2, 1, 1, 1, 1, 0.5, 0.5, 0.1] },
  { name: "entries ~1e-300", A: scaled(randn(30, 12, 10), 1e-300) },
  { name: "entries ~1e300", A: scaled(randn(12, 30, 11), 1e300) },
  { name: "random tall 240 x 70 (blocked kernels)", A: randn(240, 70, 12) },
];

describe("svd method: bidiagonal (js reference)", () => {
  for (const c of cases) {
    it(`factors ${c.name} and agrees with Jacobi to 1e-12 of s_max`, () => {
      const b = svd(c.A, { backend: "js", method: "bidiagonal" });
      checkSvd(c.A, b);
      const j = svd(c.A, { backend: "js", method: "jacobi" });
      expect(maxDiff(b.s, j.s) / j.s[0]).toBeLessThan(1e-12);
      if (c.s) expect(maxDiff(b.s.subarray(0, c.s.length), c.s) / c.s[0]).toBeLessThan(1e-12);
    });
  }

  it("returns zeros and orthonormal vectors for zero and rank-one matrices", () => {
    const Z = svd(mat(12, 7, new Float64Array(84)), { backend: "js", method: "bidiagonal" });
    expect(Array.from(Z.s)).toEqual(new Array(7).fill(0));
    expect(orthError(Z.U)).toBeLessThan(1e-14);
    expect(orthError(Z.V)).toBeLessThan(1e-14);
    const u = randn(15, 1, 20).data, v = randn(1, 6, 21).data;
    const R1 = mat(15, 6, Array.from({ length: 90 }, (_, k) => u[Math.floor(k / 6)] * v[k % 6]));
    const r = svd(R1, { backend: "js", method: "bidiagonal" });
    checkSvd(R1, r);
    expect(Math.max(...r.s.subarray(1)) / r.s[0]).toBeLessThan(1e-15);
  });

  it("refuses an unknown method", () => {
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", method: "qr" as never }))).toBe("INVALID_ARGUMENT");
  });

  for (const g of gradedCases) {
    it(`graded ${g.name}: every singular value from 1 to 1e-15 to ${GRADED_REL} relative, both methods`, () => {
      for (const method of ["bidiagonal", "jacobi"] as const) {
        expect(maxRel(svd(g.A, { backend: "js", method }).s, g.s)).toBeLessThan(GRADED_REL);
      }
      // The transposed (wide) problem as well.
      const T = { rows: g.A.cols, cols: g.A.rows, data: new Float64Array(g.A.data.length) };
      for (let i = 0; i < g.A.rows; i++) for (let j = 0; j < g.A.cols; j++) T.data[j * g.A.rows + i] = g.A.data[i * g.A.cols + j];
      expect(maxRel(svd(T, { backend: "js", method: "bidiagonal" }).s, g.s)).toBeLessThan(GRADED_REL);
    });
  }
});

describe("bidiagonal kernels (js reference)", () => {
  it("bidiagonalize gives A = Q B Pᵀ with d >= 0 and e[n-1] = 0", () => {
    const n = 9, A0 = randn(n, n, 40).data, A = A0.slice();
    const d = new Float64Array(n), e = new Float64Array(n), tq = new Float64Array(n), tp = new Float64Array(n);
    jsKernels.bidiagonalize(n, A, n, d, e, tq, tp, new Float64Array(n));
    const Q = new Float64Array(n * n), P1 = new Float64Array((n - 1) * (n - 1)), Y = new Float64Array((n - 1) * (n - 1));
    jsKernels.householderQ(n, n, A, n, tq, Q, n, new Float64Array(n));
    for (let c = 0; c < n - 1; c++) for (let q = c + 1; q < n - 1; q++) Y[q * (n - 1) + c] = A[c * n + q + 1];
    jsKernels.householderQ(n - 1, n - 1, Y, n - 1, tp, P1, n - 1, new Float64Array(n));
    const P = new Float64Array(n * n);
    P[0] = 1;
    for (let i = 1; i < n; i++) for (let j = 1; j < n; j++) P[i * n + j] = P1[(i - 1) * (n - 1) + j - 1];
    // Q B Pᵀ against A.
    const QB = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QB[i * n + j] = Q[i * n + j] * d[j] + (j > 0 ? Q[i * n + j - 1] * e[j - 1] : 0);
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) R[i * n + j] += QB[i * n + k] * P[j * n + k];
    expect(relErr(R, A0)).toBeLessThan(1e-14);
    expect(e[n - 1]).toBe(0);
    for (let i = 0; i < n; i++) expect(d[i]).toBeGreaterThanOrEqual(0);
  });

  it("bidiagonalQr finds the singular values of a bidiagonal to a few ulps of each", () => {
    // B with d = 1, e = 1: its singular values are 2 cos(k pi / (2n + 1)), k = 1..n.
    const n = 12, d = new Float64Array(n).fill(1), e = new Float64Array(n).fill(1);
    const U = new Float64Array(n * n), V = new Float64Array(n * n);
    for (let i = 0; i < n; i++) U[i * n + i] = V[i * n + i] = 1;
    expect(jsKernels.bidiagonalQr(n, d, e, U, n, V, n, new Float64Array(4 + 4 * n), 4 + 4 * n)).toBeGreaterThan(0);
    const want = Array.from({ length: n }, (_, k) => 2 * Math.cos(((k + 1) * Math.PI) / (2 * n + 1)));
    expect(maxRel(d, want)).toBeLessThan(1e-14);
    expect(orthError({ rows: n, cols: n, data: U })).toBeLessThan(1e-14);
  });
});

describeVariants("svd method: bidiagonal wasm", () => {
  for (const c of cases) {
    it(`factors ${c.name} and agrees with the js reference to 1e-10`, () => {
      const w = svd(c.A, { method: "bidiagonal" });
      checkSvd(c.A, w);
      expect(maxDiff(w.s, svd(c.A, { backend: "js", method: "bidiagonal" }).s) / w.s[0]).toBeLessThan(1e-10);
    });
  }

  for (const g of gradedCases) {
    it(`graded ${g.name}: singular values to ${GRADED_REL} relative, both methods`, () => {
      for (const method of ["bidiagonal", "jacobi"] as const) expect(maxRel(svd(g.A, { method }).s, g.s)).toBeLessThan(GRADED_REL);
    });
  }

  it("auto takes the bidiagonal path above min(m, n) = 32: the same bits as asking for it", () => {
    const A = randn(90, 33, 30);
    expect(Array.from(svd(A).s)).toEqual(Array.from(svd(A, { method: "bidiagonal" }).s));
    const B = randn(32, 90, 31);
    expect(Array.from(svd(B).s)).toEqual(Array.from(svd(B, { method: "jacobi" }).s));
  });

  it("the kernels agree with their js twins to rounding (bit for bit on simd: the conformance suite)", () => {
    const n = 37, A0 = randn(n, n, 50).data, lw = 3 * (4 + 4 * n);
    const run = (K: typeof jsKernels, A: Float64Array, d: Float64Array, e: Float64Array, U: Float64Array, V: Float64Array) => {
      K.bidiagonalize(n, A, n, d, e, new Float64Array(n).fill(0), new Float64Array(n).fill(0), new Float64Array(n));
      const sweeps = K.bidiagonalQr(n, d, e, U, n, V, n, new Float64Array(lw), lw);
      return sweeps;
    };
    const jd = new Float64Array(n), je = new Float64Array(n), jA = A0.slice(), jU = new Float64Array(n * n), jV = new Float64Array(n * n);
    for (let i = 0; i < n; i++) jU[i * n + i] = jV[i * n + i] = 1;
    run(jsKernels, jA, jd, je, jU, jV);
    withLinalg("wasm", 8 * (4 * n * n + 8 * n + lw) + 1024, (ws) => {
      const A = ws.copy(A0), d = ws.f64(n), e = ws.f64(n), U = ws.f64(n * n), V = ws.f64(n * n);
      U.fill(0);
      V.fill(0);
      for (let i = 0; i < n; i++) U[i * n + i] = V[i * n + i] = 1;
      const K = ws.kernels;
      const tq = ws.f64(n), tp = ws.f64(n), w = ws.f64(n);
      K.bidiagonalize(n, A, n, d, e, tq, tp, w);
      expect(maxDiff(A, jA)).toBeLessThan(1e-12);
      // A record of three sweeps at most: several batches.
      expect(K.bidiagonalQr(n, d, e, U, n, V, n, ws.f64(lw), lw)).toBeGreaterThan(0);
      expect(maxDiff(d, jd)).toBeLessThan(1e-12);
      expect(maxDiff(U, jU)).toBeLessThan(1e-10);
      expect(maxDiff(V, jV)).toBeLessThan(1e-10);
      // Work below one sweep's record: status -2 and nothing done, on both backends.
      const d0 = d.slice();
      expect(K.bidiagonalQr(n, d, e, U, n, V, n, ws.f64(4 * n), 4 * n)).toBe(-2);
      expect(jsKernels.bidiagonalQr(n, d, e, U, n, V, n, new Float64Array(4 * n), 4 * n)).toBe(-2);
      expect(Array.from(d)).toEqual(Array.from(d0));
    });
  });
});

describe("rotation batches (js twin of the record)", () => {
  it("applying a recorded up and down sweep equals rotating at once, bit for bit", async () => {
    const { batchApply, batchClear, batchClose, batchEmpty, batchFits, batchOpen, batchStart, batchStep } = await import("../src/kernels/rotation-batch.js");
    const { rotRows } = await import("../src/kernels/rotation.js");
    const n = 11, X0 = randn(n, n, 60).data, X = X0.slice(), Y = X0.slice();
    const work = new Float64Array(4 * (4 + 2 * n));
    batchStart(work, work.length);
    expect(batchEmpty()).toBe(true);
    const angles = randn(1, 2 * n, 61).data;
    // Up from row 2 over 5 steps, then down from row 9 over 6 steps.
    batchOpen(2, false, 2);
    for (let k = 0; k < 5; k++) {
      const c = Math.cos(angles[k]), s = Math.sin(angles[k]);
      batchStep(c, s);
      rotRows(n, Y, (2 + k) * n, Y, (3 + k) * n, c, s);
    }
    batchClose();
    expect(batchFits(n, 2)).toBe(true);
    batchOpen(9, true, 2);
    for (let k = 0; k < 6; k++) {
      const c = Math.cos(angles[n + k]), s = Math.sin(angles[n + k]);
      batchStep(c, s);
      rotRows(n, Y, (8 - k) * n, Y, (9 - k) * n, c, s);
    }
    batchClose();
    batchApply(n, X, n, 0);
    expect(Array.from(X)).toEqual(Array.from(Y));
    batchClear();
    expect(batchEmpty()).toBe(true);
  });
});
