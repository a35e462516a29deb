import { describe, expect, it } from "vitest";
import { svd, type DenseMatrix, type SvdResult } from "../src/index.js";
import { jsKernels } from "../src/kernels/index.js";
import {
  checkSvd, codeOf, describeVariants, logspace, mat, maxDiff, norm, orthError, randn, relErr, scaled, usv, withSingularValues,
} from "./factor-helpers.js";

/**
 * Singular values agree to 1e-10 of the largest; vectors too when `vectors`
 * (distinct singular values). A vector of a singular value far below the
 * largest is only determined to about eps * s_max / gap (rounding in A itself,
 * e.g. FMA in relaxed-simd, moves it that much), so below 1e-3 s_max the
 * columns are compared weighted by s_j / s_max, i.e. as parts of U diag(s).
 */
function expectAgree(a: SvdResult, b: SvdResult, vectors: boolean): void {
  const scale = Math.max(a.s[0], Number.MIN_VALUE);
  expect(maxDiff(a.s, b.s) / scale).toBeLessThan(1e-10);
  if (!vectors) return;
  const r = a.s.length;
  for (const [X, Y] of [[a.U, b.U], [a.V, b.V]]) {
    let worst = 0;
    for (let j = 0; j < r; j++) {
      const w = a.s[j] >= 1e-3 * scale ? 1 : a.s[j] / scale;
      for (let i = 0; i < X.rows; i++) worst = Math.max(worst, w * Math.abs(X.data[i * r + j] - Y.data[i * r + j]));
    }
    expect(worst).toBeLessThan(1e-10);
  }
}

const repeated = [5, 5, 5, 2, 2, 1, 1, 1, 1, 0.5, 0.5, 0.1];
const cases: { name: string; A: DenseMatrix; s?: number[]; distinct: boolean }[] = [
  { name: "random tall 60 x 25", A: randn(60, 25, 1), distinct: true },
  { name: "random wide 25 x 60", A: randn(25, 60, 2), distinct: true },
  { name: "random square 30 x 30", A: randn(30, 30, 3), distinct: true },
  { name: "one column 17 x 1", A: randn(17, 1, 4), distinct: true },
  { name: "one row 1 x 17", A: randn(1, 17, 5), distinct: true },
  { name: "rank 7 of 40 x 20", A: withSingularValues(40, 20, [9, 7, 5, 3, 2, 1, 0.5], 6), s: [9, 7, 5, 3, 2, 1, 0.5], distinct: false },
  { name: "rank 3 of 12 x 30 (wide)", A: withSingularValues(12, 30, [4, 2, 1], 7), s: [4, 2, 1], distinct: false },
  { name: "ill-conditioned 40 x 20 (1 .. 1e-12)", A: withSingularValues(40, 20, logspace(1, 1e-12, 20), 8), s: logspace(1, 1e-12, 20), distinct: true },
  { name: "repeated singular values 40 x 12", A: withSingularValues(40, 12, repeated, 9), s: repeated, distinct: false },
  { name: "entries ~1e-300", A: scaled(randn(30, 12, 10), 1e-300), distinct: true },
  { name: "entries ~1e300", A: scaled(randn(12, 30, 11), 1e300), distinct: true },
  // Above the QR crossover: the blocked QR kernels on wasm.
  { name: "random tall 240 x 70 (blocked QR)", A: randn(240, 70, 12), distinct: true },
  { name: "random wide 70 x 240 (blocked QR of Aᵀ)", A: randn(70, 240, 13), distinct: true },
  { name: "ill-conditioned 200 x 64 (1 .. 1e-12, blocked QR)", A: withSingularValues(200, 64, logspace(1, 1e-12, 64), 14), s: logspace(1, 1e-12, 64), distinct: true },
];

