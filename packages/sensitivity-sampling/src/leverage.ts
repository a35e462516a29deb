// The public entry points of leverage scores: options, the plan of a run
// (method, sizes, arena bytes) and the synchronous, long-run and root forms.
// The passes themselves are in leverage-run.ts, the SRHT and the projection
// sizes in leverage-sketch.ts.
import { BACKEND, LongRun, LowrankError, opt, readOptions, type BackendOptions, type DenseMatrix, type OptionsOf } from "@lowrank/linalg";
import { arenaBytes, threadPool } from "@lowrank/linalg/internal";
import { defaultRcond } from "./basis.js";
import { fromRSize, scoresRun, type Plan } from "./leverage-run.js";
import { defaultProjections, nextPow2, SRHT_GROUP, srhtSize } from "./leverage-sketch.js";
import { sensitivityModule } from "./module.js";
import { runWorkspace } from "./run-workspace.js";
import { passRows, STACK_QR_MAX_D, STREAM_ROWS, streamedRSize } from "./stream.js";
import { checkEntries, drain, readMatrix, readP } from "./validate.js";
import { castResult, DTYPE, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** Options of {@link leverageScores}. */
export interface LeverageOptions extends BackendOptions {
  /** "qr" (default): exact, thin QR. "sketch": CountSketch + Gaussian projection, approximate. */
  method?: "qr" | "sketch";
  /** Seed of the sketch (default 0; "sketch" only). */
  seed?: number;
  /** The sketch S ("sketch" only): "countsketch" (default, one pass, O(nd)) or "srht" (subsampled randomized Hadamard, O(nd log n)). */
  sketch?: SketchKind;
  /** Rows m of SA (default: countsketch min(n, max(4d², 2d)); srht Tropp's size, see the README; "sketch" only). */
  sketchSize?: number;
  /**
   * Columns k of a Gaussian G, estimating ||a_iᵀ R⁻¹||² by ||a_iᵀ R⁻¹ G||² / k
   * (cost ndk instead of nd²/2; "sketch" only). Default ⌈ln n⌉ when that is
   * below d/2, else 0 (R⁻¹ applied exactly). Each row is then off by a further
   * χ²_k/k factor: see {@link projectionBounds}.
   */
  projections?: number;
  /** Singular values below rcond σ_max count as zero (default max(n, d) eps). */
  rcond?: number;
  /**
   * Threads to split the passes over A across, the calling thread included
   * (default: the pool's, set by `init({ threads })`; 1 runs on the calling
   * thread alone). The scores have the same bits for any count.
   */
  threads?: number;
}

/** The sketches {@link leverageScores} offers. */
export type SketchKind = "countsketch" | "srht";

/** Result of {@link leverageScores}. */
export interface LeverageResult {
  kind: "leverage-scores" | "root-leverage-scores";
  /** The layout version (1); a newer one is refused by `serialize`. */
  version: number;
  /** τ_i, one per row; exact scores sum to `rank`. */
  scores: Float64Array;
  /** Numerical rank of A (of SA for "sketch"). */
  rank: number;
}

/**
 * Statistical leverage scores τ_i = ||e_iᵀ U||² for an orthonormal basis U of
 * range(A), i.e. the diagonal of A (AᵀA)⁺ Aᵀ.
 *
 * "qr": R of A = Q R by the streamed structured Householder QR `stackQrR`
 * (A read once in cache-sized blocks, Q never formed), then a Jacobi SVD R = P Σ Vᵀ of the
 * small R for the numerical rank r (σ_j > rcond σ_max). Since Q = A R⁻¹,
 * τ_i = ||a_iᵀ R⁻¹||² (R⁻¹ upper triangular) when r = d, and
 * ||a_iᵀ V_r Σ_r⁻¹||² (= ||e_iᵀ Q P_r||², Q P_r a basis of range(A)) when A is
 * rank-deficient. Scores sum to r. Like every method, the relative error
 * grows as cond(A) eps. O(2nd² + nd² + d³). With threads (`threads`, or the
 * pool's count by default) R is folded over eight fixed lanes of row blocks
 * and the row norms split by rows, so the scores have the same bits for any
 * count; A up to 512 MiB is then copied into the pool's WASM memory once
 * (which keeps that size for later calls) rather than block by block.
 *
 * "sketch" (Drineas, Magdon-Ismail, Mahoney, Woodruff, JMLR 2012, Algorithm 1):
 * SA with m rows of a CountSketch (Clarkson and Woodruff, STOC 2013; one pass)
 * or an SRHT (`sketch: "srht"`), R from QR(SA) (plus its SVD, for the rank),
 * then τ̃_i = ||a_iᵀ R⁻¹ G||² / k in one pass, G a d x k Gaussian (k =
 * `projections`, default ⌈ln n⌉ when below d/2), or ||a_iᵀ R⁻¹||² for k = 0.
 * The factor: if S is a (1 ± ε) subspace embedding for range(A), then
 * ||a_iᵀ R⁻¹||² ∈ [τ_i / (1+ε)², τ_i / (1-ε)²] for every row at once, and the
 * projection multiplies each row by an independent χ²_k/k, within
 * {@link projectionBounds}(n, k, δ) for all rows with probability 1 - δ.
 * CountSketch with m rows gives ε ≤ √((d² + d)/(δ m)) with probability 1 - δ
 * (second moment and Markov); the SRHT at its default m (Tropp 2011) has the
 * singular values of S U in [0.40, 1.48], i.e. ||a_iᵀ R⁻¹||²/τ_i in
 * [0.45, 6.3], with probability 1 - O(1/d). Measured ranges: README.
 * O(nd + md² + ndk) (srht: O(nd log n + md² + ndk)); A is read in blocks
 * (2048 rows; about 200 KB for the CountSketch pass), never copied whole.
 *
 * A is read in any of linalg's matrix forms. Its finiteness is checked on R
 * (or SA), into which every entry is summed, not by an up-front scan; entries
 * near the ends of double range are handled by repeating the pass on A with
 * its columns scaled by powers of two (the scores do not change). Synchronous:
 * about 650 ms at 1e6 x 50 (exact, one thread) on the event loop; {@link leverageScoresAsync}
 * is the same computation as an abortable long run that yields.
 *
 * Errors: SHAPE, EMPTY, NON_FINITE (NaN or ±Infinity in A), TOO_LARGE (checked
 * before allocating), INVALID_ARGUMENT (bad or unknown option), NOT_INITIALIZED
 * (wasm on a thread that cannot compile synchronously, before `init()`).
 * `dtype: "float32"` returns the scores as a Float32Array rounded from the f64 result
 * (also for leverageScoresAsync and rootLeverageScores).
 *
 * @example
 * await init();
 * const { scores, rank } = leverageScores(A);                          // exact
 * const approx = leverageScores(A, { method: "sketch", seed: 1 }).scores; // fast
 */
export function leverageScores<D extends Dtype = "float64">(A: DenseMatrix, opts?: LeverageOptions & DtypeOption<D>): WithDtype<LeverageResult, D>;
export function leverageScores(A: DenseMatrix, opts: LeverageOptions & DtypeOption = {}): LeverageResult | AsFloat32<LeverageResult> {
  const o = readOptions("leverageScores", opts, LEVERAGE_OPTIONS);
  // Finiteness is checked on R or SA, into which every entry of A is summed (see scoresRun).
  const M = readMatrix(A, "A", { finite: false });
  const pl = plan("leverageScores", M, o, o.threads);
  return castResult(sensitivityModule.run(o.backend, pl.bytes, (ws) => drain(scoresRun(ws, M, pl)), o.threads), o.dtype, "leverageScores");
}

/** Options of {@link leverageScoresAsync}. */
export interface LeverageAsyncOptions extends LeverageOptions {
  /** Stops the run with ABORTED (checked before any work and between row blocks). */
  signal?: AbortSignal;
  /** Called after every row block of every pass over A; `iteration` counts the blocks (2048 rows each, 256-2048 for the CountSketch pass). */
  onProgress?: (record: { iteration: number }) => void;
}

/**
 * {@link leverageScores} as a long run: the same computation with the same
 * results bit for bit, yielding to the event loop between row blocks (with
 * threads, between groups of 8 blocks split over the pool, whose instance the
 * run holds throughout; otherwise on a private instance) and stopping with
 * ABORTED when `signal` fires. For inputs large enough that the synchronous
 * form would hold the event loop (about 650 ms at 1e6 x 50, exact).
 *
 * Errors: those of {@link leverageScores}, ABORTED.
 *
 * @example
 * const { scores } = await leverageScoresAsync(A, { signal: controller.signal });
 */
export async function leverageScoresAsync<D extends Dtype = "float64">(A: DenseMatrix, opts?: LeverageAsyncOptions & DtypeOption<D>): Promise<WithDtype<LeverageResult, D>>;
export async function leverageScoresAsync(A: DenseMatrix, opts: LeverageAsyncOptions & DtypeOption = {}): Promise<LeverageResult | AsFloat32<LeverageResult>> {
  const o = readOptions("leverageScoresAsync", opts, ASYNC_OPTIONS);
  const run = new LongRun("leverageScoresAsync", o);
  const M = readMatrix(A, "A", { finite: false });
  // The streamed passes (never A whole: plan with one thread), on the pool when it can take the run.
  const pl = plan("leverageScoresAsync", M, o, 1);
  const { ws, release } = await runWorkspace(o.backend, pl.bytes, o.threads);
  try {
    run.check();
    const g = scoresRun(ws, M, pl);
    for (let iteration = 1; ; iteration++) {
      const r = g.next();
      if (r.done) return castResult(r.value, o.dtype, "leverageScoresAsync");
      await run.step({ iteration });
    }
  } finally {
    release();
  }
}

const COMMON_OPTIONS = {
  backend: BACKEND,
  method: opt.oneOf(["qr", "sketch"] as const),
  seed: opt.seed(),
  sketch: opt.oneOf(["countsketch", "srht"] as const),
  sketchSize: opt.int({ min: 1 }),
  projections: opt.int({ min: 0 }),
  rcond: opt.number({ min: 0 }),
  dtype: DTYPE,
};

const LEVERAGE_OPTIONS = { ...COMMON_OPTIONS, threads: opt.int({ min: 1, max: 64 }) };

const ASYNC_OPTIONS = {
  ...LEVERAGE_OPTIONS,
  signal: opt.signal(),
  onProgress: opt.func<(record: { iteration: number }) => void>(),
};

/**
 * Reads the method's parameters (defaults applied) and sizes the run, refusing sizes that cannot be allocated.
 * Exact scores where the pool may take the run (`threads` not 1) also reserve A whole and its n scores (A up to
 * 512 MiB: the pool's shared memory keeps what a run grew it to, so larger A streams in blocks as on one thread).
 */
function plan(fn: string, A: DenseMatrix, o: OptionsOf<typeof COMMON_OPTIONS>, threads: number | undefined): Plan {
  const n = A.rows, d = A.cols;
  const rcond = o.rcond ?? defaultRcond(n, d);
  if ((o.method ?? "qr") === "qr") {
    const whole = o.backend !== "js" && poolCanTake(threads) && n > STREAM_ROWS && d <= STACK_QR_MAX_D && n * d <= 2 ** 26;
    // The last stage twice: see scoresRun.
    const f64s = checkEntries(2 * n + d * d + streamedRSize(d, n) + 2 * d + 2 * fromRSize(d, 0, n) + (whole ? n * d + n : 0), fn);
    return { sketch: null, m: 0, k: 0, rcond, seed: 0, bytes: arenaBytes(f64s, 0, whole ? 42 : 40), whole };
  }
  const kind = o.sketch ?? "countsketch";
  const srht = kind === "srht";
  const m = o.sketchSize ?? (srht ? srhtSize(n, d) : Math.min(n, Math.max(4 * d * d, 2 * d)));
  if (srht && m > nextPow2(n)) throw new LowrankError("INVALID_ARGUMENT", `${fn}: an SRHT samples at most 2^⌈log2 n⌉ = ${nextPow2(n)} rows, got sketchSize ${m}`);
  const k = o.projections ?? defaultProjections(n, d);
  const sketchBytes = srht ? n * d + n + m + nextPow2(n) * SRHT_GROUP : passRows(n) * (d + 1);
  const f64s = checkEntries(2 * n + m * d + d * d + 2 * d + sketchBytes + 2 * (fromRSize(d, k, n) + d * k), fn);
  return { sketch: kind, m, k, rcond, seed: o.seed ?? 0, bytes: arenaBytes(f64s, 1, 56), whole: false };
}

/**
 * Whether the pool will take a synchronous run now (as linalg's threadedInstance decides): a pool of 2 or
 * more threads, free, `threads` not 1, and a calling thread that may block (Node, or any worker; not a
 * browser's main thread). Otherwise the run is on one thread and reserving A whole would only grow memory.
 */
function poolCanTake(threads: number | undefined): boolean {
  const pool = threadPool();
  if (!pool || threads === 1 || pool.threads < 2 || pool.running || pool.arena.used > 0) return false;
  const g = globalThis as { process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown; document?: unknown };
  return !!g.process?.versions?.node || (g.WorkerGlobalScope !== undefined && g.document === undefined);
}

/**
 * Root leverage scores τ_i^(p/2), the sampling scores of Woodruff and Yasuda
 * (ICML 2023) for l_p subspace embeddings with p < 2. Same options and cost
 * as {@link leverageScores}; `rank` is that of A.
 *
 * @example
 * await init();
 * const { scores } = rootLeverageScores(A, 1); // √τ_i
 */
export function rootLeverageScores<D extends Dtype = "float64">(A: DenseMatrix, p: number, opts?: LeverageOptions & DtypeOption<D>): WithDtype<LeverageResult, D>;
export function rootLeverageScores(A: DenseMatrix, p: number, opts: LeverageOptions & DtypeOption = {}): LeverageResult | AsFloat32<LeverageResult> {
  readP(p, "rootLeverageScores");
  const o = readOptions("rootLeverageScores", opts, LEVERAGE_OPTIONS);
  const M = readMatrix(A, "A", { finite: false });
  const pl = plan("rootLeverageScores", M, o, o.threads);
  const res = sensitivityModule.run(o.backend, pl.bytes, (ws) => drain(scoresRun(ws, M, pl)), o.threads);
  const h = p / 2;
  for (let i = 0; i < res.scores.length; i++) {
    const v = Math.pow(res.scores[i], h);
    // Exact scores are at most 1 (up to rounding), sketched estimates may exceed it: at a huge p the power overflows.
    if (v === Infinity) throw new LowrankError("NON_FINITE", `rootLeverageScores: score ${i} = ${res.scores[i]} to the power p/2 = ${h} overflows double precision`);
    res.scores[i] = v;
  }
  res.kind = "root-leverage-scores";
  return castResult(res, o.dtype, "rootLeverageScores");
}

// Warm-up (docs/ARCHITECTURE.md, "The runtime"): init() repeats exact scores of two
// small tall matrices, one streamed in blocks and one taller than a block (which the
// pool takes whole), so that both paths run optimised from the first real call. The
// entries are sin(1 + i²/2): full rank, as a user's matrix (sin(1 + i) has rank 2).
const warmA: DenseMatrix[] = [];
sensitivityModule.warmCall(() => {
  if (warmA.length === 0) {
    for (const [n, d] of [[1000, 20], [STREAM_ROWS + 64, 8]]) warmA.push({ rows: n, cols: d, data: Float64Array.from({ length: n * d }, (_, i) => Math.sin(1 + (i * i) / 2)) });
  }
  // The first three times a round: its per-call JavaScript (the triangle's SVD) and kernels run
  // once per call, and reach V8's optimizing tiers after about 50 calls.
  for (let i = 0; i < 3; i++) leverageScores(warmA[0]);
  leverageScores(warmA[1]);
});
