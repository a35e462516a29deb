// Tensor ring decomposition (Zhao, Zhou, Xie, Zhang, Cichocki 2016, "Tensor
// Ring Decomposition", arXiv:1606.05535): options, checks, and the choice
// between TR-SVD (tr-svd.ts) and TR-ALS (tr-als.ts).
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, type OptionCheck, type Tensor } from "@lowrank/linalg";
import { trAls, type TrAlsSettings } from "./tr-als.js";
import { resolveLambda } from "./completion-lambda.js";
import { ringAuto } from "./completion-formats.js";
import type { CompletionChoice } from "./auto-completion.js";
import { defaultTruncationRoute } from "./mode-basis.js";
import { trSvd } from "./tr-svd.js";
import type { IterativeOptions, TensorNetwork, UnfoldingSvd, TensorLike } from "./types.js";
import { MASK, RANKS, readMaskedTensor, readOpts, readTensor, SEED, UNFOLDING_SVD } from "./validate.js";
import { scaleTensor, unscaleLast } from "./scaling.js";
import { castResult, DTYPE, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** Options of {@link tensorRing}. */
export interface TensorRingOptions extends IterativeOptions {
  /**
   * Bond ranks r_0..r_{N-1} (r_N = r_0 closes the ring), or one number for
   * every bond. TR-SVD uses them as they are (capped by what the unfoldings
   * allow); TR-ALS needs them, except with `mask` (and no `eps`, no
   * `method: "svd"`): then the model is chosen on a hold-out of the observed
   * entries, between TR-ALS fits at ranks 1, 2, ... and smooth
   * interpolations along the modes (held exactly by TR-SVD), and returned as
   * `completion` (see the README, "Missing entries").
   */
  rank?: number | number[];
  /** TR-SVD's relative accuracy when `rank` is not given (default 1e-12): ‖X - TR‖ <= eps ‖X‖. */
  eps?: number;
  /** `svd` (default): TR-SVD, one pass; `als`: TR-ALS with the given `rank`. */
  method?: "svd" | "als";
  /** Route to each unfolding's SVD in TR-SVD and TR-ALS's `svd` start (default as `tensorTrain`; `gram` with fixed ranks). */
  unfoldingSvd?: UnfoldingSvd;
  /**
   * TR-ALS's start: Gaussian cores (`random`, default) or TR-SVD with the same
   * ranks plus small Gaussian padding (`svd`, needs r_0 r_1 <= I_1; it can
   * start ALS in a poor local minimum, seen on 1 of 3 seeds in the tests).
   */
  init?: "svd" | "random";
  /** TR-ALS: seed of the random start (default 0). */
  seed?: number;
  /** TR-ALS: also return the relative error after each sweep. */
  returnErrors?: boolean;
  /**
   * TR-ALS: observed entries (nonzero / true), one per tensor entry; the
   * others are imputed from the model after every sweep and may hold
   * anything, NaN included.
   */
  mask?: ArrayLike<number | boolean>;
  /**
   * With `mask`: `weighted` (default) fits each core to the observed entries
   * only (per-slice least squares); `em` imputes the missing entries from the
   * model after every sweep and fits the filled tensor.
   */
  completion?: "weighted" | "em";
  /**
   * With `mask` and `weighted`: ridge on the cores, λ |Ω_i| added to the
   * normal equations of each core slice i (|Ω_i| its observed entries, data
   * scaled to max |x| = 1; default 0). In [0, 1e6], or `"auto"`: of 1e-2,
   * 3e-3, ..., 1e-4 (one fit each) the one of least error on the observed
   * entries of 10% of the last mode's fibres held out, then the fit on all.
   */
  lambda?: number | "auto";
}

/** The options of {@link tensorRing}. */
const SCHEMA = {
  rank: RANKS,
  eps: opt.number({ min: 0 }),
  method: opt.oneOf(["svd", "als"] as const),
  unfoldingSvd: UNFOLDING_SVD,
  init: opt.oneOf(["svd", "random"] as const),
  seed: SEED,
  returnErrors: opt.boolean(),
  mask: MASK,
  completion: opt.oneOf(["weighted", "em"] as const),
  lambda: opt.either(opt.number({ min: 0, max: 1e6 }), opt.oneOf(["auto"] as const), 'a number in [0, 1e6] or "auto"'),
  ...LONG_RUN,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: { iteration: number; error: number }) => void>,
  dtype: DTYPE,
  backend: BACKEND,
};

/** Result of {@link tensorRing}. */
export interface TensorRingResult extends TensorNetwork {
  /** TR-ALS's relative error after each sweep, when `returnErrors`. */
  errors?: number[];
  /** With `mask` and no `rank`: the model the hold-out chose. */
  completion?: CompletionChoice;
}