describe("svd (js reference)", () => {
  for (const c of cases) {
    it(`factors ${c.name}: A = U diag(s) Vᵀ, orthonormal U and V, s descending`, () => {
      const res = svd(c.A, { backend: "js" });
      checkSvd(c.A, res);
      if (c.s) {
        const want = [...c.s, ...new Array(res.s.length - c.s.length).fill(0)];
        expect(maxDiff(res.s, want) / c.s[0]).toBeLessThan(1e-12);
      }
    });
  }

  it("returns zero singular values and orthonormal completed vectors for a zero matrix", () => {
    for (const [m, n] of [[15, 8], [8, 15], [6, 6]]) {
      const A = mat(m, n, new Float64Array(m * n));
      const res = svd(A, { backend: "js" });
      expect(Array.from(res.s)).toEqual(new Array(Math.min(m, n)).fill(0));
      expect(orthError(res.U)).toBeLessThan(1e-14);
      expect(orthError(res.V)).toBeLessThan(1e-14);
    }
  });

  it("handles a mix of 1e300 and 1e-300 entries (rows of very different scale)", () => {
    const A = randn(20, 8, 12);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 8; j++) A.data[i * 8 + j] *= i % 2 ? 1e-300 : 1e300;
    const res = svd(A, { backend: "js" });
    checkSvd(A, res);
    expect(res.s[0]).toBeGreaterThan(1e299);
  });

  it("truncates to the `rank` largest triplets, equal to the leading part of the full SVD", () => {
    const A = randn(30, 14, 13);
    const full = svd(A, { backend: "js" });
    const top = svd(A, { backend: "js", rank: 4 });
    expect(full.kind).toBe("svd");
    expect(top.kind).toBe("svd");
    checkSvd(A, top, 4);
    expect(maxDiff(top.s, full.s.subarray(0, 4))).toBe(0);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 4; j++) expect(top.U.data[i * 4 + j]).toBe(full.U.data[i * 14 + j]);
    // k, the old name of rank, still reads the same.
    expect(Array.from(svd(A, { backend: "js", k: 4 }).s)).toEqual(Array.from(top.s));
    expect(Array.from(svd(A, { backend: "js", k: 4, rank: 4 }).s)).toEqual(Array.from(top.s));
  });

  it("matches the singular values of a matrix built from known factors exactly (diagonal input)", () => {
    const A = mat(4, 3, [0, 3, 0, -5, 0, 0, 0, 0, 1, 0, 0, 0]);
    const res = svd(A, { backend: "js" });
    expect(Array.from(res.s)).toEqual([5, 3, 1]);
    checkSvd(A, res);
  });

  it("normalises signs: the largest-magnitude entry of every U column is positive", () => {
    const res = svd(randn(20, 9, 14), { backend: "js" });
    for (let j = 0; j < 9; j++) {
      let best = 0;
      for (let i = 0; i < 20; i++) if (Math.abs(res.U.data[i * 9 + j]) > Math.abs(best)) best = res.U.data[i * 9 + j];
      expect(best).toBeGreaterThan(0);
    }
  });

  it("rejects bad input with typed errors", () => {
    expect(codeOf(() => svd(mat(0, 3, []), { backend: "js" }))).toBe("EMPTY");
    expect(codeOf(() => svd(mat(2, 2, [1, NaN, 0, 1]), { backend: "js" }))).toBe("NON_FINITE");
    expect(codeOf(() => svd(mat(2, 2, [1, Infinity, 0, 1]), { backend: "js" }))).toBe("NON_FINITE");
    expect(codeOf(() => svd({ rows: 2, cols: 3, data: new Float64Array(5) }, { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", k: 0 }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", k: 4 }))).toBe("RANK");
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", rank: 0 }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", rank: 4 }))).toBe("RANK");
    expect(codeOf(() => svd(randn(4, 3, 1), { backend: "js", rank: 2, k: 1 }))).toBe("INVALID_ARGUMENT");
  });
});

describe("jacobiRows kernel", () => {
  it("orthogonalises rows, sorts them by norm, and reports -1 when out of sweeps", () => {
    const r = 6, c = 6;
    const X0 = randn(r, c, 30).data;
    const d = new Float64Array(r);
    const X = X0.slice();
    expect(jsKernels.jacobiRows(r, c, c, X, c, d, 1e-15, 1)).toBe(-1);
    X.set(X0);
    const sweeps = jsKernels.jacobiRows(r, c, c, X, c, d, 1e-15, 60);
    expect(sweeps).toBeGreaterThan(1);
    expect(sweeps).toBeLessThan(15);
    for (let i = 1; i < r; i++) expect(d[i]).toBeLessThanOrEqual(d[i - 1]);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < i; j++) {
        let g = 0;
        for (let t = 0; t < c; t++) g += X[i * c + t] * X[j * c + t];
        expect(Math.abs(g) / (d[i] * d[j])).toBeLessThan(1e-14);
      }
    }
  });
});

describeVariants("svd wasm", () => {
  for (const c of cases) {
    it(`factors ${c.name} and agrees with the js reference`, () => {
      const w = svd(c.A);
      checkSvd(c.A, w);
      expectAgree(w, svd(c.A, { backend: "js" }), c.distinct);
    });
  }

  it("factors zero and mixed-scale matrices like the reference", () => {
    const Z = mat(9, 5, new Float64Array(45));
    const w = svd(Z);
    expect(norm(w.s)).toBe(0);
    expect(orthError(w.U)).toBeLessThan(1e-14);
    expect(orthError(w.V)).toBeLessThan(1e-14);
    const A = randn(20, 8, 12);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 8; j++) A.data[i * 8 + j] *= i % 2 ? 1e-300 : 1e300;
    checkSvd(A, svd(A));
  });

  it("handles a larger 300 x 120 input", () => {
    const A = randn(300, 120, 21);
    const w = svd(A);
    checkSvd(A, w);
    expectAgree(w, svd(A, { backend: "js" }), true);
  });
});
