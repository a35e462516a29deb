import {
  arenaBytes, BACKEND, JsWorkspace, LongRun, LowrankError, opt, readOptions, Rng,
  type BackendOptions, type DenseMatrix, type OptionsOf, type Workspace,
} from "@lowrank/linalg";
import { defaultRcond, triangleSvd, type TriangleSvd } from "./basis.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { sensitivityModule } from "./module.js";
import { rowBlocks, sketchBlockRows, STREAM_ROWS, streamedRSteps, streamedRSize, streamScratch } from "./stream.js";
import { checkEntries, checkFiniteResult, drain, readInt, readMatrix, readP, rInRange, scaledCopy } from "./validate.js";

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
}

/** The sketches {@link leverageScores} offers. */
export type SketchKind = "countsketch" | "srht";

/** Result of {@link leverageScores}. */
export interface LeverageResult {
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
 * grows as cond(A) eps. O(2nd² + nd² + d³).
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
 * about 650 ms at 1e6 x 50 (exact) on the event loop; {@link leverageScoresAsync}
 * is the same computation as an abortable long run that yields.
 *
 * Errors: SHAPE, EMPTY, NON_FINITE (NaN or ±Infinity in A), TOO_LARGE (checked
 * before allocating), INVALID_ARGUMENT (bad or unknown option), NOT_INITIALIZED
 * (wasm on a thread that cannot compile synchronously, before `init()`).
 *
 * @example
 * await init();
 * const { scores, rank } = leverageScores(A);                          // exact
 * const approx = leverageScores(A, { method: "sketch", seed: 1 }).scores; // fast
 */
export function leverageScores(A: DenseMatrix, opts: LeverageOptions = {}): LeverageResult {
  const o = readOptions("leverageScores", opts, LEVERAGE_OPTIONS);
  // Finiteness is checked on R or SA, into which every entry of A is summed (see scoresRun).
  const M = readMatrix(A, "A", { finite: false });
  const pl = plan("leverageScores", M, o);
  return sensitivityModule.run(o.backend, pl.bytes, (ws) => drain(scoresRun(ws, M, pl)));
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
 * results bit for bit, on a private instance of the module, yielding to the
 * event loop at least every 25 ms (between row blocks) and stopping with
 * ABORTED when `signal` fires. For inputs large enough that the synchronous
 * form would hold the event loop (about 650 ms at 1e6 x 50, exact).
 *
 * Errors: those of {@link leverageScores}, ABORTED.
 *
 * @example
 * const { scores } = await leverageScoresAsync(A, { signal: controller.signal });
 */
export async function leverageScoresAsync(A: DenseMatrix, opts: LeverageAsyncOptions = {}): Promise<LeverageResult> {
  const o = readOptions("leverageScoresAsync", opts, ASYNC_OPTIONS);
  const run = new LongRun("leverageScoresAsync", o);
  const M = readMatrix(A, "A", { finite: false });
  const pl = plan("leverageScoresAsync", M, o);
  const ws = await sensitivityModule.workspace(o.backend, pl.bytes);
  run.check();
  const g = scoresRun(ws, M, pl);
  for (let iteration = 1; ; iteration++) {
    const r = g.next();
    if (r.done) return r.value;
    await run.step({ iteration });
  }
}

const LEVERAGE_OPTIONS = {
  backend: BACKEND,
  method: opt.oneOf(["qr", "sketch"] as const),
  seed: opt.seed(),
  sketch: opt.oneOf(["countsketch", "srht"] as const),
  sketchSize: opt.int({ min: 1 }),
  projections: opt.int({ min: 0 }),
  rcond: opt.number({ min: 0 }),
};

const ASYNC_OPTIONS = {
  ...LEVERAGE_OPTIONS,
  signal: opt.signal(),
  onProgress: opt.func<(record: { iteration: number }) => void>(),
};

/** What a leverage-score run does and the arena bytes it reserves. */
interface Plan {
  sketch: SketchKind | null;
  m: number;
  k: number;
  rcond: number;
  seed: number;
  bytes: number;
}

/** Reads the method's parameters (defaults applied) and sizes the run, refusing sizes that cannot be allocated. */
function plan(fn: string, A: DenseMatrix, o: OptionsOf<typeof LEVERAGE_OPTIONS>): Plan {
  const n = A.rows, d = A.cols;
  const rcond = o.rcond ?? defaultRcond(n, d);
  if ((o.method ?? "qr") === "qr") {
    // The last stage twice: see scoresRun.
    const f64s = checkEntries(2 * n + d * d + streamedRSize(d) + STREAM_ROWS * d + 2 * d + 2 * fromRSize(d, 0), fn);
    return { sketch: null, m: 0, k: 0, rcond, seed: 0, bytes: arenaBytes(f64s, 0, 40) };
  }
  const kind = o.sketch ?? "countsketch";
  const srht = kind === "srht";
  const m = o.sketchSize ?? (srht ? srhtSize(n, d) : Math.min(n, Math.max(4 * d * d, 2 * d)));
  if (srht && m > nextPow2(n)) throw new LowrankError("INVALID_ARGUMENT", `${fn}: an SRHT samples at most 2^⌈log2 n⌉ = ${nextPow2(n)} rows, got sketchSize ${m}`);
  const k = o.projections ?? defaultProjections(n, d);
  const sketchBytes = srht ? n * d + n + m + nextPow2(n) * SRHT_GROUP : STREAM_ROWS * (d + 1);
  const f64s = checkEntries(2 * n + m * d + d * d + 2 * d + sketchBytes + STREAM_ROWS * d + 2 * (fromRSize(d, k) + d * k), fn);
  return { sketch: kind, m, k, rcond, seed: o.seed ?? 0, bytes: arenaBytes(f64s, 1, 56) };
}

/**
 * The scores, yielding after every row block. If R (exact) or the R of SA
 * (sketched) shows a column of A outside [2^-400, 2^400] (or a NaN or
 * ±Infinity: NON_FINITE), the pass is repeated on a copy of A with those
 * columns scaled by powers of two (leverage scores do not change under column
 * scaling; see validate.ts), so entries near the ends of double range give
 * the scores instead of an overflow. A sketch can hide such a column (huge
 * entries cancelling in a bucket), so scores that come out non-finite get the
 * same repeat. The arrays of the passes are reused; only the small ones of
 * the last stage are taken again (the reservation counts them twice).
 */
function* scoresRun(ws: Workspace<SensitivityKernels>, A: DenseMatrix, pl: Plan): Generator<void, LeverageResult, void> {
  const n = A.rows, d = A.cols;
  const K = ws.kernels;
  let used = A, rescaled = false;
  /** Switches to the column-scaled copy of A; false when no column needs scaling. */
  const rescale = (): boolean => {
    const S = scaledCopy(used, "A");
    if (S === used) return false;
    used = S;
    rescaled = true;
    return true;
  };
  const R = ws.f64(d * d);
  const finish = function* (k: number, rng: Rng | null): Generator<void, LeverageResult, void> {
    const svd = triangleSvd(ws, d, d, R, pl.rcond);
    const out = scoresArray(ws, n);
    yield* scoresFromR(ws, used, R, svd, k, rng, out);
    return { scores: scoresResult(ws, out), rank: svd.rank };
  };
  let res: LeverageResult;
  if (pl.sketch === null) {
    // R by the chunked QR over row blocks (A is read once; no Q is formed), then τ_i = ||a_iᵀ R⁺||² in a second pass.
    const sc = streamScratch(ws, d);
    yield* streamedRSteps(K, used, R, sc);
    if (!rInRange(R, d) && rescale()) yield* streamedRSteps(K, used, R, sc);
    checkFiniteResult(R, "A");
    res = yield* finish(0, null);
    if (!finite(res.scores) && !rescaled && rescale()) {
      yield* streamedRSteps(K, used, R, sc);
      checkFiniteResult(R, "A");
      res = yield* finish(0, null);
    }
  } else {
    const { m, k } = pl;
    const SA = ws.f64(m * d);
    const srht = pl.sketch === "srht" ? srhtScratch(ws, A, m) : null;
    const bs = sketchBlockRows(d), buf = srht ? null : ws.f64(bs * d);
    const g = ws.f64(2 * d);
    let rng = new Rng(pl.seed), first = true;
    // SA (one CountSketch pass over row blocks, the uniforms drawn row by row inside the kernel, or the SRHT), then its R.
    const sketchR = function* (): Generator<void, boolean, void> {
      if (!first) {
        rng = new Rng(pl.seed);
        SA.fill(0);
        srht?.load(used);
      }
      first = false;
      if (srht) srhtSketch(ws, used, m, rng, SA, srht);
      else {
        for (const [rows, , c] of rowBlocks(ws, used, buf!, 0, bs)) {
          K.countSketchDraw(c, d, rows, d, rng, m, SA);
          yield;
        }
      }
      const ok = finite(SA);
      // R of SA by the structured stacked QR (SA is scratch from here on): 2md², 128 rows at a time from L1.
      R.fill(0);
      K.stackQrR(m, d, SA, d, R, g);
      return ok && rInRange(R, d);
    };
    if (!(yield* sketchR()) && rescale()) yield* sketchR();
    checkFiniteResult(R, "A");
    res = yield* finish(k, rng);
    if (!finite(res.scores) && !rescaled && rescale()) {
      yield* sketchR();
      checkFiniteResult(R, "A");
      res = yield* finish(k, rng);
    }
  }
  if (!finite(res.scores)) throw new LowrankError("NON_FINITE", "leverageScores: the scores overflow double precision (A is too ill-conditioned)");
  return res;
}

function finite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * out[i] = ||a_iᵀ R⁺||² for the d x d upper triangular R of a QR of A (exact)
 * or of SA (sketched), given its SVD. Full rank: R⁻¹ is upper triangular
 * (R X = I), nd²/2 multiply-adds. Otherwise ||a R⁺|| = ||a V_r Σ_r⁻¹|| (R⁺ =
 * V_r Σ_r⁻¹ P_rᵀ), with V_r Σ_r⁻¹ = (rows of SV scaled by 1/σ_j²)ᵀ, ndr.
 * With k > 0 Gaussian projections, B = V_r Σ_r⁻¹ G / √k (Pᵀ G is again
 * Gaussian) and the cost is ndk.
 */
function* scoresFromR(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, R: Float64Array,
  svd: TriangleSvd, k: number, rng: Rng | null, out: Float64Array,
): Generator<void, void, void> {
  const K = ws.kernels;
  const n = A.rows, d = A.cols;
  const r = svd.rank;
  if (r === 0) return;
  let B: Float64Array, cols: number, upper = false;
  if (k === 0 && r === d) {
    B = ws.f64(d * d);
    for (let j = 0; j < d; j++) B[j * d + j] = 1;
    K.triangularSolve(false, false, false, d, d, R, d, B, d);
    cols = d;
    upper = true;
  } else {
    const Y = ws.f64(r * d);
    for (let j = 0; j < r; j++) {
      const s2 = 1 / (svd.sigma[j] * svd.sigma[j]);
      for (let c = 0; c < d; c++) Y[j * d + c] = svd.SV[j * d + c] * s2;
    }
    cols = k === 0 ? r : k;
    B = ws.f64(d * cols);
    if (k === 0) {
      for (let j = 0; j < r; j++) for (let c = 0; c < d; c++) B[c * r + j] = Y[j * d + c];
    } else {
      const G = ws.f64(r * k);
      K.rngFill(rng!, G, true);
      // B = V_r Σ_r⁻¹ G / √k: one small GEMM, then the row pass computes ||a_iᵀ B||², the rows of A (R⁺ G) / √k.
      K.gemm(true, false, d, k, r, 1 / Math.sqrt(k), Y, d, G, k, 0, B, k);
    }
  }
  const z = ws.f64(2 * cols);
  // On wasm `out` is a JS array (see scoresArray): each block's scores go to a small WASM buffer, then across.
  const buf = ws.f64(STREAM_ROWS * d);
  const ob = ws instanceof JsWorkspace ? null : ws.f64(STREAM_ROWS);
  for (const [rows, start, c] of rowBlocks(ws, A, buf, 0)) {
    if (!ob) K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, out.subarray(start, start + c), z);
    else {
      const oc = ob.subarray(0, c);
      K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, oc, z);
      out.set(oc, start);
    }
    yield;
  }
}

