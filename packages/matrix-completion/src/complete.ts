// complete(): options, input checks, the choice of lambda, then the run.
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, type Backend } from "@lowrank/linalg";
import { checkRunSize, fit, type FitSettings } from "./fit.js";
import type { SketchKind } from "./robust-altmin.js";
import type { CompletionModel, IterationRecord, Method } from "./model.js";
import { checkObservations, valueRange, type Observations, type ObservationsInput } from "./observations.js";
import { selectLambda } from "./select-lambda.js";
import { readOpts } from "./options.js";
import { completionModule } from "./module.js";

/** Options of {@link complete}. Every field is optional. */
export interface CompleteOptions {
  /**
   * Rank k of the factors (at most 1024 and min(rows, cols)); default 10, and 7 for bpmf, whose model averages its
   * samples (rank k per sample; a smaller k mixes faster, see the README), or min(rows, cols) if that is smaller.
   */
  rank?: number;
  /**
   * Algorithm: "bpmf" (the default: Bayesian matrix factorisation by Gibbs sampling, no regularisation to
   * choose), "als", "altmin" or "robust-altmin". Given lambda or biasLambda and no method: "als", the method
   * they belong to.
   */
  method?: Method;
  /**
   * als: ridge per observation (ALS-WR), or "auto" (the default): chosen on a
   * 10% hold-out of the observations, see the README. altmin / robust-altmin:
   * plain ridge guarding rows with fewer than k entries (default 1e-10). At most 1e100.
   */
  lambda?: number | "auto";
  /** als, bpmf: fit a global mean and row/column biases (default true). */
  biases?: boolean;
  /** als: ridge on each bias, a prior count of observations (default 5, at most 1e100). */
  biasLambda?: number;
  /** Clamp predictions to the range of the training values, as rating scales are bounded (default true for als and bpmf, false otherwise). */
  clip?: boolean;
  /**
   * Iterations, each one V half-step and one U half-step (default 20 for als, 100 for altmin / robust-altmin; bpmf:
   * Gibbs sweeps, 30 from 80k observations up, 30 · 80000 / |Omega| below, at most 100).
   */
  maxIter?: number;
  /**
   * Stop when the training loss improves by less than tol (relative) in one iteration (default 1e-5 als, 1e-10
   * altmin / robust-altmin); bpmf: when the averaged model's training RMSE moves by less than tol (relative) with a
   * sample (default 0: every sweep runs).
   */
  tol?: number;
  /** bpmf: Gibbs sweeps discarded before samples are kept (default 5, or maxIter - 1 if less; below maxIter). Each kept sweep adds k to the model's rank. */
  burnIn?: number;
  /**
   * bpmf's noise: "scaled" (default): every row and every column has a noise scale of its own, drawn with the rest (a
   * rating of row i and column j has noise precision alpha · s_i · t_j, each scale with a Gamma prior of mean 1), so
   * that rows and columns whose ratings are noisier count less, and the model averages V's conditional means as well as
   * U's; "shared": one noise precision for every rating and V's samples in the average (the original BPMF, a few
   * percent faster).
   */
  noise?: "scaled" | "shared";
  /** Seed of the random initialisation and sketches (default 0). */
  seed?: number;
  /** "wasm" (default) or "js" (the TypeScript reference). */
  backend?: Backend;
  /**
   * Most threads of the worker pool (started by `init()`) the run may use (default: all of them; 1: the
   * calling thread only). The result has the same bits for any count.
   */
  threads?: number;
  /** Held-out observations whose RMSE is recorded in `history` each iteration. */
  validation?: ObservationsInput;
  /** Called after every iteration with its record (`iteration` is 1-based). */
  onProgress?: (record: IterationRecord) => void;
  /** Aborts the run with LowrankError("ABORTED"): before any work if it has already fired, else between iterations. */
  signal?: AbortSignal;
  /** robust-altmin: sketch rows per regression (default 4k; above the rank, below 2^20). Rows with at most this many observations are solved exactly. */
  sketchSize?: number;
  /**
   * robust-altmin: the subspace embedding of each row's design (default "countsketch": one signed
   * bucket per observation, O(|Omega_i| k); "srht": random signs, a Walsh-Hadamard transform and
   * s sampled rows, O(|Omega_i| k log |Omega_i|), a better embedding for the same s).
   */
  sketch?: SketchKind;
  /** robust-altmin: each row's preconditioned normal residual must fall by this factor per half-step (default 0.1; in [0, 1): 0 runs maxInner steps). */
  innerTol?: number;
  /** robust-altmin: cap on PCG steps per row per half-step (default 10, at most 1000). */
  maxInner?: number;
  /** altmin / robust-altmin: incoherence mu of the spectral clipping, rows of U0 capped at 2 mu sqrt(k/n) (default 2; above 0). */
  incoherence?: number;
  /**
   * altmin / robust-altmin: the spectral initialisation's singular vectors by a randomized subspace iteration with
   * this many power iterations (an integer, at most 1000; a fixed cost). Not given (the default): by the Lanczos SVD,
   * to residuals 1e-10 of σ_1.
   */
  powerIters?: number;
}

