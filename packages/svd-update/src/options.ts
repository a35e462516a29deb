// EvolvingSvd's options, their schemas (read by linalg's readOptions), and the
// context every update step reads.
import { BACKEND, LONG_RUN, opt, readOptions, Rng, type BackendOptions, type OptionsOf } from "@lowrank/linalg";
import type { SvdWorkspace } from "./kernels/index.js";
import { METHOD_NAMES, METHODS, type UpdateMethod, type UpdateStrategy } from "./methods/index.js";
import { RANK_OPTION, TSVD_OPTIONS, type TruncatedSvdProgress } from "./truncated.js";

export type { UpdateMethod } from "./methods/index.js";

/** Options of {@link EvolvingSvd.create} and {@link EvolvingSvd.fromFactors}. */
export interface EvolvingSvdOptions extends BackendOptions {
  /** Rank k of the maintained truncated SVD (`create`: 1 <= k <= min(rows, cols); `fromFactors`: the factors' width). */
  rank?: number;
  /**
   * Update method (default "deng"), or "auto": before each batch, estimate the
   * cost of `deng`, `zha-simon` and of a fresh truncated SVD of the current
   * matrix, and take the cheapest (recorded in `history`). Implies `keepMatrix`
   * when the EvolvingSvd is created from a matrix.
   */
  method?: UpdateMethod | "auto";
  /**
   * Keep the current matrix (the initial CSR plus every update's entries,
   * about 12-16 bytes per nonzero) so `recompute()` needs no argument and
   * "auto" can recompute (default: true for "auto" with `create`, else false).
   */
  keepMatrix?: boolean;
  /**
   * The initial SVD of `create`: "lanczos" (default; truncatedSvd's accurate
   * method, to residuals tol σ_1) or "randomized" (a fixed cost; the default
   * when `oversample` or `powerIters` is given).
   */
  svdMethod?: "lanczos" | "randomized";
  /** "lanczos" initial SVD: basis size and most restarts (see truncatedSvd). */
  basisSize?: number;
  maxIter?: number;
  /**
   * Initial SVD: PRNG seed (default 0) and tol (Lanczos default 1e-10; randomized default 0);
   * randomized: oversample (default 10), powerIters (default 4). "auto"'s recomputations inside
   * an update are randomized with these seed, oversample, powerIters and tol.
   */
  seed?: number;
  oversample?: number;
  powerIters?: number;
  tol?: number;
  /**
   * "deng": when the estimate ||K||_F ||K⁻¹||_F of a factor's k x k K passes this,
   * the factor is materialised (U' <- U' K, K <- I) so U' K never amplifies
   * rounding by more than about this much (default 1e4).
   */
  kConditionLimit?: number;
  /** A new direction whose orthogonal remainder is at most dropTol ||e_j|| is dropped as dependent (default 1e-6; not zha-simon, which keeps all). */
  dropTol?: number;
  /** deng-gkl, deng-rpi, vecharynski, yamazaki: size l of the approximate residual space, capped at the batch size (default k). */
  approxRank?: number;
  /** deng-rpi, yamazaki: power iterations of the randomized range finder (default 2, at most 1000). */
  approxIters?: number;
  /** `create`: stops the initial SVD with ABORTED (an already-aborted signal before any work). */
  signal?: AbortSignal;
  /** `create`: progress of the initial SVD (see truncatedSvd's onProgress: after each restart, or each power iteration when randomized). */
  onProgress?: (p: TruncatedSvdProgress) => void;
}

/** The schema of {@link EvolvingSvdOptions}. */
export const EVOLVING_SCHEMA = {
  rank: RANK_OPTION,
  method: opt.oneOf<UpdateMethod | "auto">([...METHOD_NAMES, "auto"]),
  keepMatrix: opt.boolean(),
  ...TSVD_OPTIONS,
  svdMethod: opt.oneOf(["lanczos", "randomized"] as const),
  basisSize: opt.int({ min: 1, max: 1e6 }),
  maxIter: LONG_RUN.maxIter,
  kConditionLimit: opt.number({ min: 1 }),
  dropTol: opt.number({ min: 0, max: 1 }),
  approxRank: opt.int({ min: 1, max: 1e6 }),
  approxIters: opt.int({ min: 0, max: 1000 }),
  backend: BACKEND,
};

/** Checked EvolvingSvd options. */
export type EvolvingOpts = OptionsOf<typeof EVOLVING_SCHEMA>;

/** Reads EvolvingSvd options. Errors: INVALID_ARGUMENT (unknown key, bad value), RANK. */
export function readEvolvingOptions(fn: string, opts: unknown): EvolvingOpts {
  return readOptions(fn, opts, EVOLVING_SCHEMA);
}

/** Counters of an {@link EvolvingSvd}. */
export interface EvolvingSvdStats {
  /** Updates applied. */
  updates: number;
  /** Times a K factor was folded into its tall factor because of kConditionLimit. */
  resets: number;
  /** New directions dropped as numerically dependent. */
  dropped: number;
  /** Calls of `recompute`. */
  recomputes: number;
}

/** What every update step reads: the workspace (replaced when an EvolvingSvd re-lays it out), k, the method's settings, and the counters it bumps. */
export interface UpdateContext {
  st: SvdWorkspace;
  k: number;
  /** The update method's strategy (methods/). */
  method: UpdateStrategy;
  /** `method: "auto"`: `method` is set per batch. */
  auto: boolean;
  limit: number;
  tol2: number;
  /** Size of the approximate residual spaces. */
  l: number;
  iters: number;
  /** Draws of the approximate-space methods (the same stream on both backends). */
  rng: Rng;
  counts: EvolvingSvdStats;
}

/** Builds the context of a run from checked options. */
export function updateContext(st: SvdWorkspace, k: number, opts: EvolvingOpts): UpdateContext {
  const chosen = opts.method ?? "deng";
  const drop = opts.dropTol ?? 1e-6;
  return {
    st,
    k,
    method: METHODS[chosen === "auto" ? "deng" : chosen],
    auto: chosen === "auto",
    limit: opts.kConditionLimit ?? 1e4,
    tol2: drop * drop,
    l: opts.approxRank ?? k,
    iters: opts.approxIters ?? 2,
    rng: new Rng((opts.seed ?? 0) + 0x5eed),
    counts: { updates: 0, resets: 0, dropped: 0, recomputes: 0 },
  };
}
