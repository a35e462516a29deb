// The bidiagonal divide and conquer (src/svd-dc.ts) and its secularSvd
// kernel, on both backends and both WASM variants: known singular values,
// B = U Σ Vᵀ and orthogonality on random, clustered, repeated, split, rank-
// deficient, zero and graded bidiagonals, agreement with bidiagonal QR; then
// svd with method "divide-and-conquer" (the default from min(m, n) = 128)
// against Jacobi, and its stated accuracy on graded matrices.
import { describe, expect, it } from "vitest";
import { Rng, svd, svdAsync, type DenseMatrix } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { jsKernels, type LinalgKernels } from "../src/kernels/index.js";
import { bidiagonalQrWorkSize } from "../src/kernels/bidiagonal.js";
import { bidiagonalDc, bidiagonalDcWorkSize, SVD_DC_LEAF } from "../src/svd-dc.js";
import { SVD_DC_MIN } from "../src/svd.js";
import { checkSvd, codeOf, describeVariants, graded, logspace, maxDiff, randn, scaled, withSingularValues } from "./factor-helpers.js";

interface Bidiagonal { name: string; d: Float64Array; e: Float64Array }

const from = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const bidiagonals = (): Bidiagonal[] => {
  const rng = new Rng(11);
  const out: Bidiagonal[] = [];
  for (const n of [1, 2, SVD_DC_LEAF, SVD_DC_LEAF + 1, 51, 100, 257]) out.push({ name: `random ${n}`, d: rng.fillNormal(new Float64Array(n)), e: rng.fillNormal(new Float64Array(n)) });
  const n = 120;
  out.push(
    { name: "clustered (d = 1, e = 1e-9)", d: from(n, () => 1), e: from(n, () => 1e-9) },
    { name: "zeros on the diagonal", d: from(n, (i) => (i % 7 === 3 ? 0 : 1 + (i % 5))), e: from(n, (i) => (i % 11 === 5 ? 0 : 0.5)) },
    { name: "split (e = 0 every 9th)", d: rng.fillNormal(new Float64Array(n)), e: from(n, (i) => (i % 9 === 8 ? 0 : Math.cos(i))) },
    { name: "repeated, diagonal", d: from(n, (i) => 1 + (i % 3)), e: new Float64Array(n) },
    { name: "rank-deficient (every 4th row zero)", d: from(n, (i) => (i % 4 === 1 ? 0 : 2 + Math.sin(i))), e: from(n, (i) => (i % 4 === 1 ? 0 : Math.cos(i))) },
    { name: "zero", d: new Float64Array(n), e: new Float64Array(n) },
    { name: "graded (1 .. 1e-12)", d: from(n, (i) => 10 ** (-i / 10)), e: from(n, (i) => 0.5 * 10 ** (-i / 10)) },
    { name: "wide range of scales (1e-150 .. 1)", d: from(n, (i) => 10 ** (-150 * ((i * 37) % n) / n)), e: from(n, (i) => 10 ** (-150 * ((i * 53) % n) / n)) },
  );
  return out;
};

/** bidiagonalDc on K (views in that backend's memory); returns d, U and V. */
function runDc(backend: "js" | "wasm", b: Bidiagonal) {
  const n = b.d.length;
  return withLinalg(backend, 8 * (2 * n * n + 4 * n + bidiagonalDcWorkSize(n)) + 65536, (ws) => {
    const d = ws.copy(b.d), e = ws.copy(b.e), U = ws.f64(n * n), V = ws.f64(n * n);
    const it = bidiagonalDc(ws.kernels, n, d, e, U, n, V, n, ws.f64(bidiagonalDcWorkSize(n)));
    return { it, d: d.slice(), e: e.slice(), U: U.slice(), V: V.slice() };
  });
}