/**
 * Tensor ring decomposition X[i_1..i_N] = trace(G_1[:, i_1, :] ... G_N[:, i_N, :]).
 *
 * **TR-SVD** (`method: "svd"`, Alg. 1). Step 1 takes the SVD of the I_1 x (rest) unfolding
 * and keeps rank r_0 r_1 (with eps: the smallest whose discarded Σσ² <=
 * 2 eps² ‖X‖² / N, Alg. 1 line 1), split as r_0 <= r_1 with r_0 the largest
 * divisor of r_0 r_1 not above its square root, so the ring bond r_0 is the
 * smaller. The left singular vectors become the first core (r_0, I_1, r_1);
 * diag(σ)Vᵀ is reshaped to (r_0, r_1, rest), its r_0 axis moved to the end,
 * and the TT-SVD sweep continues with thresholds eps² ‖X‖² / N, the last core
 * closing the ring with r_0. ‖X - TR‖ <= eps ‖X‖ (Zhao et al., Theorem 2).
 * With a fixed `rank` TR-SVD is not exact even for a tensor of those TR
 * ranks: the split of the first bond is a basis choice that need not be
 * Kronecker-structured, so later unfoldings can have higher rank; use `eps`
 * or TR-ALS. Cost: O(size I_1) for the first step, as TT-SVD after it.
 *
 * **TR-ALS** (`method: "als"`, Alg. 2). Each sweep updates every core by
 * least squares: with Q the subchain product of the other cores (an
 * I_{≠k} x r_k r_{k+1} matrix), G_k(2) = X_[k] Q (QᵀQ)⁻¹ (Cholesky, with a
 * ridge if singular). The error comes from ‖X‖² - 2<X, X̂> + ‖X̂‖² above
 * 1e-6 and from the residual below (as in `cp`). Stops when it changes
 * by less than `tol` (default 1e-10), or above 1e-6 when its square changes
 * by less than 16 N eps, or after `maxIter` (default 200). Cost per sweep O(Σ_k size/I_k (r⁴ + I_k r²)).
 *
 * With `mask` (TR-ALS only) each core update is, by default
 * (`completion: "weighted"`), the least-squares fit of the observed entries
 * only: for every slice i of mode k the normal equations
 * Σ_{observed j} q_j q_jᵀ g_i = Σ_{observed j} x_ij q_j (q_j the design row)
 * are accumulated in one kernel pass over the observed entries and solved by
 * Cholesky, O(|Ω| r⁴) per core; with `completion: "em"` the sweeps run on a
 * copy of X whose missing entries start at the observed mean and are
 * refilled from the ring after every sweep (imputation). Errors are then
 * relative on the observed entries.
 *
 * Errors: SHAPE (also a mask of the wrong length), EMPTY (also nothing
 * observed), NON_FINITE (observed entries), TOO_LARGE, RANK (r_0 r_1 > I_1
 * for TR-SVD), INVALID_ARGUMENT (e.g. `als` without `rank`, a mask with
 * TR-SVD), ABORTED. `dtype: "float32"` returns the cores as Float32Arrays
 * rounded from the f64 result.
 *
 * @example
 * const tr = await tensorRing(X, { eps: 1e-3 });
 * const als = await tensorRing(X, { rank: [2, 3, 3, 2], method: "als" });
 */
export async function tensorRing<D extends Dtype = "float64">(input: TensorLike, opts?: TensorRingOptions & DtypeOption<D>): Promise<WithDtype<TensorRingResult, D>>;
export async function tensorRing(input: TensorLike, opts: TensorRingOptions & DtypeOption = {}): Promise<TensorRingResult | AsFloat32<TensorRingResult>> {
  const o = readOpts("tensorRing", opts, SCHEMA);
  if (o.dtype === "float32") return castResult(await tensorRing(input, { ...opts, dtype: "float64" }), "float32", "tensorRing");
  const run = new LongRun<{ iteration: number; error: number }>("tensorRing", { onProgress: o.onProgress, signal: o.signal });
  if (o.mask !== undefined && o.rank === undefined && o.method !== "svd" && o.eps === undefined) return ringAuto(input, opts);
  const method = o.method ?? "svd";
  let mask: Uint8Array | null = null;
  let X: Tensor;
  if (o.mask !== undefined) {
    if (method !== "als") throw new LowrankError("INVALID_ARGUMENT", "tensorRing: a mask needs method \"als\"");
    ({ X, mask } = readMaskedTensor(input, o.mask, "X"));
  } else {
    X = readTensor(input, "X");
  }
  const shape = X.shape, N = shape.length, S = X.data.length;
  if (N < 2) throw new LowrankError("SHAPE", "tensorRing: needs at least two modes");

  let given: number[] | null = null;
  if (o.rank !== undefined) {
    given = typeof o.rank === "number" ? shape.map(() => o.rank as number) : o.rank;
    if (given.length !== N) throw new LowrankError("SHAPE", `rank must be a number or have N = ${N} entries, got ${given.length}`);
    if (method === "svd" && given[0] * given[1] > Math.min(shape[0], S / shape[0])) {
      throw new LowrankError("RANK", `rank[0] * rank[1] = ${given[0] * given[1]} exceeds the rank ${Math.min(shape[0], S / shape[0])} of the first unfolding`);
    }
  }
  const eps = o.eps ?? 1e-12;
  // Fixed ranks truncate by rank only, so the Gram route's leading vectors suffice.
  const route = o.unfoldingSvd ?? (given ? "gram" : defaultTruncationRoute(eps));
  const { X: Xs, scale } = scaleTensor(X, mask);
  let result: TensorRingResult;
  if (method === "als") {
    if (!given) throw new LowrankError("INVALID_ARGUMENT", "tensorRing: method \"als\" needs rank");
    if (mask && o.init === "svd") throw new LowrankError("INVALID_ARGUMENT", "tensorRing: init \"svd\" cannot start from a tensor with missing entries");
    const settings: TrAlsSettings = {
      maxIter: o.maxIter, tol: o.tol, seed: o.seed, init: o.init, unfoldingSvd: route, returnErrors: o.returnErrors, backend: o.backend,
      observed: mask, completion: o.completion, afterSweep: (iteration, error) => run.step({ iteration, error }), check: () => run.check(),
    };
    settings.lambda = await resolveLambda(Xs, given, mask, o.lambda, settings);
    result = await trAls(Xs, given, settings);
  } else {
    if (o.lambda !== undefined) throw new LowrankError("INVALID_ARGUMENT", "tensorRing: lambda needs method \"als\" and a mask");
    result = await trSvd(Xs, { rank: given, eps, unfoldingSvd: route, backend: o.backend, pause: () => run.pause() });
  }
  return { ...result, cores: unscaleLast(result.cores, scale, "tensorRing") };
}
