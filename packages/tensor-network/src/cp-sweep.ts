// The steps of CP-ALS on a workspace (cp.ts is the entry point): the start
// and one sweep in the form of Kolda & Bader 2009, Fig. 3.3.
import type { Rng } from "@lowrank/linalg";
import type { Workspace } from "@lowrank/linalg/internal";
import { refill } from "./impute.js";
import type { TensorKernels } from "./kernels/index.js";
import { modeBasis } from "./mode-basis.js";
import { solveRows } from "./normal-equations.js";
import { norm2 } from "./tensor.js";
import { prod } from "./validate.js";

/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
export const EXACT_BELOW = 1e-6;

/**
 * What a CP step works on: the tensor x (imputed with a mask), the factors A
 * (I_n x R), their Grams G (R x R), the weights w, and scratch: the MTTKRP M
 * and MT (I_max x R), V, L, H (R x R), two Khatri-Rao buffers on each side,
 * the MTTKRP scratch `work` and the residual.
 */
export interface CpWork {
  ws: Workspace<TensorKernels>;
  x: Float64Array; resid: Float64Array;
  A: Float64Array[]; G: Float64Array[]; w: Float64Array;
  M: Float64Array; MT: Float64Array; V: Float64Array; L: Float64Array; H: Float64Array;
  kl: Float64Array[]; kr: Float64Array[]; work: Float64Array;
}

/**
 * The initial factors and their Grams: `svd`, the leading left singular
 * vectors of each unfolding (Gaussian columns past what the unfolding has);
 * `random`, Gaussian factors.
 */
export function startFactors(c: CpWork, shape: number[], R: number, init: "svd" | "random", rng: Rng): void {
  const { ws, x, A, G } = c;
  const K = ws.kernels;
  for (let n = 0; n < shape.length; n++) {
    const left = prod(shape, 0, n), right = prod(shape, n + 1);
    if (init === "random") {
      K.rngFill(rng, A[n], true);
    } else {
      // An unfolding has at most min(I_n, rest) singular vectors (rest = the product of the other modes).
      const k = Math.min(R, shape[n], left * right);
      if (k < R) K.rngFill(rng, A[n], true);
      ws.scoped(() => {
        const U = ws.f64(shape[n] * k), s = ws.f64(k);
        modeBasis(ws, { route: "gram", left, n: shape[n], right, X: x, r: k, U, s });
        for (let i = 0; i < shape[n]; i++) for (let q = 0; q < k; q++) A[n][i * R + q] = U[i * k + q];
      });
    }
    K.gemm(true, false, R, R, shape[n], 1, A[n], R, A[n], R, 0, G[n], R);
  }
}

/**
 * One ALS sweep over every mode, then the relative error (from the inner
 * products while above EXACT_BELOW, else, and always with a mask, from the
 * residual; with a mask the missing entries of x are refilled too).
 * With `lambda` > 0 each mode's rows solve A_n (V + λ mean(diag V) I) = M: a
 * ridge relative to V (whose diagonal is 1 once the factors are normalised),
 * so it does not depend on the data's scale; the row being solved carries
 * the weights, so the ridge bounds them.
 */
