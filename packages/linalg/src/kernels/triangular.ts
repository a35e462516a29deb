// TypeScript twin of assembly/triangular.ts: triangular solves op(T) X = B in
// place of B, row-major, in the simd build's order.
import { axpyAt, dotAt } from "./blas1.js";

/**
 * Solves op(T) X = B in place of B (n x k, leading dimension ldb), T n x n
 * triangular (lower or upper; op = transpose when trans; diagonal taken as
 * ones when unit). Returns 0, or -(j + 1) when diagonal entry j is zero (B
 * untouched). O(n² k).
 */
export function triangularSolve(
  lower: boolean, trans: boolean, unit: boolean, n: number, k: number,
  T: Float64Array, ldt: number, B: Float64Array, ldb: number,
): number {
  if (!unit) {
    for (let i = 0; i < n; i++) if (T[i * ldt + i] === 0) return -(i + 1);
  }
  const vec = k === 1 && ldb === 1;
  if (!trans) {
    // Row i of X = (B_i - Σ T[i][j] X_j) / T[i][i] over the already solved rows j.
    const lo = lower ? 0 : n - 1, step = lower ? 1 : -1;
    for (let q = 0; q < n; q++) {
      const i = lo + step * q;
      const ri = i * ldt;
      const j0 = lower ? 0 : i + 1, j1 = lower ? i : n;
      if (vec) {
        B[i] -= dotAt(j1 - j0, T, ri + j0, B, j0);
      } else {
        for (let j = j0; j < j1; j++) {
          const tij = T[ri + j];
          if (tij !== 0) axpyAt(k, -tij, B, j * ldb, B, i * ldb);
        }
      }
      if (!unit) {
        const dg = T[ri + i];
        for (let t = 0; t < k; t++) B[i * ldb + t] /= dg;
      }
    }
  } else {
    // Tᵀ X = B: solve X_i, then remove it from the rows it feeds (row i of T, contiguous).
    const forward = !lower;
    for (let q = 0; q < n; q++) {
      const i = forward ? q : n - 1 - q;
      const ri = i * ldt;
      if (!unit) {
        const dg = T[ri + i];
        for (let t = 0; t < k; t++) B[i * ldb + t] /= dg;
      }
      const j0 = forward ? i + 1 : 0, j1 = forward ? n : i;
      if (vec) {
        axpyAt(j1 - j0, -B[i], T, ri + j0, B, j0);
      } else {
        for (let j = j0; j < j1; j++) {
          const tij = T[ri + j];
          if (tij !== 0) axpyAt(k, -tij, B, i * ldb, B, j * ldb);
        }
      }
    }
  }
  return 0;
}
