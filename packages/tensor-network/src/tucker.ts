// Tucker decomposition: HOSVD and ST-HOSVD (De Lathauwer, De Moor, Vandewalle
// 2000; Vannieuwenhoven, Vandebril, Meerbergen 2012) and HOOI (De Lathauwer,
// De Moor, Vandewalle 2000, "On the best rank-1 and rank-(R1,...,RN)
// approximation", Alg. 4.2): options, checks, buffers and the choice of
// method; the steps are in hooi.ts, completion in tucker-completion.ts.
import { LowrankError, opt, Rng, type DenseMatrix, type Tensor } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { HOOI_MIN_SWEEPS, HOOI_TOL, hooiConverged, hooiSweep, project, randomFactors, stHosvd, type TuckerWork } from "./hooi.js";
import { modeBasis, modeBasisScratch } from "./mode-basis.js";
import { runSpace } from "./pooled.js";
import { tensorModule } from "./module.js";
import { norm2 } from "./tensor.js";
import { tuckerCompletion } from "./tucker-completion.js";
import { tuckerAuto } from "./completion-formats.js";
import { LAMBDA_OPTION, resolveRidge } from "./completion-lambda.js";
import { reconstruct } from "./reconstruct.js";
import type { CompletionChoice } from "./auto-completion.js";
import type { IterativeOptions, TuckerDecomposition, UnfoldingSvd, TensorLike, ThreadOptions } from "./types.js";
import { checkRanks, checkSizes, prod, RANKS, readOpts, readSweepInput, SEED, SWEEP_OPTIONS, UNFOLDING_SVD } from "./validate.js";
import { checkResult, scaled, scaleTensor, scanTensor } from "./scaling.js";
import { SCAN_PIECE } from "./kernels/scan.js";
import { castResult, RESULT_VERSION, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** Options of {@link tucker}. */
export interface TuckerOptions extends IterativeOptions, ThreadOptions {
  /** Multilinear rank: one number for every mode or one per mode (required without `mask`; with it, chosen when absent, see `tensorRing`). */
  rank?: number | number[];
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
  /**
   * With `mask`: ridge on the core, λ ‖core‖² added to the observed-entry
   * error (each imputation step's core is shrunk by 1 / (1 + λ); default 0).
   * In [0, 1e6], or `"auto"`: of 0.3, 0.1, 0.03, 0.01 and 0 (one fit each)
   * the one of least error on the observed entries of 10% of the last mode's
   * fibres held out, then the fit on all.
   */
  lambda?: number | "auto";
}

/** The options of {@link tucker}. */
const SCHEMA = {
  rank: RANKS,
  method: opt.oneOf(["hosvd", "st-hosvd", "hooi"] as const),
  init: opt.oneOf(["svd", "random"] as const),
  seed: SEED,
  unfoldingSvd: UNFOLDING_SVD,
  returnErrors: opt.boolean(),
  lambda: LAMBDA_OPTION,
  ...SWEEP_OPTIONS,
};

/** Result of {@link tucker}. */
export interface TuckerResult extends TuckerDecomposition {
  /** sqrt(|‖X‖² - ‖core‖²|) / ‖X‖ per sweep (with `mask`: ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖), when `returnErrors`. */
  errors?: number[];
  /** With `mask` and no `rank`: the model the hold-out chose. */
  completion?: CompletionChoice;
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
 * ABORTED. `dtype: "float32"` returns the core and factors as Float32Arrays
 * rounded from the f64 result.
 *
 * @example
 * const { core, factors, errors } = await tucker(X, { rank: [5, 5, 5], method: "hooi", returnErrors: true });
 */
export async function tucker<D extends Dtype = "float64">(input: TensorLike, opts: TuckerOptions & DtypeOption<D>): Promise<WithDtype<TuckerResult, D>>;
export async function tucker(input: TensorLike, opts: TuckerOptions & DtypeOption): Promise<TuckerResult | AsFloat32<TuckerResult>> {
  const o = readOpts("tucker", opts, SCHEMA);
  if (o.dtype === "float32") return castResult(await tucker(input, { ...opts, dtype: "float64" }), "float32", "tucker");
  if (o.mask !== undefined && o.rank === undefined) return tuckerAuto(input, opts);
  const { run, mask, X: X0, rank } = readSweepInput("tucker", input, o);
  let X: Tensor = X0;
  const shape = X.shape, N = shape.length, S = X.data.length;
  const r = checkRanks(rank, shape);
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
  // The ridge is relative (the core's scale cancels), so "auto" scores the ladder on X as given.
  const lambda = await resolveRidge("tucker", X, mask, o.lambda, seed, async (train, lam) => {
    const fit = await tucker(X, { ...opts, mask: train, lambda: lam, returnErrors: false, onProgress: undefined, dtype: "float64" });
    return reconstruct(fit, { backend: o.backend }).data;
  }, () => run.check());
  // A tensor of extreme magnitude is decomposed scaled by a power of two (exact); the core takes it back.
  // Without a mask the scale and the norm come from one pass over the workspace's copy (scanTensor, below).
  let scale = 0;
  if (mask) ({ X, scale } = scaleTensor(X, mask));

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
  // scanTensor's piece sums (taken and freed before anything else).
  scratch = Math.max(scratch, 2 * Math.ceil(S / SCAN_PIECE));
  checkSizes("tucker", S, 2 * chain, factorSize, scratch);
  const bytes = arenaBytes(S + 2 * chain + factorSize + 2 * Math.max(...r) + scratch, 0, 64 + 4 * N);
  let normX = mask ? norm2(X.data) : 0;
  const layout = (ws: Workspace<TensorKernels>): TuckerWork => ({
    ws, route, x: mask ? ws.copy(X.data) : ws.input(X.data), shape, r,
    U: shape.map((n, k) => ws.f64(n * r[k])), s: ws.f64(Math.max(...r)), bufA: ws.f64(chain), bufB: ws.f64(chain),
  });
  const errorOf = (core: Float64Array) => {
    const nc = norm2(core);
    return normX === 0 ? 0 : Math.sqrt(Math.abs(normX * normX - nc * nc)) / normX;
  };
  const errors: number[] = [];
  const done = (factorData: Float64Array[], core: Float64Array): TuckerResult => {
    const factors: DenseMatrix[] = factorData.map((data, k) => ({ rows: shape[k], cols: r[k], data }));
    const coreData = scaled(core, -scale);
    checkResult(coreData, "tucker", "the core");
    const result: TuckerResult = { kind: "tucker", version: RESULT_VERSION, core: { shape: r.slice(), data: coreData }, factors };
    if (o.returnErrors) result.errors = errors;
    return result;
  };

  // On the pool when it can take the run (pooled.ts); completion (mask) on one thread.
  const space = await runSpace(o.backend, mask ? 1 : o.threads, bytes, layout);
  try {
    const { ws, work: t } = space;
    if (!mask) ({ x: t.x, scale, norm: normX } = scanTensor(ws, t.x, X.data));
    let core: Float64Array;
    if (mask) {
      core = await tuckerCompletion(t, mask, { maxIter, tol, run, errors, lambda });
    } else if (method === "hosvd") {
      for (let k = 0; k < N; k++) {
        modeBasis(ws, { route, left: prod(shape, 0, k), n: shape[k], right: prod(shape, k + 1), X: t.x, r: r[k], U: t.U[k], s: t.s });
        await run.pause();
      }
      core = project(t, -1).data;
      errors.push(errorOf(core));
      run.check();
    } else {
      // Progress records count from 1: the start (ST-HOSVD) is record 1, HOOI sweep i is record i + 1.
      const afterSweep = (it: number, error: number) => run.step({ iteration: it + 1, error });
      if (init === "random") {
        randomFactors(t, new Rng(seed));
        core = t.bufA.subarray(0, rp); // replaced by the first sweep
      } else {
        core = stHosvd(t);
        errors.push(errorOf(core));
        if (method === "hooi") await afterSweep(0, errors[0]);
      }
      if (method === "hooi") {
        for (let it = 1; it <= maxIter; it++) {
          core = hooiSweep(t);
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
    return done(t.U.map((u) => ws.output(u)), ws.output(core));
  } finally {
    space.release();
  }
}

// Warm-up (docs/ARCHITECTURE.md, "The runtime"): init() repeats the default method
// (HOSVD) on a small tensor and HOOI on a smaller one (about ten sweeps to its
// tolerance), so that both paths run optimised from the first real call. The entries
// are sin(1 + i²/2): every unfolding has full rank, as a user's tensor (sin(1 + i) +
// cos(i / 7) has rank 4).
const warmT: Tensor[] = [];
tensorModule.warmCall(async () => {
  if (warmT.length === 0) {
    for (const n of [20, 12]) warmT.push({ shape: [n, n, n], data: Float64Array.from({ length: n ** 3 }, (_, i) => Math.sin(1 + (i * i) / 2)) });
  }
  // Each twice a round: the per-call JavaScript (the result's checks, the mode products' wrapper) reaches V8's
  // optimizing tier within the rounds of init() on one thread too (12 rounds; once a round left them for calls 2-32).
  for (let i = 0; i < 2; i++) {
    await tucker(warmT[0], { rank: [5, 5, 5] });
    await tucker(warmT[1], { rank: [3, 3, 3], method: "hooi" });
  }
});