/** Largest lambda / biasLambda: ridges this large already zero every factor, and larger ones overflow λ · |Omega_i|. */
const MAX_RIDGE = 1e100;

/** Largest power / inner iteration count (a handful is typical; these loops do not report progress or yield). */
const MAX_INNER_LOOP = 1000;

/**
 * Largest rank: every row's solve is O(k³) in one uninterruptible kernel
 * call, so ranks in the thousands would hold the thread for minutes; the
 * factorisations completion is used for have ranks in the tens.
 */
const MAX_RANK = 1024;

/**
 * bpmf's default sweeps and burn-in (chosen on synthetic ratings, see the README): 30 sweeps from 80k observations
 * up, more on fewer (a sweep costs O(|Omega| k²), and the average of a sparse posterior needs more samples), at most 100.
 */
const BPMF_BURN_IN = 5;
/**
 * bpmf's default rank per sample (chosen on synthetic ratings, see the README): at an equal fit time a rank-7 chain
 * with more sweeps beat a rank-10 one on every large synthetic set, and at equal sweeps it costs 0.7 times as much.
 */
const BPMF_RANK = 7;
const bpmfSweeps = (nnz: number): number => Math.max(30, Math.min(100, Math.round((30 * 80_000) / nnz)));

const COMPLETE_OPTIONS = {
  rank: opt.int({ min: 1, max: MAX_RANK }),
  method: opt.oneOf(["als", "altmin", "robust-altmin", "bpmf"] as const),
  burnIn: opt.int({ min: 0, max: MAX_INNER_LOOP }),
  noise: opt.oneOf(["scaled", "shared"] as const),
  lambda: opt.either(opt.number({ min: 0, max: MAX_RIDGE }), opt.oneOf(["auto"] as const), `a number in [0, ${MAX_RIDGE}] or "auto"`),
  biases: opt.boolean(),
  biasLambda: opt.number({ min: 0, max: MAX_RIDGE }),
  clip: opt.boolean(),
  ...LONG_RUN,
  onProgress: opt.func<(record: IterationRecord) => void>(),
  seed: opt.seed(),
  backend: BACKEND,
  threads: opt.int({ min: 1, max: 64 }),
  validation: opt.any<ObservationsInput>(),
  sketchSize: opt.int({ min: 1, below: 2 ** 20 }),
  sketch: opt.oneOf(["countsketch", "srht"] as const),
  // At 1 or above no PCG step would ever run and the factors would keep their spectral start.
  innerTol: opt.number({ min: 0, below: 1 }),
  maxInner: opt.int({ min: 1, max: MAX_INNER_LOOP }),
  // 0 would clip every row of the spectral start to zero, leaving a degenerate start.
  incoherence: opt.number({ above: 0 }),
  powerIters: opt.int({ min: 0, max: MAX_INNER_LOOP }),
};

