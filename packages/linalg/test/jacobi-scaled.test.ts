// jacobiRowsScaled (scaled rotations; anti-diagonal order in WASM, cyclic in
// TS) against jacobiRows, its TS twin, and the singular values of known
// matrices, on both backends and both WASM variants.
import { describe, expect, it } from "vitest";
import { linalgWasm, withLinalg } from "../src/internal.js";
import { bindLinalg, jsKernels, type LinalgKernels } from "../src/kernels/index.js";
import { describeVariants, randn, withSingularValues } from "./factor-helpers.js";

const EPS = 2.220446049250313e-16;

interface Run {
  X: Float64Array;
  d: Float64Array;
  sweeps: number;
}

/** Rows of N (r x c) with the identity appended (X = [N | I], as an SVD's core uses it), rotated by one kernel. */
function run(backend: "js" | "wasm", N: Float64Array, r: number, c: number, scaled: boolean, maxSweeps = 30): Run {
  const w = c + r;
  return withLinalg(backend, 8 * (r * w + 6 * r + 5) + 1024, (ws) => {
    const K: LinalgKernels = ws.kernels;
    const X = ws.f64(r * w), d = ws.f64(r), work = ws.f64(5 * r + 5);
    for (let i = 0; i < r; i++) {
      X.set(N.subarray(i * c, i * c + c), i * w);
      X[i * w + c + i] = 1;
    }
    const tol = Math.sqrt(c) * EPS;
    const sweeps = scaled ? K.jacobiRowsScaled(r, c, w, X, w, d, tol, maxSweeps, work) : K.jacobiRows(r, c, w, X, w, d, tol, maxSweeps);
    return { X: ws.output(X), d: ws.output(d), sweeps };
  });
}

/** Checks J N = rows of X (J = the right block), J orthogonal, rows orthogonal, d their norms, sorted. */
function check(N: Float64Array, r: number, c: number, out: Run): void {
  const w = c + r, { X, d } = out;
  let nmax = 0;
  for (let i = 0; i < r; i++) nmax = Math.max(nmax, d[i]);
  for (let i = 0; i < r; i++) {
    if (i > 0) expect(d[i]).toBeLessThanOrEqual(d[i - 1]);
    for (let j = 0; j < r; j++) {
      let jj = 0, xx = 0;
      for (let t = 0; t < r; t++) jj += X[i * w + c + t] * X[j * w + c + t];
      for (let t = 0; t < c; t++) xx += X[i * w + t] * X[j * w + t];
      expect(Math.abs(jj - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      if (i !== j) expect(Math.abs(xx)).toBeLessThanOrEqual(1e-13 * d[i] * d[j] + 1e-300);
    }
    for (let t = 0; t < c; t++) {
      let jn = 0;
      for (let q = 0; q < r; q++) jn += X[i * w + c + q] * N[q * c + t];
      expect(Math.abs(jn - X[i * w + t])).toBeLessThan(1e-12 * nmax);
    }
  }
}

/** r <= c, as the kernels are used (more rows than columns would leave rows shrinking forever). */
const shapes: [number, number][] = [[1, 3], [2, 2], [5, 9], [26, 26], [17, 30], [4, 4]];

describe("jacobiRowsScaled (js)", () => {
  it("orthogonalises rows like jacobiRows, with the same singular values", () => {
    for (const [r, c] of shapes) {
      const N = randn(r, c, 100 + r).data;
      const s = run("js", N, r, c, true), u = run("js", N, r, c, false);
      check(N, r, c, s);
      for (let i = 0; i < r; i++) expect(Math.abs(s.d[i] - u.d[i])).toBeLessThan(1e-13 * u.d[0]);
      expect(Math.abs(s.sweeps - u.sweeps)).toBeLessThanOrEqual(1);
    }
  });

  it("recovers prescribed singular values, graded over 12 orders of magnitude", () => {
    const sv = Array.from({ length: 12 }, (_, i) => 10 ** -i);
    const A = withSingularValues(12, 12, sv, 7);
    const s = run("js", A.data, 12, 12, true);
    check(A.data, 12, 12, s);
    for (let i = 0; i < 12; i++) expect(Math.abs(s.d[i] - sv[i])).toBeLessThan(1e-14);
    const u = run("js", A.data, 12, 12, false);
    for (let i = 0; i < 12; i++) expect(Math.abs(s.d[i] - u.d[i])).toBeLessThan(1e-14);
  });

  it("handles zero rows, rank deficiency, and squared norms near under- and overflow", () => {
    const r = 8, c = 10;
    const N = randn(r, c, 3).data;
    N.fill(0, 2 * c, 3 * c); // a zero row
    for (let t = 0; t < c; t++) N[5 * c + t] = 2 * N[4 * c + t]; // a dependent row
    const s = run("js", N, r, c, true);
    check(N, r, c, s);
    expect(s.d[r - 1]).toBe(0);
    expect(s.d[r - 2]).toBeLessThan(1e-14 * s.d[0]);
    // Squared norms near 1e-280 and 1e280: the products a b and h² + 4g² leave the normal range (the fallbacks).
    for (const f of [1e-140, 1e140]) {
      const M = randn(6, 7, 9).data.map((v) => v * f);
      const a = run("js", M, 6, 7, true), b = run("js", M, 6, 7, false);
      for (let i = 0; i < 6; i++) expect(Math.abs(a.d[i] - b.d[i])).toBeLessThan(1e-12 * b.d[0]);
    }
  });

  it("reports -1 when it runs out of sweeps", () => {
    expect(run("js", randn(12, 12, 5).data, 12, 12, true, 1).sweeps).toBe(-1);
  });
});

describeVariants("jacobiRowsScaled wasm", (variant) => {
  it("agrees with the cyclic TS twin (bit for bit without fused multiply-adds)", () => {
    for (const [r, c] of [...shapes, [40, 40] as [number, number]]) {
      const N = randn(r, c, 200 + r).data;
      const w = run("wasm", N, r, c, true), j = run("js", N, r, c, true);
      check(N, r, c, w);
      expect(w.sweeps).toBeGreaterThan(0);
      if (variant === "simd") {
        expect(w.sweeps).toBe(j.sweeps);
        expect(Array.from(w.X)).toEqual(Array.from(j.X));
        expect(Array.from(w.d)).toEqual(Array.from(j.d));
      } else {
        for (let i = 0; i < r; i++) expect(Math.abs(w.d[i] - j.d[i])).toBeLessThan(1e-13 * j.d[0]);
      }
    }
  });

  it("matches the TS twin on graded and extreme-scale inputs", () => {
    const A = withSingularValues(10, 10, Array.from({ length: 10 }, (_, i) => 10 ** -i), 8);
    for (const f of [1, 1e-140, 1e140]) {
      const M = A.data.map((v) => v * f);
      const w = run("wasm", M, 10, 10, true), j = run("js", M, 10, 10, true);
      check(M, 10, 10, w);
      if (variant === "simd") expect(Array.from(w.d)).toEqual(Array.from(j.d));
      else for (let i = 0; i < 10; i++) expect(Math.abs(w.d[i] - j.d[i])).toBeLessThanOrEqual(1e-14 * j.d[0]);
    }
  });
});
