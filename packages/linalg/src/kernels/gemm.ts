// TypeScript twin of assembly/gemm.ts: the same product in textbook loop
// order (no packing, so the blocking constants only size the WASM scratch).

/** Register tile rows and columns of the WASM micro-kernel. */
export const MR = 4;
export const NR = 4;
/** Blocking of the WASM kernel: depth, rows of A, columns of B per packed block. */
export const KC = 256;
export const MC = 128;
export const NC = 512;
/** Doubles of packing scratch the WASM gemm needs: the packed A block plus the packed B panel. */
export const GEMM_WORK_F64 = MC * KC + KC * NC;

/** GEMM_WORK_F64 (the js kernel uses no scratch). O(1). */
export function gemmWorkSize(): number {
  return GEMM_WORK_F64;
}

/** C = alpha op(A) op(B) + beta C; op(A) m x k, op(B) k x n, all row-major. beta = 0 ignores C's contents. O(mnk). */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const c = i * ldc;
    for (let j = 0; j < n; j++) C[c + j] = beta === 0 ? 0 : beta * C[c + j];
  }
  if (k === 0 || alpha === 0) return;
  // i-p-j order keeps the innermost loop on contiguous rows of B and C (for untransposed B).
  for (let i = 0; i < m; i++) {
    const c = i * ldc;
    for (let p = 0; p < k; p++) {
      const a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);
      if (a === 0) continue;
      if (!transB) {
        const b = p * ldb;
        for (let j = 0; j < n; j++) C[c + j] += a * B[b + j];
      } else {
        for (let j = 0; j < n; j++) C[c + j] += a * B[j * ldb + p];
      }
    }
  }
}