/**
 * The n scores' array: on js the workspace's, on wasm a plain JS array filled
 * block by block by scoresFromR (saves zeroing n doubles in WASM memory and
 * copying them out, about 3 ms at n = 1e6).
 */
function scoresArray(ws: Workspace<SensitivityKernels>, n: number): Float64Array {
  return ws instanceof JsWorkspace ? ws.f64(n) : new Float64Array(n);
}

/** The result array of {@link scoresArray}, as the caller may keep it. */
function scoresResult(ws: Workspace<SensitivityKernels>, out: Float64Array): Float64Array {
  return ws instanceof JsWorkspace ? ws.output(out) : out;
}

/** f64 entries {@link scoresFromR} and a d-column triangleSvd take at most (with k projections). */
function fromRSize(d: number, k: number): number {
  const c = Math.max(k, d);
  return d * 2 * d + 3 * d * d + 2 * d + 2 * d * d + d * c + c * d + 2 * c + STREAM_ROWS;
}

/**
 * Default Gaussian columns k of the sketched scores: ⌈ln n⌉ when that is
 * below d/2 (where ndk beats the nd²/2 of the triangular R⁻¹), else 0 (R⁻¹
 * applied exactly).
 */
export function defaultProjections(n: number, d: number): number {
  const k = Math.ceil(Math.log(n));
  return 2 * k < d ? k : 0;
}

