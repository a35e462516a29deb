import { describe, expect, it } from "vitest";
import { lstsq, solveTriangular, type DenseMatrix } from "../src/index.js";
import { codeOf, describeVariants, mat, matmul, maxDiff, norm, randn, relErr, scaled, withSingularValues } from "./factor-helpers.js";

/** A well-conditioned triangular matrix (unit-ish diagonal dominates). */
function tri(n: number, lower: boolean, seed: number): DenseMatrix {
  const T = randn(n, n, seed);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (lower ? j > i : j < i) T.data[i * n + j] = 0;
      else T.data[i * n + j] *= 0.3;
    }
    T.data[i * n + i] = 2 + Math.abs(T.data[i * n + i]);
  }
  return T;
}

function transpose(A: DenseMatrix): DenseMatrix {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
}

function withUnitDiagonal(T: DenseMatrix): DenseMatrix {
  const U = { ...T, data: T.data.slice() };
  for (let i = 0; i < T.rows; i++) U.data[i * T.rows + i] = 1;
  return U;
}

const combos = [
  { lower: true, trans: false, unitDiagonal: false },
  { lower: false, trans: false, unitDiagonal: false },
  { lower: true, trans: true, unitDiagonal: false },
  { lower: false, trans: true, unitDiagonal: false },
  { lower: true, trans: false, unitDiagonal: true },
  { lower: false, trans: true, unitDiagonal: true },
];

function checkTriangular(backend: "js" | "wasm"): void {
  for (const o of combos) {
    const label = `${o.lower ? "lower" : "upper"}${o.trans ? " transposed" : ""}${o.unitDiagonal ? " unit-diagonal" : ""}`;
    it(`solves ${label} systems for a vector and a matrix right-hand side (${backend})`, () => {
      const n = 23;
      const T = tri(n, o.lower, 1);
      // A random T: with unitDiagonal the stored diagonal (not 1) must be ignored.
      const opT = o.trans ? transpose(o.unitDiagonal ? withUnitDiagonal(T) : T) : o.unitDiagonal ? withUnitDiagonal(T) : T;
      const B = randn(n, 5, 2);
      const X = solveTriangular(T, B, { ...o, backend });
      expect([X.rows, X.cols]).toEqual([n, 5]);
      expect(relErr(matmul(opT, X).data, B.data)).toBeLessThan(1e-13);
      const b = randn(n, 1, 3).data;
      const x = solveTriangular(T, b, { ...o, backend });
      expect(x).toBeInstanceOf(Float64Array);
      expect(relErr(matmul(opT, mat(n, 1, x)).data, b)).toBeLessThan(1e-13);
      if (backend === "wasm") {
        const xj = solveTriangular(T, b, { ...o, backend: "js" });
        expect(maxDiff(x, xj) / norm(xj)).toBeLessThan(1e-10);
        const Xj = solveTriangular(T, B, { ...o, backend: "js" });
        expect(maxDiff(X.data, Xj.data) / norm(Xj.data)).toBeLessThan(1e-10);
      }
    });
  }

  it(`throws RANK naming a zero diagonal entry, SHAPE for mismatched sizes (${backend})`, () => {
    const T = tri(4, true, 5);
    T.data[2 * 4 + 2] = 0;
    expect(codeOf(() => solveTriangular(T, [1, 2, 3, 4], { backend }))).toBe("RANK");
    expect(() => solveTriangular(T, [1, 2, 3, 4], { backend })).toThrow(/T\[2\]\[2\] is 0/);
    expect(solveTriangular(T, [1, 2, 3, 4], { backend, unitDiagonal: true })).toBeInstanceOf(Float64Array);
    expect(codeOf(() => solveTriangular(tri(4, true, 5), [1, 2, 3], { backend }))).toBe("SHAPE");
    expect(codeOf(() => solveTriangular(randn(4, 3, 1), [1, 2, 3, 4], { backend }))).toBe("SHAPE");
    expect(codeOf(() => solveTriangular(tri(4, true, 5), randn(3, 2, 1), { backend }))).toBe("SHAPE");
    expect(codeOf(() => solveTriangular(tri(2, true, 5), [1, NaN], { backend }))).toBe("NON_FINITE");
    expect(codeOf(() => solveTriangular(mat(0, 0, []), [], { backend }))).toBe("EMPTY");
  });
}

