// Tucker decomposition: HOSVD and ST-HOSVD (De Lathauwer, De Moor, Vandewalle
// 2000; Vannieuwenhoven, Vandebril, Meerbergen 2012) and HOOI (De Lathauwer,
// De Moor, Vandewalle 2000, "On the best rank-1 and rank-(R1,...,RN)
// approximation", Alg. 4.2).
import { arenaBytes, BACKEND, LONG_RUN, LongRun, LowrankError, opt, Rng, type DenseMatrix, type OptionCheck, type Tensor, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels/index.js";
import { fillWithMean, refill } from "./impute.js";
import { modeBasis, modeBasisScratch } from "./mode-basis.js";
import { tensorModule } from "./module.js";
import { norm2 } from "./tensor.js";
import type { IterativeOptions, TuckerDecomposition, UnfoldingSvd, TensorLike } from "./types.js";
import {
  atRoundingLevel, checkRanks, checkResult, checkSizes, MASK, prod, RANKS, readMaskedTensor, readOpts, readTensor, scaled, scaleTensor, SEED,
  UNFOLDING_SVD,
} from "./validate.js";

const EPS = 2.220446049250313e-16;

/** HOOI's default `tol`: TensorLy's tucker default (10e-5). */
export const HOOI_TOL = 1e-4;
/** Sweeps HOOI always runs (when maxIter allows): TensorLy tests for convergence from its third sweep on. */
export const HOOI_MIN_SWEEPS = 3;

/**
 * HOOI's stopping test after a sweep, on the relative error e = ‖X - X̂‖ / ‖X‖
 * (so on the fit 1 - e): stop when |e_prev - e| < tol, as TensorLy does.
 * The squared error ‖X‖² - ‖core‖² is known to about eps ‖X‖² only, so a
 * change of e² below 16 N eps is rounding and stops the run too. `tol: 0`
 * never stops: the run makes exactly `maxIter` sweeps.
 */
export function hooiConverged(prev: number, err: number, tol: number, N: number): boolean {
  return tol > 0 && (Math.abs(prev - err) < tol || Math.abs(prev * prev - err * err) < 16 * N * EPS);
}

/** Options of {@link tucker}. */
export interface TuckerOptions extends IterativeOptions {
  /** Multilinear rank: one number for every mode or one per mode (required). */
  rank: number | number[];
  /** `hosvd` (default), `st-hosvd` (sequentially truncated) or `hooi` (iterated from ST-HOSVD). */
  method?: "hosvd" | "st-hosvd" | "hooi";
  /**
   * HOOI's start: `svd` (default, ST-HOSVD) or `random` (orthonormalised
   * Gaussian factors, as TensorLy's `init="random"`; HOOI only, no mask).
   */
  init?: "svd" | "random";
  /** Seed of the random start (default 0). */
  seed?: number;
  /** Route to the leading singular vectors of each unfolding (default `gram`). */
  unfoldingSvd?: UnfoldingSvd;
  /** Also return the relative error after each sweep (one entry for hosvd / st-hosvd). */
  returnErrors?: boolean;
  /**
   * Observed entries (nonzero / true), one per tensor entry: Tucker with
   * missing data by imputation (ST-HOSVD then HOOI sweeps on the tensor
   * filled from the current reconstruction). Unobserved entries of X may
   * hold anything, NaN included; `method` is ignored.
   */
  mask?: ArrayLike<number | boolean>;
}

/** The options of {@link tucker}. */
const SCHEMA = {
  rank: RANKS,
  method: opt.oneOf(["hosvd", "st-hosvd", "hooi"] as const),
  init: opt.oneOf(["svd", "random"] as const),
  seed: SEED,
  unfoldingSvd: UNFOLDING_SVD,
  returnErrors: opt.boolean(),
  mask: MASK,
  ...LONG_RUN,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: { iteration: number; error: number }) => void>,
  backend: BACKEND,
};

/** Result of {@link tucker}. */
export interface TuckerResult extends TuckerDecomposition {
  /** sqrt(|‖X‖² - ‖core‖²|) / ‖X‖ per sweep (with `mask`: ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖), when `returnErrors`. */
  errors?: number[];
}

