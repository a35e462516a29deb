// TypeScript twin of assembly/cholesky-rows.ts: Cholesky row by row
// (Cholesky-Banachiewicz), every entry a dot product of two row prefixes.
import { dotAt } from "./blas1.js";

/**
 * A = L Lᵀ in place (lower triangle read; L written there, strict upper
 * triangle zeroed). Returns 0, or -(j + 1) when pivot j is the first that is
 * not positive (A is then partly overwritten). O(n³/3).
 */
export function cholesky(n: number, A: Float64Array, lda: number): number {
  for (let i = 0; i < n; i++) {
    const ri = i * lda;
    for (let j = 0; j < i; j++) {
      const rj = j * lda;
      A[ri + j] = (A[ri + j] - dotAt(j, A, ri, A, rj)) / A[rj + j];
    }
    const dd = A[ri + i] - dotAt(i, A, ri, A, ri);
    if (!(dd > 0)) return -(i + 1);
    A[ri + i] = Math.sqrt(dd);
    A.fill(0, ri + i + 1, ri + n);
  }
  return 0;
}
