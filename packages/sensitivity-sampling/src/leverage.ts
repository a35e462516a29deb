import { arenaBytes, checkDense, LowrankError, Rng, type BackendOptions, type DenseMatrix, type Workspace } from "@lowrank/linalg";
import { defaultRcond, QR_CHUNK, triangleSvd, type TriangleSvd } from "./basis.js";
import type { SensitivityKernels } from "./kernels.js";
import { withSensitivity } from "./module.js";
import { checkP, intOption, numOption, seedOption } from "./validate.js";

/** Options of {@link leverageScores}. */
export interface LeverageOptions extends BackendOptions {
  /** "qr" (default): exact, thin QR. "sketch": CountSketch + Gaussian projection, approximate. */
  method?: "qr" | "sketch";
  /** Seed of the sketch (default 0; "sketch" only). */
  seed?: number;
  /** Rows m of the CountSketch SA (default min(n, max(4d², 2d)); "sketch" only). */
  sketchSize?: number;
  /**
   * Columns k of a Gaussian G, estimating ||a_iᵀ R⁻¹||² by ||a_iᵀ R⁻¹ G||² / k
   * (cost ndk instead of nd²/2; "sketch" only). Default: none, R⁻¹ is applied
   * exactly. Worth it only when k < d/2; see the README for the accuracy it costs.
   */
  projections?: number;
  /** Singular values below rcond σ_max count as zero (default max(n, d) eps). */
  rcond?: number;
}

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
 * "qr": R of A = Q R by the chunked Householder QR `tallQrR` (A read once in
 * cache-sized blocks, Q never formed), then a Jacobi SVD R = P Σ Vᵀ of the
 * small R for the numerical rank r (σ_j > rcond σ_max). Since Q = A R⁻¹,
 * τ_i = ||a_iᵀ R⁻¹||² (R⁻¹ upper triangular) when r = d, and
 * ||a_iᵀ V_r Σ_r⁻¹||² (= ||e_iᵀ Q P_r||², Q P_r a basis of range(A)) when A is
 * rank-deficient. Scores sum to r. Like every method, the relative error
 * grows as cond(A) eps. O(2nd² + nd² + d³).
 *
 * "sketch" (Drineas, Magdon-Ismail, Mahoney, Woodruff, JMLR 2012, Algorithm 1,
 * with CountSketch in place of the SRHT as in Clarkson and Woodruff, STOC 2013):
 * SA with m CountSketch rows, R from QR(SA) (plus its SVD, for the rank), then
 * τ̃_i = ||a_iᵀ R⁻¹||² as in "qr" but without the 2nd² of the QR of A (about a
 * third of the exact method's flops). If S is a (1 ± ε) subspace embedding for range(A),
 * τ̃_i ∈ [τ_i / (1+ε)², τ_i / (1-ε)²] for every row at once. With
 * `projections: k` the paper's Gaussian G is applied too,
 * τ̃_i = ||a_iᵀ R⁺ G||² / k, each row then off by a further χ²_k / k factor.
 * Measured (tests, README): at the default m = 4d², every row's τ̃_i/τ_i in
 * [0.78, 1.29] over 5 seeds each of two heavy-tailed designs (n = 2e4, d = 10;
 * n = 1e5, d = 20). O(nd + md² + nd²/2)
 * (O(nd + md² + ndk) with projections).
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
  A = checkDense(A, "A");
  const n = A.rows, d = A.cols;
  const method = opts.method ?? "qr";
  const rcond = numOption(opts.rcond, defaultRcond(n, d), "rcond");
  if (method === "qr") return exactScores(A, rcond, opts);
  if (method !== "sketch") throw new LowrankError("INVALID_ARGUMENT", `leverageScores: method must be "qr" or "sketch", got ${String(method)}`);
  const m = intOption(opts.sketchSize, Math.min(n, Math.max(4 * d * d, 2 * d)), 1, "sketchSize");
  const k = intOption(opts.projections, 0, 1, "projections");
  return sketchedScores(A, m, k, rcond, seedOption(opts.seed), opts);
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
  ws: Workspace<SensitivityKernels>, n: number, d: number, a: Float64Array, R: Float64Array,
  svd: TriangleSvd, k: number, rng: Rng | null, out: Float64Array,
): void {
  const K = ws.kernels;
  const r = svd.rank;
  if (r === 0) return;
  if (k === 0 && r === d) {
    const Rinv = ws.f64(d * d);
    for (let j = 0; j < d; j++) Rinv[j * d + j] = 1;
    K.triangularSolve(false, false, false, d, d, R, d, Rinv, d);
    K.rowNormsOfProduct(n, d, d, a, d, Rinv, d, true, out, ws.f64(2 * d));
    return;
  }
  const Y = ws.f64(r * d);
  for (let j = 0; j < r; j++) {
    const s2 = 1 / (svd.sigma[j] * svd.sigma[j]);
    for (let c = 0; c < d; c++) Y[j * d + c] = svd.SV[j * d + c] * s2;
  }
  const cols = k === 0 ? r : k;
  const B = ws.f64(d * cols);
  if (k === 0) {
    for (let j = 0; j < r; j++) for (let c = 0; c < d; c++) B[c * r + j] = Y[j * d + c];
  } else {
    const G = ws.f64(r * k);
    K.rngFill(rng!, G, true);
    K.gemm(true, false, d, k, r, 1 / Math.sqrt(k), Y, d, G, k, 0, B, k);
  }
  K.rowNormsOfProduct(n, d, cols, a, d, B, cols, false, out, ws.f64(2 * cols));
}

