// CP decomposition by alternating least squares (Carroll & Chang 1970,
// Harshman 1970), in the form of Kolda & Bader 2009, "Tensor Decompositions
// and Applications", Fig. 3.3: each step solves A_n V = X_(n) (⊙_{k≠n} A_k)
// with V = ⊛_{k≠n} A_kᵀA_k, then moves the column norms into the weights.
import { arenaBytes, BACKEND, LONG_RUN, LongRun, LowrankError, opt, Rng, type DenseMatrix, type OptionCheck, type Tensor } from "@lowrank/linalg";
import { mttkrpScratch, type TensorKernels } from "./kernels/index.js";
import { modeBasis, modeBasisScratch } from "./mode-basis.js";
import { tensorModule } from "./module.js";
import { fillWithMean, refill } from "./impute.js";
import { solveRows } from "./normal-equations.js";
import { norm2 } from "./tensor.js";
import type { CpDecomposition, IterativeOptions, TensorLike } from "./types.js";
import { atRoundingLevel, checkSizes, MASK, prod, RANK, readMaskedTensor, readOpts, readTensor, SEED } from "./validate.js";
import { checkResult, scaled, scaleTensor } from "./scaling.js";

const EPS = 2.220446049250313e-16;
/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
const EXACT_BELOW = 1e-6;

/** Options of {@link cp}. */
export interface CpOptions extends IterativeOptions {
  /** Number of rank-one terms R (required). */
  rank: number;
  /** `svd` (default): leading left singular vectors of each unfolding (random columns past I_n); `random`: Gaussian factors. */
  init?: "svd" | "random";
  /** Seed of the random initial factors and of the columns `svd` cannot fill (default 0). */
  seed?: number;
  /** Also return the relative error after each sweep. */
  returnErrors?: boolean;
  /**
   * Observed entries (nonzero / true), one per tensor entry: CP with missing
   * data by imputation (missing entries refilled from the model after every
   * sweep). Unobserved entries of X may hold anything, NaN included.
   */
  mask?: ArrayLike<number | boolean>;
}

/** The options of {@link cp}. */
const SCHEMA = {
  rank: RANK,
  init: opt.oneOf(["svd", "random"] as const),
  seed: SEED,
  returnErrors: opt.boolean(),
  mask: MASK,
  ...LONG_RUN,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: { iteration: number; error: number }) => void>,
  backend: BACKEND,
};

/** Result of {@link cp}. */
export interface CpResult extends CpDecomposition {
  /** Relative error ‖X - X̂‖/‖X‖ after each sweep, when `returnErrors`. */
  errors?: number[];
}

/**
 * CP decomposition X ≈ Σ_r w_r a_r^(1) ∘ ... ∘ a_r^(N) by ALS with column
 * normalisation: weights (descending) and unit-norm factor columns.
 *
 * Each sweep runs, for every mode, one MTTKRP kernel (a GEMM over the
 * (left, I_n, right) view contracting the larger side with the Khatri-Rao
 * product of the factors there, and a SIMD pass for the other side; the full
 * Khatri-Rao product of all other factors is never formed), an R x R
 * Cholesky solve, and the normalisation. The error after a sweep comes from
 * ‖X‖² - 2<X, X̂> + ‖X̂‖² (no reconstruction) while it is above 1e-6, and
 * from the residual X - X̂ (one more GEMM) below, where that formula's
 * cancellation would stop it near 1e-8. Stops when the error changes by
 * less than `tol` (default 1e-10), or while above 1e-6 when its square
 * changes by less than 16 N eps, or at rounding level when `tol` is below
 * it, or after `maxIter` (default 500); `tol: 0` runs exactly `maxIter` sweeps.
 * A singular V (collinear factors) gets a ridge of 1e-12 trace(V)/R.
 * With `mask`: the sweeps run on a copy of X whose missing entries start at
 * the observed mean and are refilled from the model after every sweep
 * (imputation); the errors are then ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖.
 * Cost per sweep: O(N size R + Σ I_n R² + N R³).
 * Errors: SHAPE (also a mask of the wrong length), EMPTY (also nothing
 * observed), NON_FINITE (observed entries), TOO_LARGE, INVALID_ARGUMENT, ABORTED.
 *
 * @example
 * const { weights, factors } = await cp(X, { rank: 4, seed: 1 });
 */