function checkLstsq(backend: "js" | "wasm"): void {
  it(`solves a full-rank overdetermined problem: the residual is orthogonal to range(A) (${backend})`, () => {
    const A = randn(40, 8, 11), b = randn(40, 1, 12).data;
    const { kind, x, residual, rank } = lstsq(A, b, { backend });
    expect(kind).toBe("lstsq");
    expect(rank).toBe(8);
    const r = matmul(A, mat(8, 1, x)).data.map((v, i) => v - b[i]);
    expect(Math.abs(residual - norm(r))).toBeLessThan(1e-12 * norm(b));
    const Atr = matmul(A, mat(40, 1, r), true);
    expect(norm(Atr.data) / (norm(A.data) * norm(b))).toBeLessThan(1e-13);
  });

  it(`solves a 400 x 90 least-squares problem (blocked QR inside the SVD) (${backend})`, () => {
    const A = randn(400, 90, 21), b = randn(400, 1, 22).data;
    const { x, residual, rank } = lstsq(A, b, { backend });
    expect(rank).toBe(90);
    const r = matmul(A, mat(90, 1, x)).data.map((v, i) => v - b[i]);
    expect(Math.abs(residual - norm(r))).toBeLessThan(1e-12 * norm(b));
    expect(norm(matmul(A, mat(400, 1, r), true).data) / (norm(A.data) * norm(b))).toBeLessThan(1e-13);
  });

  it(`recovers an exact solution with zero residual, for vector and matrix right-hand sides (${backend})`, () => {
    const A = randn(30, 6, 13), X0 = randn(6, 3, 14);
    const B = matmul(A, X0);
    const { x, residual, rank } = lstsq(A, B, { backend });
    expect(rank).toBe(6);
    expect(relErr(x.data, X0.data)).toBeLessThan(1e-13);
    for (const r of residual) expect(r).toBeLessThan(1e-12 * norm(B.data));
  });

  it(`returns the minimum-norm solution of a rank-deficient problem (${backend})`, () => {
    const A = withSingularValues(25, 10, [3, 2, 1, 0.5], 15);
    const b = randn(25, 1, 16).data;
    const { x, rank } = lstsq(A, b, { backend });
    expect(rank).toBe(4);
    // Minimum norm: x lies in the row space of A, so x = Aᵀ y; equivalently A⁺A x = x.
    // Check the normal equations and that adding a null vector only grows the norm.
    const r = matmul(A, mat(10, 1, x)).data.map((v, i) => v - b[i]);
    expect(norm(matmul(A, mat(25, 1, r), true).data)).toBeLessThan(1e-12 * norm(b) * 3);
    const { x: x2 } = lstsq(A, b, { backend, rcond: 0.2 }); // drops s = 0.5: rank 3, different x
    expect(lstsq(A, b, { backend, rcond: 0.2 }).rank).toBe(3);
    expect(norm(x2)).toBeLessThan(norm(x));
  });

  it(`solves an underdetermined (wide) system exactly with the minimum-norm x (${backend})`, () => {
    const A = randn(5, 12, 17), b = randn(5, 1, 18).data;
    const { x, residual, rank } = lstsq(A, b, { backend });
    expect(rank).toBe(5);
    expect(residual).toBeLessThan(1e-12 * norm(b));
    // Minimum-norm solution = Aᵀ (A Aᵀ)⁻¹ b: x is in range(Aᵀ); compare with projections.
    const AAt = matmul(A, A, false, true);
    const y = lstsq(AAt, b, { backend }).x;
    expect(relErr(x, matmul(A, mat(5, 1, y), true).data)).toBeLessThan(1e-11);
  });

  it(`handles badly scaled A (entries ~1e300) (${backend})`, () => {
    const A = scaled(randn(20, 4, 19), 1e300), x0 = new Float64Array([1e-300, 2e-300, -1e-300, 3e-300]);
    const b = matmul(A, mat(4, 1, x0)).data;
    expect(relErr(lstsq(A, b, { backend }).x, x0)).toBeLessThan(1e-13);
  });

  it(`rejects bad input with typed errors (${backend})`, () => {
    expect(codeOf(() => lstsq(randn(4, 2, 1), [1, 2, 3], { backend }))).toBe("SHAPE");
    expect(codeOf(() => lstsq(randn(4, 2, 1), randn(3, 2, 1), { backend }))).toBe("SHAPE");
    expect(codeOf(() => lstsq(randn(4, 2, 1), [1, 2, 3, NaN], { backend }))).toBe("NON_FINITE");
    expect(codeOf(() => lstsq(mat(0, 2, []), [], { backend }))).toBe("EMPTY");
    expect(codeOf(() => lstsq(randn(4, 2, 1), [1, 2, 3, 4], { backend, rcond: -1 }))).toBe("INVALID_ARGUMENT");
  });
}

describe("solveTriangular and lstsq (js reference)", () => {
  checkTriangular("js");
  checkLstsq("js");
});

describeVariants("solveTriangular and lstsq wasm", () => {
  checkTriangular("wasm");
  checkLstsq("wasm");
  it("agrees with the js reference on lstsq", () => {
    const A = randn(30, 7, 21), b = randn(30, 1, 22).data;
    const w = lstsq(A, b), j = lstsq(A, b, { backend: "js" });
    expect(maxDiff(w.x, j.x) / norm(j.x)).toBeLessThan(1e-10);
    expect(Math.abs(w.residual - j.residual) / j.residual).toBeLessThan(1e-10);
  });
});
