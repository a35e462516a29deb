import { arenaBytes, JsWorkspace, LowrankError, Rng, type BackendOptions, type DenseMatrix, type Workspace } from "@lowrank/linalg";
import { defaultRcond, triangleSvd, type TriangleSvd } from "./basis.js";
import type { SensitivityKernels } from "./kernels.js";
import { withSensitivity } from "./module.js";
import { forRowBlocks, sketchBlockRows, STREAM_ROWS, streamedR, streamedRSize, streamScratch } from "./stream.js";
import { checkDenseShape, checkFiniteResult, checkP, intOption, numOption, seedOption } from "./validate.js";

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
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT (bad option),
 * NOT_INITIALIZED (wasm backend before `init()`).
 *
 * @example
 * await init();
 * const { scores, rank } = leverageScores(A);                          // exact
 * const approx = leverageScores(A, { method: "sketch", seed: 1 }).scores; // fast
 */
export function leverageScores(A: DenseMatrix, opts: LeverageOptions = {}): LeverageResult {
  // Finiteness is checked on R or SA, into which every entry of A is summed (see checkDenseShape).
  A = checkDenseShape(A, "A");
  const n = A.rows, d = A.cols;
  const method = opts.method ?? "qr";
  const rcond = numOption(opts.rcond, defaultRcond(n, d), "rcond");
  if (method === "qr") return exactScores(A, rcond, opts);
  if (method !== "sketch") throw new LowrankError("INVALID_ARGUMENT", `leverageScores: method must be "qr" or "sketch", got ${String(method)}`);
  const kind = opts.sketch ?? "countsketch";
  if (kind !== "countsketch" && kind !== "srht") throw new LowrankError("INVALID_ARGUMENT", `leverageScores: sketch must be "countsketch" or "srht", got ${String(kind)}`);
  const def = kind === "srht" ? srhtSize(n, d) : Math.min(n, Math.max(4 * d * d, 2 * d));
  const m = intOption(opts.sketchSize, def, 1, "sketchSize");
  if (kind === "srht" && m > nextPow2(n)) throw new LowrankError("INVALID_ARGUMENT", `leverageScores: an SRHT samples at most 2^⌈log2 n⌉ = ${nextPow2(n)} rows, got sketchSize ${m}`);
  const k = intOption(opts.projections, defaultProjections(n, d), 0, "projections");
  return sketchedScores(A, kind, m, k, rcond, seedOption(opts.seed), opts);
}

/**
 * out[i] = ||a_iᵀ R⁺||² for the d x d upper triangular R of a QR of A (exact)
 * or of SA (sketched), given its SVD. Full rank: R⁻¹ is upper triangular
 * (R X = I), nd²/2 multiply-adds. Otherwise ||a R⁺|| = ||a V_r Σ_r⁻¹|| (R⁺ =
 * V_r Σ_r⁻¹ P_rᵀ), with V_r Σ_r⁻¹ = (rows of SV scaled by 1/σ_j²)ᵀ, ndr.
 * With k > 0 Gaussian projections, B = V_r Σ_r⁻¹ G / √k (Pᵀ G is again
 * Gaussian) and the cost is ndk.
 */
function scoresFromR(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, R: Float64Array,
  svd: TriangleSvd, k: number, rng: Rng | null, out: Float64Array,
): void {
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
  forRowBlocks(ws, A, buf, 0, (rows, start, c) => {
    if (!ob) K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, out.subarray(start, start + c), z);
    else {
      const oc = ob.subarray(0, c);
      K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, oc, z);
      out.set(oc, start);
    }
  });
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
  if (k === 0) return [1, 1];
  if (!(delta > 0 && delta < 1)) throw new LowrankError("INVALID_ARGUMENT", `projectionBounds: delta must be in (0, 1), got ${delta}`);
  // Solve (k/2)(ln t + 1 - t) = ln(delta / 2n) on each side of 1 by bisection.
  const target = Math.log(delta / (2 * n)) / (k / 2);
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

