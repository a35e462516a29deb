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
  ow: Float64Array | null, rs: Float64Array | null, errs: Float64Array | null, Fw: Float64Array | null,
): number {
  void Fw; // the kernel's copy of the weighted design rows: the twin weights each term as it goes (the same products)
  const failed = bpmfRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, ow, rs);
  if (errs) sampleErrors(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, fitBias, ow, errs);
  return failed;
}

/**
 * errs[2i] = row i's sample's squared error, Σ (ow[j] e)² (without ow: Σ e²), e = ownBias[i] + otherBias[j] + X_i · F_j -
 * (vals[q] - mu), for rows i0 <= i < i1: eight-wide design rows (d = 8) as the kernel forms it from the row's scaled
 * plain sums (sampleError8), others term by term with each dot as scoreRows forms it. O(observations d²).
 */
export function sampleErrors(
  i0: number, i1: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, fitBias: boolean, ow: Float64Array | null, errs: Float64Array,
): void {
  const even = k & ~1;
  for (let i = i0; i < i1; i++) {
    if ((fitBias ? k + 1 : k) === 8) {
      errs[2 * i] = sampleError8(i, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, fitBias, ow);
      continue;
    }
    const r = i * k, ob = ownBias[i];
    let s = 0;
    for (let q = ptr[i]; q < ptr[i + 1]; q++) {
      const j = idx[q], v = j * k;
      let u0 = 0, u1 = 0;
      for (let c = 0; c < even; c += 2) {
        u0 += X[r + c] * F[v + c];
        u1 += X[r + c + 1] * F[v + c + 1];
      }
      let du = u0 + u1;
      if (even < k) du += X[r + even] * F[v + even];
      const e = ob + otherBias[j] + du - (vals[q] - mu);
      const re = ow ? ow[j] * e : e;
      s += re * re;
    }
    errs[2 * i] = s;
  }
}

/**
 * Row i's sample's squared error as assembly/bpmf-gram8.ts's sampleError8 forms it (d = 8): the plain sums
 * A = Σ f fᵀ, c = Σ t f and T = Σ t² of the rows and targets scaled by r = ow[j] when given (r f and r t, each product
 * rounded once; each entry from zero in q order, as precision8 sums them), then
 * Σ_r x_r (2 Σ_{c<r} A_rc x_c + A_rr x_r) - 2 Σ_r x_r c_r + T, at least 0; x = [X_i, ownBias_i] or X_i. O(row's observations d²).
 */
export function sampleError8(
  i: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, fitBias: boolean, ow: Float64Array | null,
): number {
  const A = new Float64Array(64), c = new Float64Array(8), f = new Float64Array(8), x = new Float64Array(8);
  let T = 0;
  for (let q = ptr[i]; q < ptr[i + 1]; q++) {
    const j = idx[q], w = ow ? ow[j] : 1, t0 = vals[q] - mu - otherBias[j], t = ow ? w * t0 : t0;
    for (let r = 0; r < k; r++) f[r] = ow ? w * F[j * k + r] : F[j * k + r];
    if (fitBias) f[7] = w;
    for (let r = 0; r < 8; r++) {
      for (let cc = 0; cc <= r; cc++) A[r * 8 + cc] += f[r] * f[cc];
      c[r] += t * f[r];
    }
    T += t * t;
  }
  for (let r = 0; r < k; r++) x[r] = X[i * k + r];
  if (fitBias) x[7] = ownBias[i];
  let qf = 0, lin = 0;
  for (let r = 0; r < 8; r++) {
    let s = 0;
    for (let cc = 0; cc < r; cc++) s += A[r * 8 + cc] * x[cc];
    qf += x[r] * (2 * s + A[r * 8 + r] * x[r]);
    lin += x[r] * c[r];
  }
  return Math.max(0, qf - 2 * lin + T);
}

/**
 * bpmfHalfStep on rows i0 <= i < i1 only (a task of the parallel half-step). Weights (each row's and column's own noise
 * precision): with ow, observation q of row i counts ow[j]² times (its design row and target scaled by r = ow[j], each
 * product rounded once); with rs, row i's noise precision is alpha · rs[i].
 */
export function bpmfRows(
  i0: number, i1: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
  z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array, ow: Float64Array | null, rs: Float64Array | null,
): number {
  const d = fitBias ? k + 1 : k;
  const G = work.subarray(0, d * d), b = work.subarray(d * d, d * d + d);
  const inv = work.subarray(d * d + d, d * d + 2 * d), y = work.subarray(d * d + 2 * d, d * d + 3 * d);
  let failed = 0;
  for (let i = i0; i < i1; i++) {
    const start = ptr[i], end = ptr[i + 1];
    let ok = end > start;
    if (ok) {
      if (ow) formWeighted(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b, ow);
      else formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b);
      const a = rs ? alpha * rs[i] : alpha;
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) G[r * d + c] = a * G[r * d + c] + Lam[r * d + c];
        b[r] = a * b[r] + h0[r];
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
 * formNormal's sums of the scaled rows r f and targets r t (r = ow[j], f = [F_j, 1] with the bias; each product rounded
 * once): entry (r, c <= r) of G sums (r f_r)(r f_c), b sums (r t)(r f_c), each entry from zero in q order, as the
 * kernel's tiled and eight-wide paths form them. O(observations d²).
 */
function formWeighted(
  start: number, end: number, k: number, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  mu: number, fitBias: boolean, G: Float64Array, b: Float64Array, ow: Float64Array,
): void {
  const d = fitBias ? k + 1 : k;
  G.fill(0, 0, d * d);
  b.fill(0, 0, d);
  for (let q = start; q < end; q++) {
    const j = idx[q], f = j * k, w = ow[j], t = w * (vals[q] - mu - otherBias[j]);
    for (let c = 0; c < d; c++) {
      const wc = c < k ? w * F[f + c] : w;
      for (let r = c; r < d; r++) G[r * d + c] += (r < k ? w * F[f + r] : w) * wc;
      b[c] += t * wc;
    }
  }
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

/** See CompletionKernels.bpmfWeightRows (src/kernels/index.ts). O(m k). */
export function bpmfWeightRows(m: number, k: number, fitBias: boolean, F: Float64Array, ow: Float64Array, Fw: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const w = ow[j];
    for (let c = 0; c < k; c++) Fw[8 * j + c] = w * F[j * k + c];
    if (fitBias) Fw[8 * j + 7] = w;
  }
}
