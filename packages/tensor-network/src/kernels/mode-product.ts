// TypeScript twins of assembly/mode-product.ts: mode-n products and Gram
// matrices on a C-order tensor viewed as (left, n, right), one GEMM per left
// block (linalg's js GEMM), no unfolding materialised.
import { jsKernels } from "@lowrank/linalg/kernels";

const g = jsKernels.gemm;

/**
 * out (left, J, right) = X (left, n, right) ×_mode op(M), op(M) J x n
 * (M stored J x n, or n x J when transM, leading dimension ldm).
 */
export function modeProduct(
  transM: boolean, left: number, n: number, right: number, J: number,
  X: Float64Array, M: Float64Array, ldm: number, out: Float64Array,
): void {
  if (right === 1) {
    g(false, !transM, left, J, n, 1, X, n, M, ldm, 0, out, J);
    return;
  }
  for (let l = 0; l < left; l++) {
    g(transM, false, J, right, n, 1, M, ldm, X.subarray(l * n * right), right, 0, out.subarray(l * J * right), right);
  }
}

/** Rows of a block of the Gram's symmetric tiling: ⌈n / 64⌉ blocks (at most 8), rounded up to a multiple of 4. */
function gramTileRows(n: number): number {
  const nb = Math.min(8, Math.max(1, Math.ceil(n / 64)));
  return Math.ceil(Math.ceil(n / nb) / 4) * 4;
}

/** Tile (bi, bj), bi >= bj, of G = Σ_l X_l X_lᵀ (the whole inner dimension, left blocks in order), mirrored into (bj, bi). */
function gramTile(left: number, n: number, right: number, X: Float64Array, G: Float64Array, T: number, bi: number, bj: number): void {
  const i0 = bi * T, j0 = bj * T, h = Math.min(T, n - i0), w = Math.min(T, n - j0);
  const c = G.subarray(i0 * n + j0);
  if (right === 1) g(true, false, h, w, left, 1, X.subarray(i0), n, X.subarray(j0), n, 0, c, n);
  else {
    for (let l = 0; l < left; l++) {
      const o = l * n * right;
      g(false, true, h, w, right, 1, X.subarray(o + i0 * right), right, X.subarray(o + j0 * right), right, l === 0 ? 0 : 1, c, n);
    }
  }
  if (bi === bj) return;
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) G[(j0 + j) * n + i0 + i] = G[(i0 + i) * n + j0 + j];
}

/**
 * G (n x n) = X_(mode) X_(mode)ᵀ = Σ_l X_l X_lᵀ for X viewed as (left, n,
 * right): the tiles on and below the diagonal of a fixed tiling, each
 * mirrored above it (gramTask: one tile).
 */
export function unfoldingGram(left: number, n: number, right: number, X: Float64Array, G: Float64Array): void {
  const T = gramTileRows(n), nb = Math.ceil(n / T);
  for (let bi = 0; bi < nb; bi++) for (let bj = 0; bj <= bi; bj++) gramTile(left, n, right, X, G, T, bi, bj);
}

/** An unfoldingGram job as gramTask reads it. */
export interface GramJob {
  left: number; n: number; right: number; X: Float64Array; G: Float64Array;
}

/** Task t of the job: tile t of the lower triangle, row by row (t = bi (bi + 1) / 2 + bj). */
export function gramTask(job: GramJob, t: number): void {
  const { left, n, right, X, G } = job;
  const T = gramTileRows(n), nb = Math.ceil(n / T);
  if (t >= (nb * (nb + 1)) / 2) return;
  let bi = 0;
  while (((bi + 1) * (bi + 2)) / 2 <= t) bi++;
  gramTile(left, n, right, X, G, T, bi, t - (bi * (bi + 1)) / 2);
}

/** Tasks of an unfoldingGram job for n rows (the lower triangle's tiles; a size, not a kernel). */
export const gramTasks = (n: number): number => {
  const nb = Math.ceil(n / gramTileRows(n));
  return (nb * (nb + 1)) / 2;
};

