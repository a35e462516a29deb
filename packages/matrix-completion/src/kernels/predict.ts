// Twin of assembly/predict.ts: the squared error of clamped predictions at listed positions.
import { dotAt } from "@lowrank/linalg/kernels";

/** Fewest positions in one chunk of the sum, and most chunks (assembly/predict.ts). */
export const SSE_CHUNK_MIN = 8192;
export const SSE_MAX_CHUNKS = 4096;

/** Positions per chunk of a sum over nnz positions (a function of nnz alone). O(1). */
export function sseChunk(nnz: number): number {
  return Math.max(SSE_CHUNK_MIN, Math.trunc((nnz + SSE_MAX_CHUNKS - 1) / SSE_MAX_CHUNKS));
}

function predictAt(
  k: number, i: number, j: number, U: Float64Array, V: Float64Array, rb: Float64Array, cb: Float64Array, mu: number, lo: number, hi: number,
): number {
  const p = mu + rb[i] + cb[j] + dotAt(k, U, i * k, V, j * k);
  return p < lo ? lo : p > hi ? hi : p;
}

/** Σ (clamped prediction - vals[q])² over q0 <= q < q1, in order. O((q1 - q0) k). */
export function squaredErrorRange(
  q0: number, q1: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
  rowBias: Float64Array, colBias: Float64Array, mu: number, lo: number, hi: number,
): number {
  let s = 0;
  for (let q = q0; q < q1; q++) {
    const e = predictAt(k, rowIdx[q], colIdx[q], U, V, rowBias, colBias, mu, lo, hi) - vals[q];
    s += e * e;
  }
  return s;
}

/** Σ (clamped prediction - vals[q])² over q < nnz, by chunks of sseChunk(nnz) added in order. O(nnz k). */
export function squaredError(
  nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
  rowBias: Float64Array, colBias: Float64Array, mu: number, lo: number, hi: number,
): number {
  const chunk = sseChunk(nnz);
  let s = 0;
  for (let q0 = 0; q0 < nnz; q0 += chunk) s += squaredErrorRange(q0, Math.min(nnz, q0 + chunk), k, rowIdx, colIdx, vals, U, V, rowBias, colBias, mu, lo, hi);
  return s;
}
