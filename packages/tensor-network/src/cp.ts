// CP decomposition by alternating least squares (Carroll & Chang 1970,
// Harshman 1970), in the form of Kolda & Bader 2009, "Tensor Decompositions
// and Applications", Fig. 3.3: each step solves A_n V = X_(n) (⊙_{k≠n} A_k)
// with V = ⊛_{k≠n} A_kᵀA_k, then moves the column norms into the weights.
import { LowrankError, opt, Rng, type DenseMatrix, type Tensor } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import { startFactors, sweep, type CpWork } from "./cp-sweep.js";
import { mttkrpScratch, type TensorKernels } from "./kernels/index.js";
import { modeBasisScratch } from "./mode-basis.js";
import { fillWithMean } from "./impute.js";
import { cpAuto } from "./completion-formats.js";
import { LAMBDA_OPTION, resolveRidge } from "./completion-lambda.js";
import { reconstruct } from "./reconstruct.js";
import type { CompletionChoice } from "./auto-completion.js";
import { runSpace } from "./pooled.js";
import { norm2 } from "./tensor.js";
import type { CpDecomposition, IterativeOptions, TensorLike, ThreadOptions } from "./types.js";
import { atRoundingLevel, checkSizes, prod, RANK, readOpts, readSweepInput, SEED, SWEEP_OPTIONS } from "./validate.js";
import { checkResult, scaled, scaleTensor, scanTensor } from "./scaling.js";
import { SCAN_PIECE } from "./kernels/scan.js";
import { castResult, RESULT_VERSION, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

const EPS = 2.220446049250313e-16;

/** Options of {@link cp}. */
export interface CpOptions extends IterativeOptions, ThreadOptions {
  /**
   * Number of rank-one terms R (required without `mask`). With `mask` and no
   * rank the model is chosen on a hold-out of the observed entries (see
   * `tensorRing`'s `mask`).
   */
  rank?: number;
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
  /**
   * With `mask`: ridge on the factor rows, λ mean(diag V) I added to each
   * mode's normal equations A_n V = X_(n)(⊙_{k≠n} A_k) (V has unit diagonal
   * once the columns are normalised, so λ is relative; default 0). In
   * [0, 1e6], or `"auto"`: of 0.3, 0.1, 0.03, 0.01 and 0 (one fit each) the
   * one of least error on the observed entries of 10% of the last mode's
   * fibres held out, then the fit on all.
   */
  lambda?: number | "auto";
}

/** The options of {@link cp}. */
const SCHEMA = {
  rank: RANK,
  init: opt.oneOf(["svd", "random"] as const),
  seed: SEED,
  returnErrors: opt.boolean(),
  lambda: LAMBDA_OPTION,
  ...SWEEP_OPTIONS,
};

/** Result of {@link cp}. */
export interface CpResult extends CpDecomposition {
  /** Relative error ‖X - X̂‖/‖X‖ after each sweep, when `returnErrors`. */
  errors?: number[];
  /** With `mask` and no `rank`: the model the hold-out chose. */
  completion?: CompletionChoice;
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
 * `dtype: "float32"` returns weights and factors as Float32Arrays rounded from the f64 result.
 *
 * @example
 * const { weights, factors } = await cp(X, { rank: 4, seed: 1 });
 */
export async function cp<D extends Dtype = "float64">(input: TensorLike, opts: CpOptions & DtypeOption<D>): Promise<WithDtype<CpResult, D>>;
export async function cp(input: TensorLike, opts: CpOptions & DtypeOption): Promise<CpResult | AsFloat32<CpResult>> {
  const o = readOpts("cp", opts, SCHEMA);
  if (o.dtype === "float32") return castResult(await cp(input, { ...opts, dtype: "float64" }), "float32", "cp");
  if (o.mask !== undefined && o.rank === undefined) return cpAuto(input, opts);
  const { run, mask, X: X0, rank: R } = readSweepInput("cp", input, o);
  let X: Tensor = X0;
  const init = o.init ?? "svd";
  const seed = o.seed ?? 0;
  const maxIter = o.maxIter ?? 500, tol = o.tol ?? 1e-10;
  // The ridge is relative (see cp-sweep.ts), so "auto" scores the ladder on X as given.
  const lambda = await resolveRidge("cp", X, mask, o.lambda, seed, async (train, lam) => {
    const fit = await cp(X, { ...opts, mask: train, lambda: lam, returnErrors: false, onProgress: undefined, dtype: "float64" });
    return reconstruct(fit, { backend: o.backend }).data;
  }, () => run.check());
  // A tensor of extreme magnitude is decomposed scaled by a power of two (exact); the weights take it back.
  // Without a mask the scale and the norm come from one pass over the workspace's copy (scanTensor, below).
  let scale = 0;
  if (mask) ({ X, scale } = scaleTensor(X, mask));
  const shape = X.shape, N = shape.length, S = X.data.length;

  // MTTKRP scratch (kept for the run) and the svd start's scratch (freed before the sweeps).
  let scratch = 0, initScratch = 0, side = 0;
  for (let n = 0; n < N; n++) {
    const left = prod(shape, 0, n), right = prod(shape, n + 1);
    scratch = Math.max(scratch, mttkrpScratch(left, shape[n], right, R));
    if (init === "svd") initScratch = Math.max(initScratch, modeBasisScratch("gram", shape[n], left * right) + Math.min(R, shape[n], left * right) * (shape[n] + 1));
    side = Math.max(side, left, right);
  }
  // scanTensor's piece sums, taken and freed before the start.
  initScratch = Math.max(initScratch, 2 * Math.ceil(S / SCAN_PIECE));
  const fs = shape.reduce((a, n) => a + n * R, 0);
  checkSizes("cp", 2 * S, scratch, initScratch, fs, 4 * side * R, N * R * R, 2 * Math.max(...shape) * R);
  const bytes = arenaBytes(2 * S + scratch + initScratch + fs + 4 * side * R + N * R * R + 2 * Math.max(...shape) * R + 3 * R * R + R, 0, 32 + 4 * N);
  // The run's buffers (cp-sweep.ts). With a mask, x is the imputed tensor, refilled every sweep.
  let observedNorm2 = 0, returned: number[] | undefined;
  const layout = (ws: Workspace<TensorKernels>): CpWork => {
    const x = mask ? ws.copy(X.data) : ws.input(X.data), resid = ws.f64(S);
    if (mask) observedNorm2 = fillWithMean(x, mask);
    return {
      ws, x, resid, A: shape.map((n) => ws.f64(n * R)), G: shape.map(() => ws.f64(R * R)), w: ws.f64(R),
      M: ws.f64(Math.max(...shape) * R), MT: ws.f64(Math.max(...shape) * R), V: ws.f64(R * R), L: ws.f64(R * R), H: ws.f64(R * R),
      kl: [ws.f64(side * R), ws.f64(side * R)], kr: [ws.f64(side * R), ws.f64(side * R)], work: ws.f64(scratch),
    };
  };
  // On the pool when it can take the run (pooled.ts); with a mask on one thread.
  const space = await runSpace(o.backend, mask ? 1 : o.threads, bytes, layout);
  let w: Float64Array, A: Float64Array[];
  try {
    const c = space.work;
    // ‖X‖ (of the filled tensor with a mask; without one, with the scale, from one pass over x in pieces on the pool).
    let normX: number;
    if (mask) normX = norm2(c.x);
    else ({ x: c.x, scale, norm: normX } = scanTensor(space.ws, c.x, X.data));
    startFactors(c, shape, R, init, new Rng(seed));
    const errors: number[] = [];
    for (let it = 1; it <= maxIter; it++) {
      const { err, exact } = sweep(c, shape, R, normX, mask, observedNorm2, lambda);
      const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
      errors.push(err);
      await run.step({ iteration: it, error: err });
      // tol 0 asks for exactly maxIter sweeps: no test at all.
      if (tol > 0 && (Math.abs(prev - err) < tol || (!exact && Math.abs(prev * prev - err * err) < 16 * N * EPS) || atRoundingLevel(err, tol, N))) break;
    }
    w = c.w.slice();
    A = c.A.map((a) => a.slice());
    if (o.returnErrors) returned = errors;
  } finally {
    space.release();
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
  const result: CpResult = { kind: "cp", version: RESULT_VERSION, weights, factors };
  if (returned) result.errors = returned;
  return result;
}