/**
 * The eigenproblem of a symmetric n x n G as symmetricEig (src/factor.ts) runs
 * it: tridiagonalizeUpper (G destroyed), tridiagonalQt into Z, then the
 * batched QL with its rotations recorded in ql (lw doubles; the plain QL when
 * lw < 4 + 2n). Returns the QL's iterations (negative: not converged). O(9 n³).
 */
export function tridiagonalEig(
  n: number, G: Float64Array, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
  Z: Float64Array, ql: Float64Array, lw: number, maxIter: number,
): number {
  const k = jsKernels;
  k.tridiagonalizeUpper(n, G, n, d, e, tau, work);
  k.tridiagonalQt(n, G, n, tau, Z, n);
  return lw >= 4 + 2 * n ? k.tridiagonalQlBatched(n, d, e, Z, n, maxIter, ql, lw) : k.tridiagonalQl(n, d, e, Z, n, maxIter);
}

/** Bytes of the WASM batch job block (the twin takes a {@link GemmBatchJob} instead). */
export const GEMM_BATCH_JOB_BYTES = 88;

/** Bytes of the WASM job block of eigBatchTask: the batch job's, then the eigenproblem's fields (the QL's result at byte 128). */
export const EIG_BATCH_JOB_BYTES = 136;

/**
 * A batch of GEMMs C_b = alpha op(A_b) op(B_b) + beta C_b, b < batch, the
 * operands of item b starting `strideA` / `strideB` / `strideC` doubles after
 * those of item b - 1; with `reduce`, one C = alpha Σ_b op(A_b) op(B_b) + beta C
 * summed in batch order (strideC unused). Each C is cut into tiles of
 * tileRows x tileCols (chosen by threads.ts from the shape alone).
 */
export interface GemmBatchJob {
  transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number;
  A: Float64Array; lda: number; strideA: number;
  B: Float64Array; ldb: number; strideB: number;
  beta: number; C: Float64Array; ldc: number; strideC: number;
  batch: number; reduce: boolean; tileRows: number; tileCols: number;
}

/**
 * Task t of the job: tile t % tiles of item t / tiles (with reduce: tile t
 * through every item in order), `gemm` with the whole k, so the tasks give the
 * whole batch's result bit for bit in any order. O(tileRows tileCols k).
 */
export function gemmBatchTask(job: GemmBatchJob, t: number): void {
  const { transA, transB, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch, reduce, tileRows: tr, tileCols: tc } = job;
  const cols = Math.ceil(n / tc), tiles = Math.ceil(m / tr) * cols;
  const tile = reduce ? t : t % tiles;
  const i0 = Math.floor(tile / cols) * tr, j0 = (tile % cols) * tc;
  if (i0 >= m || (!reduce && Math.floor(t / tiles) >= batch)) return;
  const h = Math.min(tr, m - i0), w = Math.min(tc, n - j0);
  const a = transA ? i0 : i0 * lda, b = transB ? j0 * ldb : j0, c = i0 * ldc + j0;
  if (reduce) {
    for (let q = 0; q < batch; q++) {
      g(transA, transB, h, w, k, alpha, A.subarray(a + q * strideA), lda, B.subarray(b + q * strideB), ldb, q === 0 ? beta : 1, C.subarray(c), ldc);
    }
    return;
  }
  const q = Math.floor(t / tiles);
  g(transA, transB, h, w, k, alpha, A.subarray(a + q * strideA), lda, B.subarray(b + q * strideB), ldb, beta, C.subarray(c + q * strideC), ldc);
}

/** An eigBatchTask job: a batch job, and the eigenproblem run beside it (tridiagonalEig's arguments); task 0 sets `result`. */
export interface EigBatchJob {
  batch: GemmBatchJob;
  eig: Parameters<typeof tridiagonalEig>;
  result: number;
}

/** Task t of the job: t = 0 the eigenproblem (its iterations into `result`), t >= 1 task t - 1 of the batch. */
export function eigBatchTask(job: EigBatchJob, t: number): void {
  if (t > 0) gemmBatchTask(job.batch, t - 1);
  else job.result = tridiagonalEig(...job.eig);
}
