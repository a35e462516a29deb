// Mode-n kernels on a C-order tensor viewed as (left, n, right): the mode-n
// fibres of block l form the n x right matrix X_l starting at l * n * right,
// so every mode-n operation is a GEMM per left block and no unfolding is
// ever materialised. Mirrored in src/kernels/mode-product.ts.
import { gemm } from "../../linalg/assembly/gemm";
import { tridiagonalizeUpper, tridiagonalQl, tridiagonalQlBatched, tridiagonalQt } from "../../linalg/assembly/tridiagonal";

/**
 * out (left, J, right) = X (left, n, right) x_mode op(M), op(M) J x n
 * (M stored J x n, or n x J when transM). `work` is GEMM's packing scratch.
 */
export function modeProduct(
  transM: bool, left: i32, n: i32, right: i32, J: i32,
  X: usize, M: usize, ldm: i32, out: usize, work: usize,
): void {
  if (right == 1) {
    // Last mode: out (left x J) = X (left x n) op(M)ᵀ in one call.
    gemm(false, !transM, left, J, n, 1.0, X, n, M, ldm, 0.0, out, J, work);
    return;
  }
  const xs = <usize>n * <usize>right << 3;
  const os = <usize>J * <usize>right << 3;
  for (let l = 0; l < left; l++) {
    gemm(transM, false, J, right, n, 1.0, M, ldm, X + <usize>l * xs, right, 0.0, out + <usize>l * os, right, work);
  }
}

/**
 * Rows of a block of the Gram's symmetric tiling for n rows: n split into
 * ⌈n / 64⌉ blocks (at most 8), rounded up to a multiple of 4 (a function of n alone).
 */
@inline function gramTileRows(n: i32): i32 {
  const nb = min(8, max(1, (n + 63) / 64));
  return (((n + nb - 1) / nb) + 3) & ~3;
}

/**
 * Tile (bi, bj), bi >= bj, of G = Σ_l X_l X_lᵀ: rows bi T.., columns bj T..
 * (T = gramTileRows(n)), each a GEMM with the whole inner dimension (summed
 * over the left blocks in order), then mirrored into tile (bj, bi). An
 * entry's operations do not depend on the tiling (GEMM's panels), so every
 * thread count gives the same bits.
 */
@inline function gramTile(left: i32, n: i32, right: i32, X: usize, G: usize, T: i32, bi: i32, bj: i32, work: usize): void {
  const i0 = bi * T, j0 = bj * T, h = min(T, n - i0), w = min(T, n - j0);
  const g = G + ((<usize>i0 * <usize>n + <usize>j0) << 3);
  if (right == 1) {
    gemm(true, false, h, w, left, 1.0, X + (<usize>i0 << 3), n, X + (<usize>j0 << 3), n, 0.0, g, n, work);
  } else {
    const xs = <usize>n * <usize>right << 3;
    for (let l = 0; l < left; l++) {
      const Xl = X + <usize>l * xs;
      gemm(false, true, h, w, right, 1.0, Xl + ((<usize>i0 * <usize>right) << 3), right, Xl + ((<usize>j0 * <usize>right) << 3), right, l == 0 ? 0.0 : 1.0, g, n, work);
    }
  }
  if (bi == bj) return;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      store<f64>(G + ((<usize>(j0 + j) * <usize>n + <usize>(i0 + i)) << 3), load<f64>(g + ((<usize>i * <usize>n + <usize>j) << 3)));
    }
  }
}

/**
 * G (n x n) = X_(mode) X_(mode)ᵀ = Σ_l X_l X_lᵀ, the Gram matrix of the mode
 * unfolding: the tiles on and below the diagonal of a fixed tiling
 * (gramTileRows), each mirrored above it (gramTask runs one tile per task).
 */
export function unfoldingGram(left: i32, n: i32, right: i32, X: usize, G: usize, work: usize): void {
  const T = gramTileRows(n), nb = (n + T - 1) / T;
  for (let bi = 0; bi < nb; bi++) for (let bj = 0; bj <= bi; bj++) gramTile(left, n, right, X, G, T, bi, bj, work);
}

/** Task t of an unfoldingGram job (i32 left, n, right, X, G): tile t of the lower triangle, row by row (t = bi (bi + 1) / 2 + bj). */
export function gramTask(job: usize, t: i32, work: usize): void {
  const left = load<i32>(job), n = load<i32>(job, 4), right = load<i32>(job, 8);
  const X = <usize>load<u32>(job, 12), G = <usize>load<u32>(job, 16);
  const T = gramTileRows(n), nb = (n + T - 1) / T;
  if (t >= (nb * (nb + 1)) / 2) return;
  let bi = 0;
  while (((bi + 1) * (bi + 2)) / 2 <= t) bi++;
  gramTile(left, n, right, X, G, T, bi, t - (bi * (bi + 1)) / 2, work);
}

