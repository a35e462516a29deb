// Pieces of BPMF's Gibbs sweep (src/bpmf.ts) that do not depend on the backend:
// the run's O(nnz) and O(n k S) passes in JavaScript, each a small function of
// one loop so that V8 compiles them cheaply on a first large call. docs/ARCHITECTURE.md, "@lowrank/matrix-completion".
import type { RunState } from "./state.js";

/** Σ a[2i + o] over i < n, in order (a sweep's per-row sums, o = 0 or 1). */
export function pairSum(a: Float64Array, n: number, o: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[2 * i + o];
  return t;
}

/** Σ (acc[q] / div - vals[q])² over q < nnz, in order. */
export function averageError(acc: Float64Array, vals: Float64Array, nnz: number, div: number): number {
  let t = 0;
  for (let q = 0; q < nnz; q++) t += (acc[q] / div - vals[q]) ** 2;
  return t;
}

/** Σ (clamp(mu + scale · acc[q] / div) - values[q])² over q < nnz: the averaged model's validation error. */
export function validationError(acc: Float64Array, values: Float64Array, nnz: number, mu: number, scale: number, div: number, lo: number, hi: number): number {
  let e = 0;
  for (let q = 0; q < nnz; q++) {
    const p = Math.min(hi, Math.max(lo, mu + (scale * acc[q]) / div));
    e += (p - values[q]) ** 2;
  }
  return e;
}

/**
 * Standardises the run's copies of the values in place, v -> (v - mu) / scale (mu 0 without biases; scale the RMS
 * deviation, 1 if all are equal), and returns mu and scale. O(nnz).
 */
export function standardise(rowVals: Float64Array, colVals: Float64Array, nnz: number, biases: boolean): { mu: number; scale: number } {
  const mu = biases ? sum(rowVals, nnz) / nnz : 0;
  // The RMS deviation, summed relative to the largest (no overflow or underflow at any magnitude).
  const big = maxDeviation(rowVals, nnz, mu);
  const scale = big > 0 ? big * Math.sqrt(scaledSquares(rowVals, nnz, mu, big) / nnz) : 1;
  shiftScale(rowVals, nnz, mu, scale);
  shiftScale(colVals, nnz, mu, scale);
  return { mu, scale };
}

function sum(a: Float64Array, n: number): number {
  let s = 0.0;
  for (let q = 0; q < n; q++) s += a[q];
  return s;
}

function maxDeviation(a: Float64Array, n: number, mu: number): number {
  let big = 0.0;
  for (let q = 0; q < n; q++) big = Math.max(big, Math.abs(a[q] - mu));
  return big;
}

function scaledSquares(a: Float64Array, n: number, mu: number, big: number): number {
  let ss = 0.0;
  for (let q = 0; q < n; q++) ss += ((a[q] - mu) / big) ** 2;
  return ss;
}

function shiftScale(a: Float64Array, n: number, mu: number, scale: number): void {
  for (let q = 0; q < n; q++) a[q] = (a[q] - mu) / scale;
}

/**
 * Stores sample X (rows x k) as sample `slot` of each row of `into` (rows x kS, the model's layout), scaled by f:
 * into[i · kS + slot · k + t] = f · X[i · k + t]. O(rows k).
 */
export function storeSample(into: Float64Array, X: Float64Array, rows: number, k: number, S: number, slot: number, f: number): void {
  const r = k * S;
  for (let i = 0, src = 0; i < rows; i++) {
    for (let t = 0, at = i * r + slot * k; t < k; t++) into[at + t] = f * X[src++];
  }
}

/** into[i · w + t] = f · from[i · stride + t] for i < rows, t < w (the first w of each row's stride). */
export function relayout(into: Float64Array, from: Float64Array, rows: number, w: number, stride: number, f: number): void {
  for (let i = 0; i < rows; i++) for (let t = 0; t < w; t++) into[i * w + t] = f * from[i * stride + t];
}
