// Twin of assembly/als-half-step.ts: one ALS half-step over every row of one
// side, each row's normal equations formed and solved by normalSolve.
import { normalSolve } from "./normal-solve.js";

/** See CompletionKernels.alsHalfStep (src/kernels/index.ts). Returns the number of singular rows. */
export function alsHalfStep(
  n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, lambda: number, lambdaBias: number, weighted: boolean, fitBias: boolean,
  work: Float64Array,
): number {
  return alsRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, lambda, lambdaBias, weighted, fitBias, work);
}

/** alsHalfStep on rows i0 <= i < i1 only (a task of the parallel half-step). */
export function alsRows(
  i0: number, i1: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, lambda: number, lambdaBias: number, weighted: boolean, fitBias: boolean,
  work: Float64Array,
): number {
  const d = fitBias ? k + 1 : k;
  const G = work.subarray(0, d * d), b = work.subarray(d * d, d * d + d);
  let singular = 0;
  for (let i = i0; i < i1; i++) {
    const start = ptr[i], end = ptr[i + 1], cnt = end - start;
    const scale = weighted ? cnt : 1;
    const ok = cnt > 0 && normalSolve(start, end, k, idx, vals, F, otherBias, mu, lambda * scale, lambdaBias, fitBias, G, b);
    if (ok) {
      X.set(b.subarray(0, k), i * k);
      ownBias[i] = fitBias ? b[k] : 0;
    } else {
      if (cnt > 0) singular++;
      X.fill(0, i * k, i * k + k);
      ownBias[i] = 0;
    }
  }
  return singular;
}