/**
 * Tucker decomposition X ≈ core ×_1 U_1 ... ×_N U_N with orthonormal factors
 * U_n (I_n x r_n), TensorLy's vocabulary.
 *
 * - `hosvd`: U_n = leading r_n left singular vectors of each unfolding of X,
 *   core = X ×_n U_nᵀ. Quasi-optimal: error <= sqrt(N) times the best.
 * - `st-hosvd`: the same, but X is truncated mode by mode as it goes
 *   (Y ← Y ×_n U_nᵀ), so later unfoldings are smaller; same bound, less work.
 * - `hooi`: from the ST-HOSVD factors (or random orthonormal ones with
 *   `init: "random"`), each sweep sets U_n to the leading
 *   vectors of X ×_{k≠n} U_kᵀ, which never increases the error. TensorLy's
 *   stopping rule: from the third sweep on, it stops when the relative error
 *   changes by less than `tol` (default 1e-4, TensorLy's) between sweeps, or
 *   its square by less than 16 N eps (rounding level of the error formula);
 *   else after `maxIter` (default 50) sweeps; `tol: 0` runs exactly `maxIter`.
 *
 * Errors are sqrt(|‖X‖² - ‖core‖²|)/‖X‖, exact for orthonormal factors and
 * core = X ×_n U_nᵀ (the error is then a projection residual), but its
 * cancellation cannot resolve errors below about 1e-8; compute
 * `relativeError(X, reconstruct(result))` for smaller ones.
 * With `mask`: Tucker with missing entries by imputation (EM): missing
 * entries start at the observed mean; each iteration runs a Tucker step on
 * the filled tensor (ST-HOSVD, then one HOOI sweep per iteration) and
 * refills the missing entries from the reconstruction; `errors` are then
 * ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖ and it stops when they change by less than
 * `tol` (default 1e-10) or after `maxIter` (default 50) iterations; each
 * iteration also costs one reconstruction, O(size Σ r).
 * Cost per mode (Gram route): O(size I_n + I_n³); a HOOI sweep
 * O(N size r + Σ I_n³) (or the Jacobi route's O(I_n P_n²), P_n = Π_{k≠n} r_k).
 * Errors: SHAPE (also a mask of the wrong length), EMPTY (also a mask with
 * nothing observed), NON_FINITE (observed entries), TOO_LARGE, RANK (r_n >
 * I_n or r_n greater than the product of the other ranks), INVALID_ARGUMENT,
 * ABORTED.
 *
 * @example
 * const { core, factors, errors } = await tucker(X, { rank: [5, 5, 5], method: "hooi", returnErrors: true });
 */