/** f64 entries {@link scoresFromR} and a d-column triangleSvd take at most (with k projections). */
function fromRSize(d: number, k: number): number {
  const c = Math.max(k, d);
  return d * 2 * d + 3 * d * d + 2 * d + 2 * d * d + d * c + c * d + 2 * c;
}

function exactScores(A: DenseMatrix, rcond: number, opts: BackendOptions): LeverageResult {
  const n = A.rows, d = A.cols;
  const bytes = arenaBytes(n * d + n + d * d + (d + QR_CHUNK) * d + 2 * d + fromRSize(d, 0), 0, 20);
  return withSensitivity(opts.backend, bytes, (ws) => {
    const K = ws.kernels;
    const a = ws.input(A.data);
    // R by the chunked QR (A is read once, in cache-sized blocks; no Q is formed): τ_i = ||a_iᵀ R⁺||².
    const R = ws.f64(d * d);
    K.tallQrR(n, d, a, d, QR_CHUNK, R, ws.f64((d + QR_CHUNK) * d), ws.f64(d), ws.f64(d));
    const svd = triangleSvd(ws, d, d, R, rcond);
    const out = ws.f64(n);
    scoresFromR(ws, n, d, a, R, svd, 0, null, out);
    return { scores: ws.output(out), rank: svd.rank };
  });
}

function sketchedScores(A: DenseMatrix, m: number, k: number, rcond: number, seed: number, opts: BackendOptions): LeverageResult {
  const n = A.rows, d = A.cols;
  const bytes = arenaBytes(n * d + 2 * n + m * d + d * d + (d + QR_CHUNK) * d + 2 * d + fromRSize(d, k) + d * k, 0, 24);
  return withSensitivity(opts.backend, bytes, (ws) => {
    const K = ws.kernels;
    const a = ws.input(A.data);
    const rng = new Rng(seed);
    const u = ws.f64(n);
    K.rngFill(rng, u, false);
    const SA = ws.f64(m * d);
    K.countSketch(n, d, a, d, u, m, null, SA);
    const R = ws.f64(d * d);
    K.tallQrR(m, d, SA, d, QR_CHUNK, R, ws.f64((d + QR_CHUNK) * d), ws.f64(d), ws.f64(d));
    const svd = triangleSvd(ws, d, d, R, rcond);
    const out = ws.f64(n);
    scoresFromR(ws, n, d, a, R, svd, k, rng, out);
    return { scores: ws.output(out), rank: svd.rank };
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