function exactScores(A: DenseMatrix, rcond: number, opts: BackendOptions): LeverageResult {
  const n = A.rows, d = A.cols;
  const bytes = arenaBytes(n + d * d + streamedRSize(d) + STREAM_ROWS * d + 2 * d + fromRSize(d, 0), 0, 24);
  return withSensitivity(opts.backend, bytes, (ws) => {
    // R by the chunked QR over row blocks (A is read once; no Q is formed), then τ_i = ||a_iᵀ R⁺||² in a second pass.
    const R = ws.f64(d * d);
    streamedR(ws.kernels, A, R, streamScratch(ws, d));
    checkFiniteResult(R, "A");
    const svd = triangleSvd(ws, d, d, R, rcond);
    const out = scoresArray(ws, n);
    scoresFromR(ws, A, R, svd, 0, null, out);
    return { scores: scoresResult(ws, out), rank: svd.rank };
  });
}

/** Tropp's SRHT size for a subspace embedding of a d-dimensional subspace of R^n (see leverageScores). */
export function srhtSize(n: number, d: number): number {
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

/**
 * SA (m x d) = sqrt(np/m) R_S H D A for the SRHT: D random signs, H the
 * Walsh-Hadamard transform of order np = 2^⌈log2 n⌉ (A zero-padded), R_S m of
 * its np rows uniformly without replacement (Floyd's algorithm), sorted.
 * A is transformed SRHT_GROUP columns at a time in an np x 8 buffer.
 */
function srhtSketch(ws: Workspace<SensitivityKernels>, A: DenseMatrix, m: number, rng: Rng, SA: Float64Array): void {
  const n = A.rows, d = A.cols, np = nextPow2(n);
  const K = ws.kernels;
  const a = ws.input(A.data);
  const sign = ws.f64(n);
  K.rngFill(rng, sign, false);
  for (let i = 0; i < n; i++) sign[i] = sign[i] < 0.5 ? -1 : 1;
  const chosen = new Set<number>();
  for (let j = np - m; j < np; j++) {
    const t = Math.min(j, Math.floor(rng.uniform() * (j + 1)));
    chosen.add(chosen.has(t) ? j : t);
  }
  const idx = ws.i32(m);
  idx.set(Int32Array.from(chosen).sort());
  const ldt = SRHT_GROUP;
  const T = ws.f64(np * ldt);
  // H is unnormalised (HᵀH = np I): sqrt(np/m) R_S H/√np D = R_S H D / √m.
  const scale = 1 / Math.sqrt(m);
  for (let j0 = 0; j0 < d; j0 += SRHT_GROUP) {
    K.srhtColumns(n, a, d, j0, Math.min(SRHT_GROUP, d - j0), sign, np, T, ldt, m, idx, scale, SA, d);
  }
}

function sketchedScores(
  A: DenseMatrix, kind: SketchKind, m: number, k: number, rcond: number, seed: number, opts: BackendOptions,
): LeverageResult {
  const n = A.rows, d = A.cols;
  const srht = kind === "srht";
  const sketchBytes = srht ? n * d + n + m + nextPow2(n) * SRHT_GROUP : STREAM_ROWS * (d + 1);
  const bytes = arenaBytes(n + m * d + d * d + 2 * d + sketchBytes + STREAM_ROWS * d + fromRSize(d, k) + d * k, 1, 32);
  return withSensitivity(opts.backend, bytes, (ws) => {
    const K = ws.kernels;
    const rng = new Rng(seed);
    const SA = ws.f64(m * d);
    if (srht) srhtSketch(ws, A, m, rng, SA);
    else {
      // One CountSketch pass over row blocks; the uniforms are drawn row by row inside the kernel (the same stream as all at once).
      const bs = sketchBlockRows(d), buf = ws.f64(bs * d);
      forRowBlocks(ws, A, buf, 0, (rows, _start, c) => K.countSketchDraw(c, d, rows, d, rng, m, SA), bs);
    }
    checkFiniteResult(SA, "A");
    const R = ws.f64(d * d);
    // R of SA by the structured stacked QR (SA is scratch from here on): 2md², 128 rows at a time from L1.
    R.fill(0);
    K.stackQrR(m, d, SA, d, R, ws.f64(2 * d));
    const svd = triangleSvd(ws, d, d, R, rcond);
    const out = scoresArray(ws, n);
    scoresFromR(ws, A, R, svd, k, rng, out);
    return { scores: scoresResult(ws, out), rank: svd.rank };
  });
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
  checkP(p, "rootLeverageScores");
  const res = leverageScores(A, opts);
  const h = p / 2;
  for (let i = 0; i < res.scores.length; i++) res.scores[i] = Math.pow(res.scores[i], h);
  return res;
}