export async function tucker(input: TensorLike, opts: TuckerOptions): Promise<TuckerResult> {
  const o = readOpts("tucker", opts, SCHEMA);
  const run = new LongRun<{ iteration: number; error: number }>("tucker", { onProgress: o.onProgress, signal: o.signal });
  if (o.rank === undefined) throw new LowrankError("INVALID_ARGUMENT", "tucker: opts.rank is required");
  let mask: Uint8Array | null = null;
  let X: Tensor;
  if (o.mask !== undefined) ({ X, mask } = readMaskedTensor(input, o.mask, "X"));
  else X = readTensor(input, "X");
  const shape = X.shape, N = shape.length, S = X.data.length;
  const r = checkRanks(o.rank, shape);
  const rp = prod(r);
  for (let k = 0; k < N; k++) {
    if (r[k] > rp / r[k]) {
      throw new LowrankError("RANK", `rank[${k}] = ${r[k]} exceeds the product of the other ranks (${rp / r[k]}); no tensor has that multilinear rank`);
    }
  }
  const method = o.method ?? "hosvd";
  const route = o.unfoldingSvd ?? "gram";
  // HOOI's default tolerance is TensorLy's (1e-4 on the change of the relative error); the
  // imputation loop keeps its own (1e-10).
  const maxIter = o.maxIter ?? 50, tol = o.tol ?? (mask ? 1e-10 : HOOI_TOL);
  const init = o.init ?? "svd";
  if (init === "random" && (method !== "hooi" || mask)) {
    throw new LowrankError("INVALID_ARGUMENT", 'tucker: init "random" is for method "hooi" without a mask');
  }
  const seed = o.seed ?? 0;
  // A tensor of extreme magnitude is decomposed scaled by a power of two (exact); the core takes it back.
  const { X: Xs, scale } = scaleTensor(X, mask);
  X = Xs;

  // Buffers: the input, two ping-pong buffers for chains of mode products
  // (the first product of a chain is the largest), the factors, and the
  // largest scratch any mode basis needs.
  let chain = 0, scratch = 0;
  for (let k = 0, st = S; k < N; k++) {
    // With a mask the buffers also hold the full reconstruction.
    chain = Math.max(chain, (S / shape[k]) * r[k], mask ? S : 0);
    // Unfoldings of X (hosvd), of the partly truncated tensor (st-hosvd), of X ×_{j≠k} U_jᵀ (hooi).
    const sizes = [S / shape[k], st / shape[k], rp / r[k]];
    for (const J of sizes) scratch = Math.max(scratch, modeBasisScratch(route, shape[k], J));
    st = (st / shape[k]) * r[k];
  }
  const factorSize = shape.reduce((a, n, k) => a + n * r[k], 0);
  // The random start orthonormalises a Gaussian I_n x r_n block per mode (QR scratch, freed after).
  if (init === "random") scratch = Math.max(scratch, ...shape.map((n, k) => n * r[k] + 2 * r[k]));
  checkSizes("tucker", S, 2 * chain, factorSize, scratch);
  const bytes = arenaBytes(S + 2 * chain + factorSize + 2 * Math.max(...r) + scratch, 0, 64 + 4 * N);
  const ws = await tensorModule.workspace(o.backend, bytes);
  const x = mask ? ws.copy(X.data) : ws.input(X.data);
  const normX = norm2(X.data);
  const U = shape.map((n, k) => ws.f64(n * r[k]));
  const s = ws.f64(Math.max(...r));
  const bufA = ws.f64(chain), bufB = ws.f64(chain);
  const errorOf = (core: Float64Array) => {
    const nc = norm2(core);
    return normX === 0 ? 0 : Math.sqrt(Math.abs(normX * normX - nc * nc)) / normX;
  };

  let core: Float64Array;
  const errors: number[] = [];
  if (mask) {
    core = await imputeLoop(ws, route, x, mask, shape, r, U, s, bufA, bufB, maxIter, tol, run, errors);
  } else if (method === "hosvd") {
    for (let k = 0; k < N; k++) {
      modeBasis(ws, route, prod(shape, 0, k), shape[k], prod(shape, k + 1), x, r[k], U[k], s);
      await run.pause();
    }
    core = project(ws, x, shape, U, r, -1, bufA, bufB).data;
    errors.push(errorOf(core));
    run.check();
  } else {
    // Progress records count from 1: the start (ST-HOSVD) is record 1, HOOI sweep i is record i + 1.
    const afterSweep = (it: number, error: number) => run.step({ iteration: it + 1, error });
    if (init === "random") {
      randomFactors(ws, shape, r, U, new Rng(seed));
      core = bufA; // replaced by the first sweep
    } else {
      core = stHosvd(ws, route, x, shape, r, U, s, bufA, bufB);
      errors.push(errorOf(core));
      if (method === "hooi") await afterSweep(0, errors[0]);
    }
    if (method === "hooi") {
      for (let it = 1; it <= maxIter; it++) {
        core = hooiSweep(ws, route, x, shape, r, U, s, bufA, bufB);
        const err = errorOf(core);
        const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
        errors.push(err);
        await afterSweep(it, err);
        if (it >= HOOI_MIN_SWEEPS && hooiConverged(prev, err, tol, N)) break;
      }
    } else {
      run.check();
    }
  }
  const factors: DenseMatrix[] = U.map((u, k) => ({ rows: shape[k], cols: r[k], data: ws.output(u) }));
  const coreData = scaled(ws.output(core), -scale);
  checkResult(coreData, "tucker", "the core");
  const result: TuckerResult = { kind: "tucker", core: { shape: r.slice(), data: coreData }, factors };
  if (o.returnErrors) result.errors = errors;
  return result;
}

/**
 * X ×_k U_kᵀ over every mode k except `skip` (-1: all modes), as a chain of
 * mode products alternating between bufA and bufB. O(size r) for the first
 * product, less for the rest.
 */
function project(
  ws: Workspace<TensorKernels>, x: Float64Array, shape: number[], U: Float64Array[], r: number[],
  skip: number, bufA: Float64Array, bufB: Float64Array,
): { data: Float64Array; shape: number[] } {
  let cur = x;
  const dims = shape.slice();
  for (let k = 0; k < shape.length; k++) {
    if (k === skip) continue;
    const left = prod(dims, 0, k), right = prod(dims, k + 1);
    const out = cur === bufA ? bufB : bufA;
    ws.kernels.modeProduct(true, left, dims[k], right, r[k], cur, U[k], r[k], out);
    dims[k] = r[k];
    cur = out;
  }
  return { data: cur.subarray(0, prod(dims)), shape: dims };
}

/** ST-HOSVD (Vannieuwenhoven et al. 2012, Alg. 1): truncate mode k before computing mode k + 1. Returns the core. */
function stHosvd(
  ws: Workspace<TensorKernels>, route: UnfoldingSvd, x: Float64Array, shape: number[], r: number[],
  U: Float64Array[], s: Float64Array, bufA: Float64Array, bufB: Float64Array,
): Float64Array {
  let cur = x;
  const dims = shape.slice();
  for (let k = 0; k < shape.length; k++) {
    const left = prod(dims, 0, k), right = prod(dims, k + 1);
    modeBasis(ws, route, left, dims[k], right, cur, r[k], U[k], s);
    const out = cur === bufA ? bufB : bufA;
    ws.kernels.modeProduct(true, left, dims[k], right, r[k], cur, U[k], r[k], out);
    dims[k] = r[k];
    cur = out;
  }
  return cur.subarray(0, prod(r));
}