/**
 * Completes a partially observed matrix: fits a rank-k factorisation
 * (plus biases for bpmf and als) to the observed entries and returns the
 * model. bpmf's model averages its kept samples: its rank is k times their
 * number (maxIter - burnIn).
 *
 * Cost per iteration: bpmf and als O(|Omega| k² + (n + m) k³); altmin the same plus
 * O((n + m) k²) for the QRs; robust-altmin O(|Omega| k (1 + steps) + (n + m)
 * (s k² + steps k²)) with s = sketchSize. `lambda: "auto"` adds a few short
 * fits on 90% of the data. Memory: O(|Omega| + (n + m) k), checked against
 * the limits (TOO_LARGE) and reserved once up front, before any work
 * (bpmf also keeps its samples: O((n + m) k S)).
 *
 * Errors: INVALID_ARGUMENT (options: unknown keys, wrong types, values out of
 * range; observations of the wrong kind), INDEX (fractional, out-of-range or
 * repeated positions), NON_FINITE, EMPTY, SHAPE, RANK (rank > min(rows,
 * cols)), TOO_LARGE (sizes; values beyond 1e140 in magnitude), ABORTED.
 *
 * @example
 * const model = await complete(ratings);                       // bpmf, biases, no lambda to choose
 * const als = await complete(ratings, { lambda: "auto" });     // ALS with a hold-out lambda
 * const exact = await complete(obs, { method: "altmin", rank: 5 });
 * model.predict(0, 3);
 */
export async function complete(observations: ObservationsInput, options: CompleteOptions = {}): Promise<CompletionModel> {
  const o = readOpts("complete", options, COMPLETE_OPTIONS);
  // Before any work: an already-fired signal stops here.
  const run = new LongRun<IterationRecord>("complete", { onProgress: o.onProgress, signal: o.signal });
  const obs = checkObservations(observations, "complete: observations", { limit: true });
  const method: Method = o.method ?? (o.lambda !== undefined || o.biasLambda !== undefined ? "als" : "bpmf");
  const als = method === "als", bpmf = method === "bpmf";
  const n = obs.rows, m = obs.cols;
  // The default rank never exceeds the matrix's smaller side (a given rank that does is refused below).
  const k = o.rank ?? Math.min(bpmf ? BPMF_RANK : 10, n, m);
  if (k > Math.min(n, m)) throw new LowrankError("RANK", `complete: rank ${k} exceeds min(rows, cols) = ${Math.min(n, m)}`);
  if (bpmf && (o.lambda !== undefined || o.biasLambda !== undefined)) {
    throw new LowrankError("INVALID_ARGUMENT", `complete: method "bpmf" draws its regularisation from the data; lambda and biasLambda are for "als"`);
  }
  if (!bpmf && o.burnIn !== undefined) throw new LowrankError("INVALID_ARGUMENT", `complete: burnIn is only for method "bpmf"`);
  if (!bpmf && o.noise !== undefined) throw new LowrankError("INVALID_ARGUMENT", `complete: noise is only for method "bpmf"`);
  const lambdaOpt = o.lambda ?? (als ? "auto" : 1e-10);
  if (lambdaOpt === "auto" && !als) throw new LowrankError("INVALID_ARGUMENT", `complete: lambda: "auto" is only for method "als"`);
  // Without clipping the bounds are the widest finite ones (a no-op on any finite prediction), so a model holds no Infinity.
  let lo = -Number.MAX_VALUE, hi = Number.MAX_VALUE;
  if (o.clip ?? (als || bpmf)) [lo, hi] = valueRange(obs.values);
  const settings: FitSettings = {
    method, k,
    maxIter: o.maxIter ?? (als ? 20 : bpmf ? bpmfSweeps(obs.values.length) : 100),
    tol: o.tol ?? (als ? 1e-5 : bpmf ? 0 : 1e-10),
    lambda: lambdaOpt === "auto" ? 0 : lambdaOpt, // "auto": replaced by selectLambda below
    biasLambda: o.biasLambda ?? 5,
    biases: (als || bpmf) && (o.biases ?? true),
    lo, hi,
    seed: o.seed ?? 0,
    burnIn: 0,
    noiseScales: bpmf && (o.noise ?? "scaled") === "scaled",
    sketchSize: o.sketchSize ?? 4 * k,
    sketch: o.sketch ?? "countsketch",
    innerTol: o.innerTol ?? 0.1,
    maxInner: o.maxInner ?? 10,
    incoherence: o.incoherence ?? 2,
    powerIters: o.powerIters,
    backend: o.backend,
    threads: o.threads,
    run,
    report: true,
  };
  if (bpmf) {
    if (o.burnIn !== undefined && o.burnIn >= settings.maxIter) {
      throw new LowrankError("INVALID_ARGUMENT", `complete: burnIn (${o.burnIn}) must be below maxIter (${settings.maxIter}): no sample would be kept`);
    }
    settings.burnIn = o.burnIn ?? Math.min(BPMF_BURN_IN, settings.maxIter - 1);
  }
  if (settings.sketchSize >= 2 ** 20) throw new LowrankError("INVALID_ARGUMENT", `complete: sketchSize must be below 2^20, got ${settings.sketchSize}`);
  if (settings.sketchSize <= k) throw new LowrankError("INVALID_ARGUMENT", `complete: sketchSize must exceed the rank (${k}), got ${settings.sketchSize}`);
  let validation: Observations | null = null;
  if (o.validation !== undefined) {
    validation = checkObservations(o.validation, "complete: validation", { allowEmpty: true, limit: true });
    if (validation.rows !== n || validation.cols !== m) {
      throw new LowrankError("SHAPE", `complete: validation is ${validation.rows} x ${validation.cols}, observations are ${n} x ${m}`);
    }
  }
  // Every array of the run, at its smallest, before anything is allocated (fit checks the exact sizes once indexed).
  checkRunSize(obs, validation, settings, 1);
  if (lambdaOpt === "auto") {
    const search = await selectLambda(obs, settings);
    return fit(obs, validation, { ...settings, lambda: search.lambda }, search.tried);
  }
  return fit(obs, validation, settings);
}