/**
 * The factor the Gaussian projection adds: with k columns each τ̃_i is the
 * unprojected estimate times an independent χ²_k / k variable X_i, and by the
 * Chernoff bound P(X ≤ t), P(X ≥ 1/t') ≤ (t e^(1-t))^(k/2), so with
 * probability at least 1 - delta every one of the n rows has X_i in the
 * returned [lo, hi] (each side gets delta / (2n)). k = 0 gives [1, 1]. O(1).
 *
 * @example
 * projectionBounds(1e6, 14); // about [0.025, 5.4]
 */
export function projectionBounds(n: number, k: number, delta = 0.01): [number, number] {
  readInt(n, "projectionBounds: n", 1, Number.MAX_SAFE_INTEGER);
  readInt(k, "projectionBounds: k", 0);
  opt.number({ above: 0, below: 1 })(delta, "projectionBounds: delta");
  if (k === 0) return [1, 1];
  // Solve (k/2)(ln t + 1 - t) = ln(delta / 2n) on each side of 1 by bisection (the logarithm split when the ratio underflows).
  const ratio = delta / (2 * n);
  const target = (ratio >= 2 ** -1000 ? Math.log(ratio) : Math.log(delta) - Math.log(2 * n)) / (k / 2);
  const f = (t: number) => Math.log(t) + 1 - t - target;
  let a = 1e-300, b = 1;
  for (let it = 0; it < 200; it++) {
    const c = Math.sqrt(a * b);
    if (f(c) < 0) a = c; else b = c;
  }
  const lo = a;
  a = 1;
  b = 2;
  while (f(b) > 0) b *= 2;
  for (let it = 0; it < 200; it++) {
    const c = 0.5 * (a + b);
    if (f(c) > 0) a = c; else b = c;
  }
  return [lo, b];
}