/**
 * One HOOI sweep (De Lathauwer et al. 2000, Alg. 4.2): for each mode n,
 * U_n = leading vectors of (X ×_{k≠n} U_kᵀ)_(n). Returns the core X ×_n U_nᵀ.
 */
function hooiSweep(
  ws: Workspace<TensorKernels>, route: UnfoldingSvd, x: Float64Array, shape: number[], r: number[],
  U: Float64Array[], s: Float64Array, bufA: Float64Array, bufB: Float64Array,
): Float64Array {
  const N = shape.length;
  let core = bufA;
  for (let n = 0; n < N; n++) {
    const Y = project(ws, x, shape, U, r, n, bufA, bufB);
    modeBasis(ws, route, prod(Y.shape, 0, n), shape[n], prod(Y.shape, n + 1), Y.data, r[n], U[n], s);
    if (n === N - 1) {
      // Y is a view of one of the two buffers (not the buffer itself): the core goes in the other.
      core = startsAt(Y.data, bufA) ? bufB : bufA;
      ws.kernels.modeProduct(true, prod(Y.shape, 0, n), shape[n], 1, r[n], Y.data, U[n], r[n], core);
    }
  }
  return core.subarray(0, prod(r));
}

/**
 * Tucker with missing entries by imputation (the EM scheme of TensorLy's
 * masked tucker): fill the missing entries with the mean of the observed
 * ones, then alternate a Tucker step on the filled tensor (ST-HOSVD first,
 * HOOI sweeps after) with refilling the missing entries from the
 * reconstruction. `errors` receives ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖ per
 * iteration. Works in place on x (the filled tensor). Returns the core.
 */
async function imputeLoop(
  ws: Workspace<TensorKernels>, route: UnfoldingSvd, x: Float64Array, mask: Uint8Array, shape: number[], r: number[],
  U: Float64Array[], s: Float64Array, bufA: Float64Array, bufB: Float64Array,
  maxIter: number, tol: number, run: LongRun<{ iteration: number; error: number }>, errors: number[],
): Promise<Float64Array> {
  const observedNorm2 = fillWithMean(x, mask);
  let core = stHosvd(ws, route, x, shape, r, U, s, bufA, bufB);
  for (let it = 0; it <= maxIter; it++) {
    if (it > 0) core = hooiSweep(ws, route, x, shape, r, U, s, bufA, bufB);
    // X̂ = core ×_1 U_1 ... ×_N U_N, in bufA/bufB (the core is consumed by the first product).
    let cur = core;
    const dims = r.slice();
    for (let k = 0; k < shape.length; k++) {
      const out = startsAt(cur, bufA) ? bufB : bufA;
      ws.kernels.modeProduct(false, prod(dims, 0, k), r[k], prod(dims, k + 1), shape[k], cur, U[k], r[k], out);
      dims[k] = shape[k];
      cur = out;
    }
    const err = refill(x, cur, mask, observedNorm2);
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await run.step({ iteration: it + 1, error: err });
    if (Math.abs(prev - err) < tol || atRoundingLevel(err, tol, shape.length)) break;
  }
  // The last refill changed x after the core was formed: recompute it so core and factors match X̂.
  return project(ws, x, shape, U, r, -1, bufA, bufB).data;
}

/** Whether `view` starts where `buf` does (on wasm every view shares one buffer). */
function startsAt(view: Float64Array, buf: Float64Array): boolean {
  return view.buffer === buf.buffer && view.byteOffset === buf.byteOffset;
}

/** U_n = Q of the QR of a Gaussian I_n x r_n matrix: random orthonormal factors for HOOI's random start. */
function randomFactors(ws: Workspace<TensorKernels>, shape: number[], r: number[], U: Float64Array[], rng: Rng): void {
  const K = ws.kernels;
  shape.forEach((n, k) =>
    ws.scoped(() => {
      const a = ws.f64(n * r[k]), tau = ws.f64(r[k]), work = ws.f64(r[k]);
      K.rngFill(rng, a, true);
      K.householderQr(n, r[k], a, r[k], tau, work);
      K.householderQ(n, r[k], a, r[k], tau, U[k], r[k], work);
    }),
  );
}
