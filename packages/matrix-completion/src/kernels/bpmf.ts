// Twin of assembly/bpmf.ts: one Gibbs half-step of BPMF over the rows of one
// side (each row's Gaussian conditional formed in normalSolve's order and
// sampled through its Cholesky factor), and the running sum of predictions.
import { dotAt, jsKernels } from "@lowrank/linalg/kernels";
import { formNormal } from "./normal-solve.js";

/** See CompletionKernels.bpmfHalfStep (src/kernels/index.ts). Returns the rows whose precision was not positive definite. */
export function bpmfHalfStep(
  n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
  z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array,
): number {
  return bpmfRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work);
}

/** bpmfHalfStep on rows i0 <= i < i1 only (a task of the parallel half-step). */
export function bpmfRows(
  i0: number, i1: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
  z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array,
): number {
  const d = fitBias ? k + 1 : k;
  const G = work.subarray(0, d * d), b = work.subarray(d * d, d * d + d);
  let failed = 0;
  for (let i = i0; i < i1; i++) {
    const start = ptr[i], end = ptr[i + 1];
    let ok = end > start;
    if (ok) {
      formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b);
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) G[r * d + c] = alpha * G[r * d + c] + Lam[r * d + c];
        b[r] = alpha * b[r] + h0[r];
      }
      ok = jsKernels.cholesky(d, G, d) >= 0;
    }
    if (ok) {
      jsKernels.triangularSolve(true, false, false, d, 1, G, d, b, 1);
      // The sample L⁻ᵀ (y + z) into X, then the mean L⁻ᵀ y into M (y kept in X's row meanwhile, as the kernel does).
      X.set(b.subarray(0, k), i * k);
      const yb = fitBias ? b[k] : 0;
      for (let r = 0; r < d; r++) b[r] += z[i * d + r];
      jsKernels.triangularSolve(true, true, false, d, 1, G, d, b, 1);
      for (let r = 0; r < k; r++) {
        const t = b[r];
        b[r] = X[i * k + r];
        X[i * k + r] = t;
      }
      ownBias[i] = fitBias ? b[k] : 0;
      if (fitBias) b[k] = yb;
      jsKernels.triangularSolve(true, true, false, d, 1, G, d, b, 1);
      M.set(b.subarray(0, k), i * k);
      meanBias[i] = fitBias ? b[k] : 0;
    } else {
      if (end > start) failed++;
      X.fill(0, i * k, i * k + k);
      M.fill(0, i * k, i * k + k);
      ownBias[i] = 0;
      meanBias[i] = 0;
    }
  }
  return failed;
}

/** acc[q] += p_q = rowBias[i] + colBias[j] + U_i · V_j for q < nnz; returns Σ (p_q - vals[q])² in order. O(nnz k). */
export function bpmfAccumulate(
  nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
  rowBias: Float64Array, colBias: Float64Array, acc: Float64Array,
): number {
  let s = 0;
  for (let q = 0; q < nnz; q++) {
    const i = rowIdx[q], j = colIdx[q];
    const p = rowBias[i] + colBias[j] + dotAt(k, U, i * k, V, j * k);
    acc[q] += p;
    const e = p - vals[q];
    s += e * e;
  }
  return s;
}