export async function cp(input: TensorLike, opts: CpOptions): Promise<CpResult> {
  const o = readOpts("cp", opts, SCHEMA);
  const run = new LongRun<{ iteration: number; error: number }>("cp", { onProgress: o.onProgress, signal: o.signal });
  if (o.rank === undefined) throw new LowrankError("INVALID_ARGUMENT", "cp: opts.rank is required");
  let mask: Uint8Array | null = null;
  let X: Tensor;
  if (o.mask !== undefined) ({ X, mask } = readMaskedTensor(input, o.mask, "X"));
  else X = readTensor(input, "X");
  const R = o.rank;
  const init = o.init ?? "svd";
  const seed = o.seed ?? 0;
  const maxIter = o.maxIter ?? 500, tol = o.tol ?? 1e-10;
  // A tensor of extreme magnitude is decomposed scaled by a power of two (exact); the weights take it back.
  const { X: Xs, scale } = scaleTensor(X, mask);
  X = Xs;
  const shape = X.shape, N = shape.length, S = X.data.length;

  // MTTKRP scratch (kept for the run) and the svd start's scratch (freed before the sweeps).
  let scratch = 0, initScratch = 0, side = 0;
  for (let n = 0; n < N; n++) {
    const left = prod(shape, 0, n), right = prod(shape, n + 1);
    scratch = Math.max(scratch, mttkrpScratch(left, shape[n], right, R));
    if (init === "svd") initScratch = Math.max(initScratch, modeBasisScratch("gram", shape[n], left * right) + Math.min(R, shape[n], left * right) * (shape[n] + 1));
    side = Math.max(side, left, right);
  }
  const fs = shape.reduce((a, n) => a + n * R, 0);
  checkSizes("cp", 2 * S, scratch, initScratch, fs, 4 * side * R, N * R * R, 2 * Math.max(...shape) * R);
  const bytes = arenaBytes(2 * S + scratch + initScratch + fs + 4 * side * R + N * R * R + 2 * Math.max(...shape) * R + 3 * R * R + R, 0, 32 + 4 * N);
  const ws = await tensorModule.workspace(o.backend, bytes);
  const K = ws.kernels;
  const x = mask ? ws.copy(X.data) : ws.input(X.data), resid = ws.f64(S);
  const observedNorm2 = mask ? fillWithMean(x, mask) : 0;
  const normX = norm2(x);
  const A = shape.map((n) => ws.f64(n * R));
  const G = shape.map(() => ws.f64(R * R));
  const w = ws.f64(R);
  const M = ws.f64(Math.max(...shape) * R), MT = ws.f64(Math.max(...shape) * R);
  const V = ws.f64(R * R), L = ws.f64(R * R), H = ws.f64(R * R);
  const kl = [ws.f64(side * R), ws.f64(side * R)], kr = [ws.f64(side * R), ws.f64(side * R)];
  const work = ws.f64(scratch);

  const rng = new Rng(seed);
  for (let n = 0; n < N; n++) {
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
        for (let i = 0; i < shape[n]; i++) for (let c = 0; c < k; c++) A[n][i * R + c] = U[i * k + c];
      });
    }
    K.gemm(true, false, R, R, shape[n], 1, A[n], R, A[n], R, 0, G[n], R);
  }

  const errors: number[] = [];
  for (let it = 1; it <= maxIter; it++) {
    let inner = 0;
    let lastKL = kl[0];
    for (let n = 0; n < N; n++) {
      const In = shape[n], left = prod(shape, 0, n), right = prod(shape, n + 1);
      const KL = khatriRaoChain(K, A, shape, 0, n, R, kl);
      const KR = khatriRaoChain(K, A, shape, n + 1, N, R, kr);
      K.mttkrp(left, In, right, R, x, KL, KR, M, work);
      hadamardExcept(G, n, R, V);
      solveRows(K, In, R, V, L, M, MT, A[n]);
      // Normalise columns into the weights (Kolda & Bader, Fig. 3.3, line 6).
      for (let c = 0; c < R; c++) {
        let ss = 0;
        for (let i = 0; i < In; i++) ss += A[n][i * R + c] ** 2;
        const nrm = Math.sqrt(ss);
        w[c] = nrm;
        if (nrm > 0) for (let i = 0; i < In; i++) A[n][i * R + c] /= nrm;
      }
      K.gemm(true, false, R, R, In, 1, A[n], R, A[n], R, 0, G[n], R);
      if (n === N - 1) {
        lastKL = KL;
        // <X, X̂> = Σ_r w_r <M[:, r], a_r> with M the last mode's MTTKRP.
        for (let c = 0; c < R; c++) {
          let t = 0;
          for (let i = 0; i < In; i++) t += M[i * R + c] * A[n][i * R + c];
          inner += w[c] * t;
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
      for (let i = 0; i < Il; i++) for (let c = 0; c < R; c++) MT[i * R + c] = A[N - 1][i * R + c] * w[c];
      if (mask) {
        K.gemm(false, true, left, Il, R, 1, lastKL, R, MT, R, 0, resid, Il);
        err = refill(x, resid, mask, observedNorm2);
      } else {
        resid.set(x);
        K.gemm(false, true, left, Il, R, -1, lastKL, R, MT, R, 1, resid, Il);
        err = normX === 0 ? 0 : norm2(resid) / normX;
      }
    }
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await run.step({ iteration: it, error: err });
    // tol 0 asks for exactly maxIter sweeps: no test at all.
    if (tol > 0 && (Math.abs(prev - err) < tol || (!exact && Math.abs(prev * prev - err * err) < 16 * N * EPS) || atRoundingLevel(err, tol, N))) break;
  }

  // Weights descending, as TensorLy's cp_normalize leaves them unordered but users expect an order.
  const order = Array.from({ length: R }, (_, c) => c).sort((a, b) => w[b] - w[a] || a - b);
  const weights = scaled(Float64Array.from(order, (c) => w[c]), -scale);
  checkResult(weights, "cp", "the weights");
  const factors: DenseMatrix[] = A.map((a, n) => {
    const data = new Float64Array(shape[n] * R);
    for (let i = 0; i < shape[n]; i++) for (let c = 0; c < R; c++) data[i * R + c] = a[i * R + order[c]];
    return { rows: shape[n], cols: R, data };
  });
  const result: CpResult = { kind: "cp", weights, factors };
  if (o.returnErrors) result.errors = errors;
  return result;
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