function runQr(K: LinalgKernels, b: Bidiagonal): Float64Array {
  const n = b.d.length, d = b.d.slice(), e = b.e.slice(), U = new Float64Array(n * n), V = new Float64Array(n * n), lw = bidiagonalQrWorkSize(n);
  for (let i = 0; i < n; i++) U[i * n + i] = V[i * n + i] = 1;
  expect(K.bidiagonalQr(n, d, e, U, n, V, n, new Float64Array(lw), lw)).toBeGreaterThanOrEqual(0);
  return d;
}

/** max |B - Σ d_j u_j v_jᵀ| / max |B|, and the rows' orthogonality errors. */
function residuals(b: Bidiagonal, d: Float64Array, U: Float64Array, V: Float64Array) {
  const n = b.d.length;
  let err = 0, big = 0, ou = 0, ov = 0;
  for (let a = 0; a < n; a++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[j] * U[j * n + a] * V[j * n + c];
      const want = a === c ? b.d[a] : c === a + 1 ? b.e[a] : 0;
      err = Math.max(err, Math.abs(s - want));
      big = Math.max(big, Math.abs(want));
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let su = 0, sv = 0;
      for (let t = 0; t < n; t++) {
        su += U[i * n + t] * U[j * n + t];
        sv += V[i * n + t] * V[j * n + t];
      }
      ou = Math.max(ou, Math.abs(su - (i === j ? 1 : 0)));
      ov = Math.max(ov, Math.abs(sv - (i === j ? 1 : 0)));
    }
  }
  return { rec: big === 0 ? err : err / big, ou, ov };
}

function checkDc(backend: "js" | "wasm", b: Bidiagonal) {
  const n = b.d.length;
  const r = runDc(backend, b);
  expect(r.it).toBeGreaterThanOrEqual(0);
  expect(Array.from(r.e)).toEqual(Array.from(b.e)); // e is left as it was
  for (let j = 0; j < n; j++) {
    expect(r.d[j]).toBeGreaterThanOrEqual(0);
    if (j > 0) expect(r.d[j]).toBeLessThanOrEqual(r.d[j - 1]);
  }
  const { rec, ou, ov } = residuals(b, r.d, r.U, r.V);
  expect(rec).toBeLessThan(1e-13);
  expect(ou).toBeLessThan(1e-13);
  expect(ov).toBeLessThan(1e-13);
  // The singular values against bidiagonal QR's (relative to the largest).
  const q = runQr(jsKernels, b), top = Math.max(q[0], Number.MIN_VALUE);
  expect(maxDiff(r.d, q) / top).toBeLessThan(1e-13);
  return r;
}

describe("bidiagonalDc (js reference)", () => {
  for (const b of bidiagonals()) it(`${b.name}: B = U Σ Vᵀ, orthogonal U and V, QR's singular values`, () => void checkDc("js", b));

  it("finds the known singular values 2 cos(k pi / (2n + 1)) of the bidiagonal of ones, n = 200", () => {
    const n = 200, r = checkDc("js", { name: "ones", d: from(n, () => 1), e: from(n, () => 1) });
    const want = from(n, (k) => 2 * Math.cos(((k + 1) * Math.PI) / (2 * n + 1)));
    expect(maxDiff(r.d, want) / 2).toBeLessThan(1e-14);
  });
});