// Warm-up (docs/ARCHITECTURE.md, "The runtime"): each of init()'s rounds runs bpmf at the
// default rank (with the biases: the eight-wide kernels) twice for 20 sweeps on 120 ratings
// of a 20 x 15 matrix (the per-sweep code) and once for 10 sweeps on 1500 ratings of a 60 x 50
// matrix with a validation set (the per-fit passes over the ratings: index, scaling, range;
// the validation's), and in its first two rounds a short ALS fit with its lambda search, so
// that both paths run optimised from the first real call. The sweep is a function of its own
// (src/bpmf.ts), which V8 optimises after some hundreds of sweeps in a compile of about 20 ms;
// 40 or 60 sweeps a fit in place of 20 cost init() more and did not measurably help the
// first real fit.
const warmObs: ObservationsInput[] = [];
let warmAls = 0;
completionModule.warmCall(async () => {
  if (warmObs.length === 0) {
    // The third: the second's validation set (other positions of the same 60 x 50 grid).
    for (const [rows, cols, n, step] of [[20, 15, 120, 7], [60, 50, 1500, 7], [60, 50, 200, 11]]) {
      const rowIndex = new Int32Array(n), colIndex = new Int32Array(n), values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const q = (i * step) % (rows * cols);
        rowIndex[i] = Math.floor(q / cols);
        colIndex[i] = q % cols;
        values[i] = 1 + ((i * 13) % 9) / 2;
      }
      warmObs.push({ rows, cols, rowIndex, colIndex, values });
    }
  }
  await complete(warmObs[0], { maxIter: 20 });
  await complete(warmObs[0], { maxIter: 20 });
  await complete(warmObs[1], { maxIter: 10, validation: warmObs[2] });
  if (warmAls++ < 2) await complete(warmObs[0], { rank: 5, maxIter: 3, lambda: "auto" });
});