export function sweep(
  c: CpWork, shape: number[], R: number, normX: number, mask: Uint8Array | null, observedNorm2: number, lambda = 0,
): { err: number; exact: boolean } {
  const { ws, x, resid, A, G, w, M, MT, V, L, H, kl, kr, work } = c;
  const K = ws.kernels;
  const N = shape.length, S = x.length;
  let inner = 0;
  let lastKL = kl[0];
  for (let n = 0; n < N; n++) {
    const In = shape[n], left = prod(shape, 0, n), right = prod(shape, n + 1);
    const KL = khatriRaoChain(K, A, shape, 0, n, R, kl);
    const KR = khatriRaoChain(K, A, shape, n + 1, N, R, kr);
    K.mttkrp(left, In, right, R, x, KL, KR, M, work);
    hadamardExcept(G, n, R, V);
    if (lambda > 0) addRidge(V, R, lambda);
    solveRows(K, In, R, V, L, M, MT, A[n]);
    // Normalise columns into the weights (Kolda & Bader, Fig. 3.3, line 6).
    for (let q = 0; q < R; q++) {
      let ss = 0;
      for (let i = 0; i < In; i++) ss += A[n][i * R + q] ** 2;
      const nrm = Math.sqrt(ss);
      w[q] = nrm;
      if (nrm > 0) for (let i = 0; i < In; i++) A[n][i * R + q] /= nrm;
    }
    K.gemm(true, false, R, R, In, 1, A[n], R, A[n], R, 0, G[n], R);
    if (n === N - 1) {
      lastKL = KL;
      // <X, X̂> = Σ_r w_r <M[:, r], a_r> with M the last mode's MTTKRP.
      for (let q = 0; q < R; q++) {
        let t = 0;
        for (let i = 0; i < In; i++) t += M[i * R + q] * A[n][i * R + q];
        inner += w[q] * t;
      }
    }
  }
  hadamardExcept(G, -1, R, H);
  let fit = 0;
  for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) fit += w[a] * H[a * R + b] * w[b];
  let err = normX === 0 ? 0 : Math.sqrt(Math.max(normX * normX - 2 * inner + fit, 0)) / normX;
  // Below 1e-6 the formula's cancellation (about eps ‖X‖² in the square) dominates: form the
  // residual X - X̂ = X_(N) - (KL diag(w)) A_Nᵀ instead (one more GEMM of the MTTKRP's size).
  // With a mask X̂ is formed every sweep to refill the missing entries.
  const exact = err < EXACT_BELOW || mask !== null;
  if (exact) {
    const Il = shape[N - 1], left = S / Il;
    for (let i = 0; i < Il; i++) for (let q = 0; q < R; q++) MT[i * R + q] = A[N - 1][i * R + q] * w[q];
    if (mask) {
      K.gemm(false, true, left, Il, R, 1, lastKL, R, MT, R, 0, resid, Il);
      err = refill(x, resid, mask, observedNorm2);
    } else {
      resid.set(x);
      K.gemm(false, true, left, Il, R, -1, lastKL, R, MT, R, 1, resid, Il);
      err = normX === 0 ? 0 : norm2(resid) / normX;
    }
  }
  return { err, exact };
}

/** V += λ mean(diag V) I. */
export function addRidge(V: Float64Array, R: number, lambda: number): void {
  let tr = 0;
  for (let q = 0; q < R; q++) tr += V[q * R + q];
  const add = (lambda * tr) / R;
  for (let q = 0; q < R; q++) V[q * R + q] += add;
}

/** Row-wise Khatri-Rao product A_from ⊙ ... ⊙ A_{to-1} (C order), in one of `bufs`; a row of ones when empty. */
function khatriRaoChain(K: TensorKernels, A: Float64Array[], shape: number[], from: number, to: number, R: number, bufs: Float64Array[]): Float64Array {
  if (from >= to) {
    bufs[0].fill(1, 0, R);
    return bufs[0];
  }
  let cur = A[from], rows = shape[from];
  for (let k = from + 1; k < to; k++) {
    const out = cur === bufs[0] ? bufs[1] : bufs[0];
    K.khatriRao(rows, shape[k], R, cur, A[k], out);
    cur = out;
    rows *= shape[k];
  }
  return cur;
}

/** out = ⊛_{k≠skip} G_k (elementwise product of the R x R Gram matrices). */
function hadamardExcept(G: Float64Array[], skip: number, R: number, out: Float64Array): void {
  out.fill(1, 0, R * R);
  for (let k = 0; k < G.length; k++) {
    if (k === skip) continue;
    for (let i = 0; i < R * R; i++) out[i] *= G[k][i];
  }
}