describe("secularSvd (js reference)", () => {
  it("gives the arrowhead's triplets: M v = σ u, orthonormal u and v, σ ascending and interlacing", () => {
    const rng = new Rng(5);
    for (const k of [1, 2, 3, 8, 40]) {
      const d = from(k, (i) => (i === 0 ? 0 : i + 0.3 * Math.sin(i))), z = rng.fillNormal(new Float64Array(k));
      const sig = new Float64Array(k), U = new Float64Array(k * k), V = new Float64Array(k * k);
      expect(jsKernels.secularSvd(k, d, z, sig, U, V, k, new Float64Array(k))).toBeGreaterThanOrEqual(0);
      for (let j = 0; j < k; j++) {
        expect(sig[j]).toBeGreaterThan(d[j]);
        if (j < k - 1) expect(sig[j]).toBeLessThan(d[j + 1]);
        // (M v)_0 = z · v, (M v)_i = d_i v_i.
        let m0 = 0;
        for (let i = 0; i < k; i++) m0 += z[i] * V[j * k + i];
        expect(Math.abs(m0 - sig[j] * U[j * k])).toBeLessThan(1e-13 * (1 + sig[j]));
        for (let i = 1; i < k; i++) expect(Math.abs(d[i] * V[j * k + i] - sig[j] * U[j * k + i])).toBeLessThan(1e-13 * (1 + sig[j]));
        for (let l = 0; l <= j; l++) {
          let su = 0, sv = 0;
          for (let i = 0; i < k; i++) {
            su += U[j * k + i] * U[l * k + i];
            sv += V[j * k + i] * V[l * k + i];
          }
          expect(Math.abs(su - (j === l ? 1 : 0))).toBeLessThan(1e-14);
          expect(Math.abs(sv - (j === l ? 1 : 0))).toBeLessThan(1e-14);
        }
      }
    }
  });
});

const maxRel = (s: ArrayLike<number>, want: number[]) => Math.max(...want.map((w, i) => Math.abs(s[i] - w) / w));
const maxAbs = (s: ArrayLike<number>, want: number[]) => Math.max(...want.map((w, i) => Math.abs(s[i] - w)));
/** The accuracies stated in svd's documentation: D&C absolute (of σ_max = 1), bidiagonal QR relative. */
const DC_ABS = 1e-14, GRADED_REL = 2e-14;

const svdCases: { name: string; A: DenseMatrix; s?: number[] }[] = [
  { name: "random tall 300 x 130", A: randn(300, 130, 1) },
  { name: "random wide 140 x 260", A: randn(140, 260, 2) },
  { name: "random square 150 x 150", A: randn(150, 150, 3) },
  { name: "rank 9 of 260 x 140", A: withSingularValues(260, 140, [9, 7, 5, 3, 2, 1, 0.5, 0.25, 0.125], 6), s: [9, 7, 5, 3, 2, 1, 0.5, 0.25, 0.125] },
  { name: "repeated singular values 200 x 130", A: withSingularValues(200, 130, from(130, (i) => [5, 2, 1, 0.5][i % 4]).sort((a, b) => b - a) as unknown as number[], 9) },
  { name: "entries ~1e-300", A: scaled(randn(200, 130, 10), 1e-300) },
  { name: "entries ~1e300", A: scaled(randn(130, 200, 11), 1e300) },
];

describe("svd method: divide-and-conquer (js reference)", () => {
  for (const c of svdCases) {
    it(`factors ${c.name} and agrees with Jacobi to 1e-12 of s_max`, () => {
      const r = svd(c.A, { backend: "js", method: "divide-and-conquer" });
      checkSvd(c.A, r);
      const j = svd(c.A, { backend: "js", method: "jacobi" });
      expect(maxDiff(r.s, j.s) / j.s[0]).toBeLessThan(1e-12);
      if (c.s) expect(maxDiff(r.s.subarray(0, c.s.length), c.s) / c.s[0]).toBeLessThan(1e-12);
    });
  }
});

describe("svd method: divide-and-conquer, bad input (both backends)", () => {
  for (const backend of ["js", "wasm"] as const) {
    it(`${backend}: NaN and Infinity are NON_FINITE, an unknown method or option INVALID_ARGUMENT, an aborted signal ABORTED`, async () => {
      const A = randn(140, 130, 40);
      for (const bad of [NaN, Infinity]) {
        const B = { ...A, data: A.data.slice() };
        B.data[777] = bad;
        expect(codeOf(() => svd(B, { backend, method: "divide-and-conquer" }))).toBe("NON_FINITE");
      }
      expect(codeOf(() => svd(A, { backend, method: "dc" as never }))).toBe("INVALID_ARGUMENT");
      expect(codeOf(() => svd(A, { backend, method: "divide-and-conquer", tol: 1 } as never))).toBe("INVALID_ARGUMENT");
      expect(codeOf(() => svd(A, { backend, method: "divide-and-conquer", rank: 131 }))).toBe("RANK");
      const ac = new AbortController();
      ac.abort();
      await expect(svdAsync(A, { backend, method: "divide-and-conquer", signal: ac.signal })).rejects.toMatchObject({ code: "ABORTED" });
      // float32 results, rounded from the f64 ones.
      const f = svd(A, { backend, method: "divide-and-conquer", dtype: "float32", rank: 5 });
      expect(f.s).toBeInstanceOf(Float32Array);
      expect(maxDiff(f.s, svd(A, { backend, method: "divide-and-conquer", rank: 5 }).s)).toBeLessThan(1e-5 * f.s[0]);
    });
  }
});

