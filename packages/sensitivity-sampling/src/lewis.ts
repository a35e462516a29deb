import { arenaBytes, checkDense, LowrankError, Rng, type BackendOptions, type DenseMatrix, type Workspace } from "@lowrank/linalg";
import { basisSize, defaultRcond, orthonormalBasis } from "./basis.js";
import type { SensitivityKernels } from "./kernels.js";
import { createSensitivityWorkspace } from "./module.js";
import { checkAborted, checkP, intOption, numOption, seedOption, ticker } from "./validate.js";

/** Options of {@link lewisWeights}. */
export interface LewisOptions extends BackendOptions {
  /**
   * "exact" (default): exact quadratic forms on an orthonormal basis.
   * "sketch": each iteration's (Aᵀ V A)⁻¹ from the QR of a CountSketch of V^(1/2) A; approximate, full column rank only.
   */
  method?: "exact" | "sketch";
  /** Seed of the sketch (default 0; "sketch" only). */
  seed?: number;
  /** CountSketch rows (default min(n, max(4d², 2d)); "sketch" only). */
  sketchSize?: number;
  /** Iterations at most (default 200). */
  maxIter?: number;
  /** Stop when max_i |log(w_i new / w_i old)| <= tol (default 1e-10). */
  tol?: number;
  /** Rank threshold relative to σ_max (default max(n, d) eps). */
  rcond?: number;
  /** Called after every iteration. */
  onProgress?: (p: { iteration: number; change: number }) => void;
  /** Checked between iterations; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/** Result of {@link lewisWeights}. */
export interface LewisResult {
  /** w_i, one per row; they sum to `rank`. */
  weights: Float64Array;
  /** Numerical rank of A. */
  rank: number;
  iterations: number;
  /** max_i |log(w_i / previous w_i)| at the last iteration: the fixed-point residual in log scale (times 1/alpha). */
  change: number;
  converged: boolean;
  /** The step length alpha in log space at the end: 4 / (p + 2), or 1 if the p < 2 safeguard fell back to the plain map. */
  alpha: number;
}

/**
 * The step length in log space, 4/(p+2) (1 at p = 2): it minimises the local
 * rate max(|1-α|, |1-α p/2|, |1-α + α(p/2-1)|) over the spectrum of the map's
 * Jacobian, -(p/2-1) M with M's eigenvalues in [0, 1], giving the rate
 * |p-2|/(p+2) (1/3 at p = 1 and p = 4, against Cohen-Peng's |p/2-1| = 1/2 and 1).
 */
function stepLength(p: number): number {
  return 4 / (p + 2);
}

/**
 * The Lewis-weight iteration on an n x r orthonormal basis U held in `ws`.
 * Writes w into `w`; `v`, `G`, `Linv`, `z` are scratch. Shared by
 * {@link lewisWeights} and the Lewis bound of lpSensitivities.
 */
export async function lewisIterate(
  ws: Workspace<SensitivityKernels>, n: number, r: number, U: Float64Array, p: number,
  w: Float64Array, maxIter: number, tol: number,
  onProgress: LewisOptions["onProgress"], signal: AbortSignal | undefined,
): Promise<Omit<LewisResult, "weights" | "rank">> {
  const K = ws.kernels;
  const v = ws.f64(n), G = ws.f64(r * r), Linv = ws.f64(r * r), z = ws.f64(2 * r);
  let alpha = stepLength(p);
  // Start from the leverage scores: the Lewis weights for p = 2, and within a factor of them for other p.
  K.rowNormsSq(n, r, U, r, w);
  const ev = 1 - 2 / p;
  for (let i = 0; i < n; i++) v[i] = w[i] > 0 ? Math.pow(w[i], ev) : 0;
  let change = Infinity, iterations = 0;
  const tick = ticker();
  for (let it = 1; it <= maxIter; it++) {
    checkAborted(signal, "lewisWeights");
    K.weightedGram(n, r, U, r, v, G);
    if (K.cholesky(r, G, r) >= 0) {
      throw new LowrankError("NOT_CONVERGED", "lewisWeights: Uᵀ W^(1-2/p) U lost positive definiteness (weights under/overflowed)");
    }
    Linv.fill(0);
    for (let j = 0; j < r; j++) Linv[j * r + j] = 1;
    // Lᵀ X = I gives X = L⁻ᵀ (upper triangular), so ||a_iᵀ L⁻ᵀ||² = a_iᵀ (Uᵀ V U)⁻¹ a_i.
    K.triangularSolve(true, true, false, r, r, G, r, Linv, r);
    const prev = change;
    change = K.lewisUpdate(n, r, U, r, Linv, p, alpha, w, v, z);
    // Safeguard of the over-relaxed step (p < 2): should the step ever grow, fall back to Cohen-Peng's plain map.
    if (p < 2 && change > prev) alpha = 1;
    iterations = it;
    onProgress?.({ iteration: it, change });
    if (change <= tol) return { iterations, change, converged: true, alpha };
    await tick();
  }
  return { iterations, change, converged: false, alpha };
}

/**
 * l_p Lewis weights: the unique w > 0 with w_i = (a_iᵀ (Aᵀ W^(1-2/p) A)⁻¹ a_i)^(p/2)
 * (Lewis 1978). They sum to rank(A), equal the leverage scores for p = 2, and
 * bound the l_p sensitivities (see lpSensitivities).
 *
 * Method: A is replaced by an orthonormal basis U = A R⁺ of its range (chunked
 * QR for R plus a Jacobi SVD of R for the rank, as in leverageScores; Lewis
 * weights depend only on the range, and U keeps Uᵀ V U well conditioned and
 * makes rank-deficient A work). Then Cohen and Peng's fixed-point iteration
 * (STOC 2015, Algorithm 1 / Lemma 2.4) from the leverage scores: per
 * iteration one pass for G = Uᵀ W^(1-2/p) U (`weightedGram`), a Cholesky of
 * the r x r G, and one pass for q_i = u_iᵀ G⁻¹ u_i and the update
 * (`lewisUpdate`). The plain map w <- q^(p/2) is a contraction with factor
 * |p/2 - 1| in max |log w| for p < 4. The step taken is
 * log w <- (1-α) log w + α log q^(p/2) with α = 4/(p+2): its local rate is
 * |p-2|/(p+2), because the map's Jacobian in log w is -(p/2 - 1) M with M
 * row-stochastic with eigenvalues in [0, 1] (1/3 at p = 1, against 1/2).
 * For 2 < p < 4 (α < 1) it is still a global contraction (factor
 * 1 - α(2 - p/2)). For p < 2 (α > 1, over-relaxed) global contraction is not
 * proven, so should the step ever grow the run falls back to α = 1, the
 * Cohen-Peng map. For p >= 4 (damped) global convergence is not proven:
 * check `converged` (the weights then satisfy the fixed point to `change`;
 * the solution is unique).
 * O(4nd² + iterations · 2nr²).
 *
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT (p <= 0, bad
 * option), ABORTED.
 *
 * @example
 * const { weights, converged } = await lewisWeights(A, 1);
 */
export async function lewisWeights(A: DenseMatrix, p: number, opts: LewisOptions = {}): Promise<LewisResult> {
  A = checkDense(A, "A");
  checkP(p, "lewisWeights");
  const n = A.rows, d = A.cols;
  const maxIter = intOption(opts.maxIter, 200, 1, "maxIter");
  const tol = numOption(opts.tol, 1e-10, "tol");
  const rcond = numOption(opts.rcond, defaultRcond(n, d), "rcond");
  checkAborted(opts.signal, "lewisWeights");
  const method = opts.method ?? "exact";
  if (method === "sketch") {
    const m = intOption(opts.sketchSize, Math.min(n, Math.max(4 * d * d, 2 * d)), 1, "sketchSize");
    return lewisSketched(A, p, m, seedOption(opts.seed), maxIter, tol, opts);
  }
  if (method !== "exact") throw new LowrankError("INVALID_ARGUMENT", `lewisWeights: method must be "exact" or "sketch", got ${String(method)}`);
  const ws = await createSensitivityWorkspace(opts.backend, arenaBytes(lewisBytes(n, d), 0, 24));
  const { U, rank: r } = orthonormalBasis(ws, n, d, ws.input(A.data), rcond);
  const w = ws.f64(n);
  if (r === 0) return { weights: ws.output(w), rank: 0, iterations: 0, change: 0, converged: true, alpha: 1 };
  const res = await lewisIterate(ws, n, r, U, p, w, maxIter, tol, opts.onProgress, opts.signal);
  return { weights: ws.output(w), rank: r, ...res };
}

/** f64 entries a Lewis-weight run needs: A, the basis and its scratch, w, v and r x r scratch. */
export function lewisBytes(n: number, d: number): number {
  return n * d + basisSize(n, d) + 2 * n + 2 * d * d + 2 * d;
}

/**
 * The sketched variant: the same (damped) fixed-point iteration, with
 * (Aᵀ V A)⁻¹ replaced in every iteration by (RᵀR)⁻¹ for R from the QR of
 * S V^(1/2) A, S one CountSketch of m rows drawn once (a fixed S makes the
 * map deterministic, so the iteration converges to its fixed point), as in
 * Cohen and Peng's use of approximate leverage scores inside the iteration.
 * No basis of A is formed: O(iterations · (nd + 2md² + nd²)).
 */
async function lewisSketched(
  A: DenseMatrix, p: number, m: number, seed: number, maxIter: number, tol: number, opts: LewisOptions,
): Promise<LewisResult> {
  const n = A.rows, d = A.cols;
  const ws = await createSensitivityWorkspace(opts.backend, arenaBytes(n * d + 4 * n + m * d + 2 * d * d + 4 * d, 0, 16));
  const K = ws.kernels;
  const a = ws.input(A.data);
  const u = ws.f64(n), w = ws.f64(n).fill(1), v = ws.f64(n).fill(1);
  K.rngFill(new Rng(seed), u, false);
  const SA = ws.f64(m * d), Rinv = ws.f64(d * d), tau = ws.f64(d), work = ws.f64(d), z = ws.f64(2 * d);
  let alpha = stepLength(p);
  const tick = ticker();
  let change = Infinity, iterations = 0;
  for (let it = 1; it <= maxIter; it++) {
    checkAborted(opts.signal, "lewisWeights");
    SA.fill(0);
    K.countSketch(n, d, a, d, u, m, v, SA);
    K.householderQr(m, d, SA, d, tau, work);
    let big = 0;
    for (let j = 0; j < d; j++) big = Math.max(big, Math.abs(SA[j * d + j]));
    for (let j = 0; j < d; j++) {
      if (!(m >= d && Math.abs(SA[j * d + j]) > big * 1e-13)) {
        throw new LowrankError("RANK", `lewisWeights: the sketch of A is rank-deficient (column ${j}); use method "exact", which handles rank-deficient A`);
      }
    }
    Rinv.fill(0);
    for (let j = 0; j < d; j++) Rinv[j * d + j] = 1;
    K.triangularSolve(false, false, false, d, d, SA, d, Rinv, d);
    const prev = change;
    change = K.lewisUpdate(n, d, a, d, Rinv, p, alpha, w, v, z);
    if (p < 2 && change > prev) alpha = 1;
    iterations = it;
    opts.onProgress?.({ iteration: it, change });
    if (change <= tol) return { weights: ws.output(w), rank: d, iterations, change, converged: true, alpha };
    await tick();
  }
  return { weights: ws.output(w), rank: d, iterations, change, converged: false, alpha };
}