// Parallel mode products and Grams (docs/ARCHITECTURE.md, "Threads" and the
// tensor-network section): a job is a batch of GEMMs C_b = alpha op(A_b)
// op(B_b) + beta C_b (pointers advanced by fixed strides), or, with `reduce`,
// one C summed over the batch in batch order (C = Σ_b op(A_b) op(B_b), beta
// on the first). Each C is cut into a grid of tiles whose size the job gives
// (chosen from the shape alone, never from the thread count); a task is one
// tile of one GEMM (or, with reduce, one tile through the whole batch), run by
// `gemm` with the whole k. An entry of C gets the same operations wherever its
// tile lies (GEMM packs zero-padded panels and sums k in the same blocks), so
// the tasks give the single-threaded kernel's result bit for bit, for any
// thread count and order.

/**
 * Bytes of a batch job: i32 fields transA, transB, m, n, k, A, lda, strideA,
 * B, ldb, strideB, C, ldc, strideC, batch, reduce, tileRows, tileCols
 * (strides in doubles), then alpha and beta as f64 at bytes 72 and 80.
 */
export const GEMM_BATCH_JOB_BYTES: i32 = 88;

/** Runs task `t` of the batch job at `job`, with `work` the calling thread's GEMM packing scratch. */
export function gemmBatchTask(job: usize, t: i32, work: usize): void {
  const transA = load<i32>(job) != 0, transB = load<i32>(job, 4) != 0;
  const m = load<i32>(job, 8), n = load<i32>(job, 12), k = load<i32>(job, 16);
  const A = <usize>load<u32>(job, 20), lda = load<i32>(job, 24), sA = <usize>load<u32>(job, 28) << 3;
  const B = <usize>load<u32>(job, 32), ldb = load<i32>(job, 36), sB = <usize>load<u32>(job, 40) << 3;
  const C = <usize>load<u32>(job, 44), ldc = load<i32>(job, 48), sC = <usize>load<u32>(job, 52) << 3;
  const batch = load<i32>(job, 56), reduce = load<i32>(job, 60) != 0;
  const tr = load<i32>(job, 64), tc = load<i32>(job, 68);
  const alpha = load<f64>(job, 72), beta = load<f64>(job, 80);
  const cols = (n + tc - 1) / tc;
  const tiles = ((m + tr - 1) / tr) * cols;
  const tile = reduce ? t : t % tiles;
  const i0 = (tile / cols) * tr, j0 = (tile % cols) * tc;
  if (i0 >= m || (!reduce && t / tiles >= batch)) return;
  const h = min(tr, m - i0), w = min(tc, n - j0);
  const a = A + (<usize>(transA ? i0 : i0 * lda) << 3);
  const b = B + (<usize>(transB ? j0 * ldb : j0) << 3);
  const c = C + (<usize>(i0 * ldc + j0) << 3);
  if (reduce) {
    for (let q = 0; q < batch; q++) {
      gemm(transA, transB, h, w, k, alpha, a + <usize>q * sA, lda, b + <usize>q * sB, ldb, q == 0 ? beta : 1.0, c, ldc, work);
    }
    return;
  }
  const q = <usize>(t / tiles);
  gemm(transA, transB, h, w, k, alpha, a + q * sA, lda, b + q * sB, ldb, beta, c + q * sC, ldc, work);
}

/**
 * Bytes of an eigenproblem-and-batch job: the batch job's fields, then at
 * byte 88 the eigenproblem's i32 fields n, G, d, e, tau, work, Z, ql, lw,
 * maxIter and, written by task 0, the QL's iteration count (byte 128).
 */
export const EIG_BATCH_JOB_BYTES: i32 = 136;

/**
 * The eigenproblem of a symmetric n x n G as symmetricEig (src/factor.ts)
 * runs it: tridiagonalizeUpper (G destroyed), tridiagonalQt into Z, then the
 * batched QL with its rotations recorded in ql (lw doubles; the plain QL when
 * lw < 4 + 2n). Returns the QL's iterations (negative: not converged).
 */
export function tridiagonalEig(n: i32, G: usize, d: usize, e: usize, tau: usize, work: usize, Z: usize, ql: usize, lw: i32, maxIter: i32): i32 {
  tridiagonalizeUpper(n, G, n, d, e, tau, work);
  tridiagonalQt(n, G, n, tau, Z, n);
  return lw >= 4 + 2 * n ? tridiagonalQlBatched(n, d, e, Z, n, maxIter, ql, lw) : tridiagonalQl(n, d, e, Z, n, maxIter);
}

/**
 * Task t of a job that runs an eigenproblem beside an independent GEMM batch
 * (HOOI: a mode's eigenproblem beside the next mode's first product): task 0
 * is the eigenproblem (tridiagonalEig, its result stored at byte 128), task
 * t >= 1 is task t - 1 of the batch (gemmBatchTask). The eigenproblem, the
 * longest task, is claimed first.
 */
export function eigBatchTask(job: usize, t: i32, work: usize): void {
  if (t > 0) {
    gemmBatchTask(job, t - 1, work);
    return;
  }
  const f = job + 88;
  const n = load<i32>(f);
  const it = tridiagonalEig(
    n, <usize>load<u32>(f, 4), <usize>load<u32>(f, 8), <usize>load<u32>(f, 12), <usize>load<u32>(f, 16),
    <usize>load<u32>(f, 20), <usize>load<u32>(f, 24), <usize>load<u32>(f, 28), load<i32>(f, 32), load<i32>(f, 36),
  );
  store<i32>(f, it, 40);
}
