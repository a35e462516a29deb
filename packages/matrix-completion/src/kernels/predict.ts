// Twin of assembly/predict.ts: the squared error of clamped predictions at listed positions.
import { dotAt } from "@lowrank/linalg/kernels";

function predictAt(
  k: number, i: number, j: number, U: Float64Array, V: Float64Array, rb: Float64Array, cb: Float64Array, mu: number, lo: number, hi: number,
): number {
  const p = mu + rb[i] + cb[j] + dotAt(k, U, i * k, V, j * k);
  return p < lo ? lo : p > hi ? hi : p;
}

/** Σ (clamped prediction - vals[q])² over q < nnz. O(nnz k). */
export function squaredError(
  nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
  rowBias: Float64Array, colBias: Float64Array, mu: number, lo: number, hi: number,
): number {
  let s = 0;
  for (let q = 0; q < nnz; q++) {
    const e = predictAt(k, rowIdx[q], colIdx[q], U, V, rowBias, colBias, mu, lo, hi) - vals[q];
    s += e * e;
  }
  return s;
}
