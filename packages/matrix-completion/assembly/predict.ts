// The squared error of the predictions mu + rowBias[i] + colBias[j] + U_i · V_j
// at listed positions, clamped to [lo, hi] (the range of the training values
// for ratings, ±inf otherwise). Twin: src/kernels/predict.ts.
import { dotInline } from "../../linalg/assembly/blas1";

/** Fewest positions in one chunk of the sum, and most chunks (so the parallel pass's partial sums fit a fixed block). */
export const SSE_CHUNK_MIN: i32 = 8192;
export const SSE_MAX_CHUNKS: i32 = 4096;

/** Positions per chunk of a sum over nnz positions: a function of nnz alone, never of the thread count. */
export function sseChunk(nnz: i32): i32 {
  return max(SSE_CHUNK_MIN, (nnz + SSE_MAX_CHUNKS - 1) / SSE_MAX_CHUNKS);
}

@inline function predictAt(k: i32, i: i32, j: i32, U: usize, V: usize, rowBias: usize, colBias: usize, mu: f64, lo: f64, hi: f64): f64 {
  const p = mu + load<f64>(rowBias + (<usize>i << 3)) + load<f64>(colBias + (<usize>j << 3))
    + dotInline(k, U + (<usize>i * <usize>k << 3), V + (<usize>j * <usize>k << 3));
  return p < lo ? lo : p > hi ? hi : p;
}

/** Σ (prediction - vals[q])² over q0 <= q < q1, in order: one chunk of the sum. */
export function squaredErrorRange(
  q0: i32, q1: i32, k: i32, rowIdx: usize, colIdx: usize, vals: usize, U: usize, V: usize, rowBias: usize, colBias: usize, mu: f64, lo: f64, hi: f64,
): f64 {
  let s: f64 = 0;
  for (let q = q0; q < q1; q++) {
    const i = load<i32>(rowIdx + (<usize>q << 2)), j = load<i32>(colIdx + (<usize>q << 2));
    const e = predictAt(k, i, j, U, V, rowBias, colBias, mu, lo, hi) - load<f64>(vals + (<usize>q << 3));
    s += e * e;
  }
  return s;
}

/**
 * Σ (prediction - vals[q])² over q < nnz: each chunk of sseChunk(nnz)
 * positions summed in order, then the chunks' sums added in order (the
 * parallel pass, squaredErrorTask, sums the chunks on several threads and
 * adds them in the same order: the same bits).
 */
export function squaredError(
  nnz: i32, k: i32, rowIdx: usize, colIdx: usize, vals: usize, U: usize, V: usize, rowBias: usize, colBias: usize, mu: f64, lo: f64, hi: f64,
): f64 {
  const chunk = sseChunk(nnz);
  let s: f64 = 0;
  for (let q0 = 0; q0 < nnz; q0 += chunk) {
    s += squaredErrorRange(q0, min(nnz, q0 + chunk), k, rowIdx, colIdx, vals, U, V, rowBias, colBias, mu, lo, hi);
  }
  return s;
}
