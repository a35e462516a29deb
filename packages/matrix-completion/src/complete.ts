// complete(): options, input checks, the choice of lambda, then the run.
import { LowrankError, type Backend } from "@lowrank/linalg";
import { fit, type FitSettings } from "./fit.js";
import type { SketchKind } from "./kernels.js";
import type { CompletionModel, IterationRecord, Method } from "./model.js";
import { checkObservations, type Observations } from "./observations.js";
import { selectLambda } from "./select-lambda.js";

/** Options of {@link complete}. Every field is optional. */
export interface CompleteOptions {
  /** Rank k of the factors (default 10). */
  rank?: number;
  /** Algorithm (default "als"). */
  method?: Method;
  /**
   * als: ridge per observation (ALS-WR), or "auto" (the default): chosen on a
   * 10% hold-out of the observations, see the README. altmin / robust-altmin:
   * plain ridge guarding rows with fewer than k entries (default 1e-10).
   */
  lambda?: number | "auto";
  /** als: fit a global mean and row/column biases (default true). */
  biases?: boolean;
  /** als: ridge on each bias, a prior count of observations (default 5). */
  biasLambda?: number;
  /** Clamp predictions to the range of the training values, as rating scales are bounded (default true for als, false otherwise). */
  clip?: boolean;
  /** Iterations, each one V half-step and one U half-step (default 20 for als, 100 for altmin / robust-altmin). */
  maxIter?: number;
  /** Stop when the training loss improves by less than tol (relative) in one iteration (default 1e-5 als, 1e-10 otherwise). */
  tol?: number;
  /** Seed of the random initialisation and sketches (default 0). */
  seed?: number;
  /** "wasm" (default) or "js" (the TypeScript reference). */
  backend?: Backend;
  /** Held-out observations whose RMSE is recorded in `history` each iteration. */
  validation?: Observations;
  /** Called after every iteration with its record. */
  onProgress?: (record: IterationRecord) => void;
  /** Aborts the run between iterations with LowrankError("ABORTED"). */
  signal?: AbortSignal;
  /** robust-altmin: sketch rows per regression (default 4k). Rows with at most this many observations are solved exactly. */
  sketchSize?: number;
  /**
   * robust-altmin: the subspace embedding of each row's design (default "countsketch": one signed
   * bucket per observation, O(|Omega_i| k); "srht": random signs, a Walsh-Hadamard transform and
   * s sampled rows, O(|Omega_i| k log |Omega_i|), a better embedding for the same s).
   */
  sketch?: SketchKind;
  /** robust-altmin: each row's preconditioned normal residual must fall by this factor per half-step (default 0.1). */
  innerTol?: number;
  /** robust-altmin: cap on PCG steps per row per half-step (default 10). */
  maxInner?: number;
  /** altmin / robust-altmin: incoherence mu of the spectral clipping, rows of U0 capped at 2 mu sqrt(k/n) (default 2). */
  incoherence?: number;
  /** altmin / robust-altmin: power iterations of the spectral initialisation (default 4). */
  powerIters?: number;
}

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new LowrankError("INVALID_ARGUMENT", `${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function nonNegative(v: unknown, name: string): number {
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new LowrankError("INVALID_ARGUMENT", `${name} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

/**
 * Completes a partially observed matrix: fits a rank-k factorisation
 * (plus biases for als) to the observed entries and returns the model.
 *
 * Cost per iteration: als O(|Omega| k² + (n + m) k³); altmin the same plus
 * O((n + m) k²) for the QRs; robust-altmin O(|Omega| k (1 + steps) + (n + m)
 * (s k² + steps k²)) with s = sketchSize. `lambda: "auto"` adds a few short
 * fits on 90% of the data. Memory: O(|Omega| + (n + m) k), reserved once up front.
 *
 * @example
 * const model = await complete(ratings);                       // ALS, biases, defaults for 1-5 stars
 * const exact = await complete(obs, { method: "altmin", rank: 5 });
 * model.predict(0, 3);
 */
export async function complete(observations: Observations, options: CompleteOptions = {}): Promise<CompletionModel> {
  const obs = checkObservations(observations, "observations");
  const method: Method = options.method ?? "als";
  if (method !== "als" && method !== "altmin" && method !== "robust-altmin") {
    throw new LowrankError("INVALID_ARGUMENT", `method must be "als", "altmin" or "robust-altmin", got ${String(method)}`);
  }
  const als = method === "als";
  const k = positiveInt(options.rank ?? 10, "rank");
  const n = obs.rows, m = obs.cols;
  if (k > Math.min(n, m)) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${Math.min(n, m)}`);
  const lambdaOpt = options.lambda ?? (als ? "auto" : 1e-10);
  if (lambdaOpt === "auto" && !als) throw new LowrankError("INVALID_ARGUMENT", `lambda: "auto" is only for method "als"`);
  let lo = -Infinity, hi = Infinity;
  if (options.clip ?? als) {
    lo = Infinity;
    hi = -Infinity;
    for (let q = 0; q < obs.values.length; q++) {
      lo = Math.min(lo, obs.values[q]);
      hi = Math.max(hi, obs.values[q]);
    }
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new LowrankError("INVALID_ARGUMENT", `seed must be a finite number, got ${seed}`);
  const settings: FitSettings = {
    method, k,
    maxIter: positiveInt(options.maxIter ?? (als ? 20 : 100), "maxIter"),
    tol: nonNegative(options.tol ?? (als ? 1e-5 : 1e-10), "tol"),
    lambda: lambdaOpt === "auto" ? 0 : nonNegative(lambdaOpt, "lambda"), // "auto": replaced by selectLambda below
    biasLambda: nonNegative(options.biasLambda ?? 5, "biasLambda"),
    biases: als && (options.biases ?? true),
    lo, hi, seed,
    sketchSize: positiveInt(options.sketchSize ?? 4 * k, "sketchSize"),
    sketch: options.sketch ?? "countsketch",
    innerTol: nonNegative(options.innerTol ?? 0.1, "innerTol"),
    maxInner: positiveInt(options.maxInner ?? 10, "maxInner"),
    incoherence: nonNegative(options.incoherence ?? 2, "incoherence"),
    powerIters: nonNegative(options.powerIters ?? 4, "powerIters"),
    backend: options.backend,
    onProgress: options.onProgress,
    signal: options.signal,
  };
  if (settings.sketch !== "countsketch" && settings.sketch !== "srht") {
    throw new LowrankError("INVALID_ARGUMENT", `sketch must be "countsketch" or "srht", got ${String(settings.sketch)}`);
  }
  if (settings.sketchSize >= 2 ** 20) throw new LowrankError("INVALID_ARGUMENT", `sketchSize must be below 2^20, got ${settings.sketchSize}`);
  if (settings.sketchSize <= k) throw new LowrankError("INVALID_ARGUMENT", `sketchSize must exceed the rank (${k}), got ${settings.sketchSize}`);
  let validation: Observations | null = null;
  if (options.validation !== undefined) {
    validation = checkObservations(options.validation, "validation", { allowEmpty: true });
    if (validation.rows !== n || validation.cols !== m) {
      throw new LowrankError("SHAPE", `validation is ${validation.rows} x ${validation.cols}, observations are ${n} x ${m}`);
    }
  }
  if (options.signal?.aborted) throw new LowrankError("ABORTED", "complete: aborted before it started");
  if (lambdaOpt === "auto") {
    const search = await selectLambda(obs, settings);
    return fit(obs, validation, { ...settings, lambda: search.lambda }, search.tried);
  }
  return fit(obs, validation, settings);
}
