// Twin of assembly/bpmf.ts: one Gibbs half-step of BPMF over the rows of one
// side (each row's Gaussian conditional formed in normalSolve's order and
// sampled through its Cholesky factor, in the kernel's order of operations), and the running sum of predictions.
import { dotAt } from "@lowrank/linalg/kernels";
import { formNormal } from "./normal-solve.js";

/** Rows of the design gathered per chunk by the WASM kernel's tiled Gram (assembly/bpmf-gram.ts). */
const GRAM_CHUNK = 64;
/** Widest gathered row the tiled Gram takes (assembly/bpmf-gram.ts). */
const GRAM_MAX_WIDTH = 32;

/**
 * Doubles of one thread's scratch in a BPMF half-step: G (d²), b, the reciprocal pivots, the mean's right-hand side
 * and a column of the factor (d each), and the tiled Gram's tiles and gathered rows.
 */
export const bpmfSlotSize = (k: number, fitBias: boolean): number => {
  const d = fitBias ? k + 1 : k;
  return d * d + 4 * d + GRAM_MAX_WIDTH * (GRAM_MAX_WIDTH + 1 + GRAM_CHUNK) + GRAM_CHUNK;
};

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
  const inv = work.subarray(d * d + d, d * d + 2 * d), y = work.subarray(d * d + 2 * d, d * d + 3 * d);
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
      ok = choleskySmall(d, G, inv);
    }
    if (ok) {
      // y = L⁻¹ b; the sample is L⁻ᵀ (y + z), the mean L⁻ᵀ y.
      for (let r = 0; r < d; r++) {
        let s = b[r];
        for (let t = 0; t < r; t++) s -= G[r * d + t] * b[t];
        b[r] = s * inv[r];
      }
      for (let r = 0; r < d; r++) {
        y[r] = b[r];
        b[r] += z[i * d + r];
      }
      backwardSmall(d, G, inv, b);
      backwardSmall(d, G, inv, y);
      X.set(b.subarray(0, k), i * k);
      M.set(y.subarray(0, k), i * k);
      ownBias[i] = fitBias ? b[k] : 0;
      meanBias[i] = fitBias ? y[k] : 0;
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

/**
 * In-place lower Cholesky factor of the d x d G (row-major, lower triangle): entry (i, j) is G[i][j] minus
 * L[i][t] L[j][t] for t = 0, 1, ... in turn, times the reciprocal of pivot j (kept in inv). The kernel's
 * right-looking form subtracts the same terms in the same order. False if a pivot is not positive.
 */
function choleskySmall(d: number, G: Float64Array, inv: Float64Array): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * d + j];
      for (let t = 0; t < j; t++) s -= G[i * d + t] * G[j * d + t];
      if (j < i) {
        G[i * d + j] = s * inv[j];
      } else {
        if (!(s > 0)) return false;
        const l = Math.sqrt(s);
        G[i * d + i] = l;
        inv[i] = 1 / l;
      }
    }
  }
  return true;
}

/** x = L⁻ᵀ x: entry i is x[i] minus L[t][i] x[t] for t = d - 1 down to i + 1, times inv[i]. */
function backwardSmall(d: number, L: Float64Array, inv: Float64Array, x: Float64Array): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let t = d - 1; t > i; t--) s -= L[t * d + i] * x[t];
    x[i] = s * inv[i];
  }
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
