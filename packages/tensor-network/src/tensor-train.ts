// tensorTrain: TT-SVD (Oseledets 2011, "Tensor-train decomposition", SIAM J.
// Sci. Comput. 33(5), Algorithm 1; tt-svd.ts) or, with a mask, TT completion.
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, type BackendOptions, type OptionCheck } from "@lowrank/linalg";
import type { TensorNetwork, UnfoldingSvd, TensorLike } from "./types.js";
import { MASK, RANKS, readMaskedTensor, readOpts, SEED, UNFOLDING_SVD } from "./validate.js";
import { bondCaps, ttSvd } from "./tt-svd.js";
import { scaleTensor, unscaleLast } from "./scaling.js";
import { trAls, type TrAlsSettings } from "./tr-als.js";
import { resolveLambda } from "./completion-lambda.js";
import { trainAuto } from "./completion-formats.js";
import type { CompletionChoice } from "./auto-completion.js";
import { castResult, DTYPE, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** Options of {@link tensorTrain}. */
export interface TensorTrainOptions extends BackendOptions {
  /** Relative accuracy: the result satisfies ‖X - TT‖ <= eps ‖X‖ (default 1e-12 without maxRank, else 0). */
  eps?: number;
  /** Largest bond rank: one number or the N - 1 inner bonds (default unlimited). */
  maxRank?: number | number[];
  /**
   * Route to each unfolding's SVD. Default: `gram` (1.6x faster at 10^6
   * entries) unless 0 < eps < 1e-5, where `jacobi` resolves every singular
   * value so that tiny eps (the default 1e-12) finds exact ranks.
   */
  unfoldingSvd?: UnfoldingSvd;
  /** Checked between steps; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
  /**
   * Observed entries (nonzero / true), one per tensor entry: tensor
   * completion by TT-ALS (the tensor-ring ALS with r_0 = r_N = 1) with the
   * bond ranks `maxRank`; the other entries may hold anything, NaN
   * included. Without `maxRank` the model is chosen on a hold-out, as
   * `tensorRing`'s without `rank`.
   */
  mask?: ArrayLike<number | boolean>;
  /** With `mask`: `weighted` (default, observed entries only) or `em` (imputation), as `tensorRing`. */
  completion?: "weighted" | "em";
  /** With `mask` and `weighted`: ridge λ on the cores, or `"auto"`, as `tensorRing`'s `lambda` (default 0). */
  lambda?: number | "auto";
  /** With `mask`: most ALS sweeps (default 200). */
  maxIter?: number;
  /** With `mask`: stop when the observed relative error changes by less (default 1e-10). */
  tol?: number;
  /** With `mask`: seed of the random start (default 0). */
  seed?: number;
  /** With `mask`: called after every sweep. */
  onProgress?: (info: { iteration: number; error: number }) => void;
  /** With `mask`: also return the observed relative error after each sweep. */
  returnErrors?: boolean;
}

/** What {@link tensorTrain} returns: the train, with `errors` when asked for. */
export type TensorTrainResult = TensorNetwork & { errors?: number[]; completion?: CompletionChoice };

/**
 * Tensor train by TT-SVD: sweep left to right, at step k take the SVD of the
 * (r_{k-1} I_k) x (rest) unfolding of what is left, keep the smallest rank
 * whose discarded singular values have Σσ² <= δ² with δ = eps ‖X‖ / sqrt(N-1)
 * (Oseledets 2011, Alg. 1, line 1 and Theorem 2.2), capped by `maxRank`, and
 * carry diag(σ) Vᵀ = Uᵀ C to the next step. With no cap the result satisfies
 * ‖X - TT‖ <= eps ‖X‖; with a cap the error is at most the root sum of the
 * squared discarded singular values of all steps.
 * Cost: O(Σ_k size_k r_{k-1} I_k) with size_k the entries left at step k
 * (size_1 = size), so the first step's O(size I_1) dominates for small ranks.
 *
 * With `mask`: tensor completion by ALS with the TT ranks `maxRank` (see
 * `tensorRing`'s `completion`), errors relative on the observed entries.
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT, ABORTED.
 * `dtype: "float32"` returns the cores as Float32Arrays rounded from the f64 result.
 *
 * @example
 * const tt = await tensorTrain(X, { eps: 1e-6 });
 * tt.ranks; // [1, r_1, ..., r_{N-1}, 1]
 */
export async function tensorTrain<D extends Dtype = "float64">(input: TensorLike, opts?: TensorTrainOptions & DtypeOption<D>): Promise<WithDtype<TensorTrainResult, D>>;
export async function tensorTrain(input: TensorLike, opts: TensorTrainOptions & DtypeOption = {}): Promise<TensorTrainResult | AsFloat32<TensorTrainResult>> {
  const o = readOpts("tensorTrain", opts, SCHEMA);
  if (o.dtype === "float32") return castResult(await tensorTrain(input, { ...opts, dtype: "float64" }), "float32", "tensorTrain");
  const run = new LongRun<{ iteration: number; error: number }>("tensorTrain", { onProgress: o.onProgress, signal: o.signal });
  if (o.mask !== undefined) {
    const { X, mask } = readMaskedTensor(input, o.mask, "X");
    if (X.shape.length < 2) throw new LowrankError("SHAPE", "tensorTrain: completion needs at least two modes");
    if (o.maxRank === undefined) return trainAuto(input, opts);
    const caps = bondCaps(o.maxRank, X.shape.length);
    const { X: Xs, scale } = scaleTensor(X, mask);
    const settings: TrAlsSettings = {
      maxIter: o.maxIter, tol: o.tol, seed: o.seed, init: "random", returnErrors: o.returnErrors, backend: o.backend,
      observed: mask, completion: o.completion, afterSweep: (iteration, error) => run.step({ iteration, error }), check: () => run.check(),
    };
    settings.lambda = await resolveLambda(Xs, [1, ...caps], mask, o.lambda, settings);
    const tt = await trAls(Xs, [1, ...caps], settings);
    return { ...tt, cores: unscaleLast(tt.cores, scale, "tensorTrain") };
  }
  if (o.lambda !== undefined) throw new LowrankError("INVALID_ARGUMENT", "tensorTrain: lambda needs a mask (completion)");
  return ttSvd(input, { maxRank: o.maxRank, eps: o.eps, route: o.unfoldingSvd, backend: o.backend, run });
}

export { bondCaps, truncationRank } from "./tt-svd.js";

/** The options of {@link tensorTrain}. */
const SCHEMA = {
  eps: opt.number({ min: 0 }),
  maxRank: RANKS,
  unfoldingSvd: UNFOLDING_SVD,
  mask: MASK,
  completion: opt.oneOf(["weighted", "em"] as const),
  lambda: opt.either(opt.number({ min: 0, max: 1e6 }), opt.oneOf(["auto"] as const), 'a number in [0, 1e6] or "auto"'),
  seed: SEED,
  returnErrors: opt.boolean(),
  ...LONG_RUN,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: { iteration: number; error: number }) => void>,
  dtype: DTYPE,
  backend: BACKEND,
};
