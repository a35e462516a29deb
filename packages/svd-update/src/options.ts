// EvolvingSvd's options, their checking, and the context every update step reads.
import { LowrankError, Rng, type BackendOptions } from "@lowrank/linalg";
import { intOption, numberOption } from "./input.js";
import type { Store } from "./store.js";
import type { TruncatedSvdProgress } from "./truncated.js";

/** Update methods: see the README's algorithm notes. */
export type UpdateMethod = "deng" | "deng-gkl" | "deng-rpi" | "zha-simon" | "vecharynski" | "yamazaki";
const METHODS: readonly (UpdateMethod | "auto")[] = ["deng", "deng-gkl", "deng-rpi", "zha-simon", "vecharynski", "yamazaki", "auto"];

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
  /** Initial truncatedSvd: PRNG seed (default 0), oversample (default 10), powerIters (default 4). */
  seed?: number;
  oversample?: number;
  powerIters?: number;
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
  /** deng-rpi, yamazaki: power iterations of the randomized range finder (default 2). */
  approxIters?: number;
  signal?: AbortSignal;
  onProgress?: (p: TruncatedSvdProgress) => void;
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

/** What every update step reads: the store, k, the method's settings, and the counters it bumps. */
export interface UpdateContext {
  st: Store;
  k: number;
  method: UpdateMethod;
  /** `method: "auto"`: `method` and `extended` are set per batch. */
  auto: boolean;
  /** The deng family keeps the extended decomposition P K; the others rotate dense factors. */
  extended: boolean;
  limit: number;
  tol2: number;
  /** Size of the approximate residual spaces. */
  l: number;
  iters: number;
  /** Draws of the approximate-space methods (the same stream on both backends). */
  rng: Rng;
  counts: EvolvingSvdStats;
}

/** Checks the update options and builds the context of a run. Errors: INVALID_ARGUMENT. */
export function updateContext(st: Store, k: number, opts: EvolvingSvdOptions): UpdateContext {
  const chosen = opts.method ?? "deng";
  if (!METHODS.includes(chosen)) throw new LowrankError("INVALID_ARGUMENT", `method must be one of ${METHODS.join(", ")}, got ${String(chosen)}`);
  const drop = numberOption(opts.dropTol ?? 1e-6, "dropTol", 0);
  const method: UpdateMethod = chosen === "auto" ? "deng" : chosen;
  if (opts.keepMatrix !== undefined && typeof opts.keepMatrix !== "boolean") {
    throw new LowrankError("INVALID_ARGUMENT", `keepMatrix must be a boolean, got ${String(opts.keepMatrix)}`);
  }
  return {
    st,
    k,
    method,
    auto: chosen === "auto",
    extended: method.startsWith("deng"),
    limit: numberOption(opts.kConditionLimit ?? 1e4, "kConditionLimit", 1),
    tol2: drop * drop,
    l: opts.approxRank === undefined ? k : intOption(opts.approxRank, "approxRank", 1, 1e6),
    iters: intOption(opts.approxIters ?? 2, "approxIters", 0, 1e6),
    rng: new Rng(numberOption(opts.seed ?? 0, "seed", -Infinity) + 0x5eed),
    counts: { updates: 0, resets: 0, dropped: 0, recomputes: 0 },
  };
}
