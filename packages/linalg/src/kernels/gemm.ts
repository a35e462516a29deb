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

/** Rows and columns of one block of C in the parallel GEMM's fixed grid (the WASM kernel's GEMM_TASK_ROWS / _COLS). */
export const GEMM_TASK_ROWS = 256;
export const GEMM_TASK_COLS = 256;
/** Bytes of the WASM gemm job block (the twin takes a `GemmJob` object instead). */
export const GEMM_JOB_BYTES = 64;

/** GEMM_TASK_ROWS. O(1). */
export function gemmTaskRows(): number {
  return GEMM_TASK_ROWS;
}

/** GEMM_TASK_COLS. O(1). */
export function gemmTaskCols(): number {
  return GEMM_TASK_COLS;
}

/** The arguments of one gemm call, as the WASM job block holds them. */
export interface GemmJob {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; A: Float64Array; lda: number; B: Float64Array; ldb: number;
  beta: number; C: Float64Array; ldc: number;
}

/**
 * Task t of the job: `gemm` on block (t / columnBlocks, t % columnBlocks) of
 * C's fixed grid with the whole k, so the tasks together give the single call's
 * result bit for bit, in any order. O(GEMM_TASK_ROWS GEMM_TASK_COLS k).
 */
export function gemmTask(job: GemmJob, t: number): void {
  const { transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc } = job;
  const cols = Math.ceil(n / GEMM_TASK_COLS);
  const i0 = Math.floor(t / cols) * GEMM_TASK_ROWS, j0 = (t % cols) * GEMM_TASK_COLS;
  if (i0 >= m) return;
  gemm(
    transA, transB, Math.min(GEMM_TASK_ROWS, m - i0), Math.min(GEMM_TASK_COLS, n - j0), k,
    alpha, A.subarray(transA ? i0 : i0 * lda), lda, B.subarray(transB ? j0 * ldb : j0), ldb,
    beta, C.subarray(i0 * ldc + j0), ldc,
  );
}