describeVariants("svd method: divide-and-conquer wasm", () => {
  for (const b of bidiagonals()) {
    it(`bidiagonalDc, ${b.name}: as the js reference, to 1e-13 of the largest singular value`, () => {
      const w = checkDc("wasm", b), j = runDc("js", b);
      expect(maxDiff(w.d, j.d) / Math.max(j.d[0], Number.MIN_VALUE)).toBeLessThan(1e-13);
    });
  }

  it("secularSvd agrees with its js twin to rounding", () => {
    const k = 37, d = from(k, (i) => (i === 0 ? 0 : Math.sqrt(i) + 0.01 * i)), z = new Rng(8).fillNormal(new Float64Array(k));
    const sig = new Float64Array(k), U = new Float64Array(k * k), V = new Float64Array(k * k);
    jsKernels.secularSvd(k, d, z, sig, U, V, k, new Float64Array(k));
    withLinalg("wasm", 8 * (3 * k * k + 5 * k) + 1024, (ws) => {
      const s2 = ws.f64(k), U2 = ws.f64(k * k), V2 = ws.f64(k * k);
      expect(ws.kernels.secularSvd(k, ws.copy(d), ws.copy(z), s2, U2, V2, k, ws.f64(k))).toBeGreaterThanOrEqual(0);
      expect(maxDiff(s2, sig)).toBeLessThan(1e-14);
      expect(maxDiff(U2, U)).toBeLessThan(1e-13);
      expect(maxDiff(V2, V)).toBeLessThan(1e-13);
    });
  });

  for (const c of svdCases) {
    it(`svd of ${c.name}: factors, and agrees with the js reference to 1e-12`, () => {
      const w = svd(c.A, { method: "divide-and-conquer" });
      checkSvd(c.A, w);
      expect(maxDiff(w.s, svd(c.A, { backend: "js", method: "divide-and-conquer" }).s) / w.s[0]).toBeLessThan(1e-12);
    });
  }

  it(`auto takes divide and conquer from min(m, n) = ${SVD_DC_MIN}, bidiagonal QR below: the same bits as asking for each`, () => {
    const A = randn(300, SVD_DC_MIN, 30), B = randn(SVD_DC_MIN - 1, 300, 31);
    expect(Array.from(svd(A).s)).toEqual(Array.from(svd(A, { method: "divide-and-conquer" }).s));
    expect(Array.from(svd(B).s)).toEqual(Array.from(svd(B, { method: "bidiagonal" }).s));
  });

  it(`graded 400 x 200 (singular values 1 .. 1e-15): divide and conquer to ${DC_ABS} absolute, bidiagonal QR to ${GRADED_REL} relative`, () => {
    const sigma = logspace(1, 1e-15, 200), A = graded(400, 200, sigma, 3, true);
    expect(maxAbs(svd(A).s, sigma)).toBeLessThan(DC_ABS);
    expect(maxRel(svd(A, { method: "bidiagonal" }).s, sigma)).toBeLessThan(GRADED_REL);
    // Moderately graded (1 .. 1e-6): divide and conquer is accurate relative to each value there too.
    const s6 = logspace(1, 1e-6, 200), A6 = graded(400, 200, s6, 4, true);
    expect(maxRel(svd(A6).s, s6)).toBeLessThan(1e-9);
  });
});