/** Tropp's SRHT size for a subspace embedding of a d-dimensional subspace of R^n (see leverageScores). */
export function srhtSize(n: number, d: number): number {
  readInt(n, "srhtSize: n", 1);
  readInt(d, "srhtSize: d", 1);
  const np = nextPow2(n);
  const m = Math.ceil(4 * (Math.sqrt(d) + Math.sqrt(8 * Math.log(d * np))) ** 2 * Math.log(Math.max(d, 3)));
  return Math.min(np, Math.max(m, 2 * d));
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Columns per SRHT pass: one 64-byte cache line of each row of A. */
const SRHT_GROUP = 8;

/** The SRHT's arrays, taken once per run: A where the kernel reads it, the signs, the rows sampled, the transform buffer. */
interface SrhtScratch {
  a: Float64Array;
  sign: Float64Array;
  idx: Int32Array;
  T: Float64Array;
  /** Puts (a scaled copy of) A where the kernel reads it. */
  load(A: DenseMatrix): void;
}

function srhtScratch(ws: Workspace<SensitivityKernels>, A: DenseMatrix, m: number): SrhtScratch {
  const sc: SrhtScratch = {
    a: ws.input(A.data), sign: ws.f64(A.rows), idx: ws.i32(m), T: ws.f64(nextPow2(A.rows) * SRHT_GROUP),
    load(B) {
      if (ws instanceof JsWorkspace) sc.a = B.data;
      else sc.a.set(B.data);
    },
  };
  return sc;
}

/**
 * SA (m x d) = sqrt(np/m) R_S H D A for the SRHT: D random signs, H the
 * Walsh-Hadamard transform of order np = 2^⌈log2 n⌉ (A zero-padded), R_S m of
 * its np rows uniformly without replacement (Floyd's algorithm), sorted.
 * A is transformed SRHT_GROUP columns at a time in an np x 8 buffer.
 */
function srhtSketch(ws: Workspace<SensitivityKernels>, A: DenseMatrix, m: number, rng: Rng, SA: Float64Array, sc: SrhtScratch): void {
  const n = A.rows, d = A.cols, np = nextPow2(n);
  const K = ws.kernels;
  const { a, sign, idx, T } = sc;
  K.rngFill(rng, sign, false);
  for (let i = 0; i < n; i++) sign[i] = sign[i] < 0.5 ? -1 : 1;
  const chosen = new Set<number>();
  for (let j = np - m; j < np; j++) {
    const t = Math.min(j, Math.floor(rng.uniform() * (j + 1)));
    chosen.add(chosen.has(t) ? j : t);
  }
  idx.set(Int32Array.from(chosen).sort());
  const ldt = SRHT_GROUP;
  // H is unnormalised (HᵀH = np I): sqrt(np/m) R_S H/√np D = R_S H D / √m.
  const scale = 1 / Math.sqrt(m);
  for (let j0 = 0; j0 < d; j0 += SRHT_GROUP) {
    K.srhtColumns(n, a, d, j0, Math.min(SRHT_GROUP, d - j0), sign, np, T, ldt, m, idx, scale, SA, d);
  }
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
export function rootLeverageScores(A: DenseMatrix, p: number, opts: LeverageOptions = {}): LeverageResult {
  readP(p, "rootLeverageScores");
  const o = readOptions("rootLeverageScores", opts, LEVERAGE_OPTIONS);
  const M = readMatrix(A, "A", { finite: false });
  const pl = plan("rootLeverageScores", M, o);
  const res = sensitivityModule.run(o.backend, pl.bytes, (ws) => drain(scoresRun(ws, M, pl)));
  const h = p / 2;
  for (let i = 0; i < res.scores.length; i++) {
    const v = Math.pow(res.scores[i], h);
    // Exact scores are at most 1 (up to rounding), sketched estimates may exceed it: at a huge p the power overflows.
    if (v === Infinity) throw new LowrankError("NON_FINITE", `rootLeverageScores: score ${i} = ${res.scores[i]} to the power p/2 = ${h} overflows double precision`);
    res.scores[i] = v;
  }
  return res;
}
