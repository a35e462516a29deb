import {
  arenaBytes, BACKEND, eigh, LONG_RUN, LongRun, LowrankError, opt, readOptions, Rng,
  type Backend, type BackendOptions, type DenseMatrix, type Workspace,
} from "@lowrank/linalg";
import { basisSize, defaultRcond, orthonormalBasis } from "./basis.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { sensitivityModule } from "./module.js";
import { checkEntries, columnExponents, readMatrix, readP, scaleColumns } from "./validate.js";

/** One Lewis iteration's progress record. */
export interface LewisProgress {
  iteration: number;
  /** max_i |log(w_i new / w_i old)| at this iteration. */
  change: number;
}

/** What the iterations report progress to and check the signal with (a LongRun). */
export interface ProgressSink {
  step(record: LewisProgress): Promise<void>;
  /** Yields to the event loop if one is due, and checks the signal. */
  pause(): Promise<void>;
}

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
  /**
   * Stop when max_i |log(w_i new / w_i old)| <= tol (default 1e-10). A run whose residual has not
   * gone down for 100 iterations (rounding level, below a tol of 0 say) stops there, not converged.
   */
  tol?: number;
  /** Rank threshold relative to σ_max (default max(n, d) eps). */
  rcond?: number;
  /** Called after every iteration. */
  onProgress?: (p: LewisProgress) => void;
  /** Checked before any work and between iterations; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

const LEWIS_OPTIONS = {
  backend: BACKEND,
  method: opt.oneOf(["exact", "sketch"] as const),
  seed: opt.seed(),
  sketchSize: opt.int({ min: 1 }),
  ...LONG_RUN,
  onProgress: opt.func<(p: LewisProgress) => void>(),
  rcond: opt.number({ min: 0 }),
};

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
  /**
   * p < 4: the step length alpha in log space at the end, 4 / (p + 2), or 1 if the p < 2 safeguard fell
   * back to the plain map. p >= 4: the last line-search step t along the Cohen-Peng direction (1 = the plain map).
   */
  alpha: number;
}

/** Iterations without a new lowest `change` (by 0.1%) after which a run stops: the residual has reached rounding level. */
export const STALL_ITERATIONS = 100;

/**
 * Watches the residual of an iteration: `stalled(change)` turns true once
 * {@link STALL_ITERATIONS} iterations in a row have not lowered the lowest
 * residual seen by 0.1%. Then the run stops (not converged): a tol below what
 * rounding allows (tol = 0, say) ends instead of running to maxIter.
 */
export function stallWatch(): (change: number) => boolean {
  let best = Infinity, since = 0;
  return (change) => {
    if (change < best * (1 - 1e-3)) {
      best = change;
      since = 0;
    } else since++;
    return since >= STALL_ITERATIONS;
  };
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
  w: Float64Array, maxIter: number, tol: number, run: ProgressSink,
): Promise<Omit<LewisResult, "weights" | "rank">> {
  if (p >= 4) return lewisConvex(ws, n, r, U, p, w, maxIter, tol, run);
  const K = ws.kernels;
  const v = ws.f64(n), G = ws.f64(r * r), Linv = ws.f64(r * r), z = ws.f64(2 * r);
  let alpha = stepLength(p);
  // Start from the leverage scores: the Lewis weights for p = 2, and within a factor of them for other p.
  // The kernel keeps log w in w during the run (one log and one exp per row and step); exp at the end.
  K.rowNormsSq(n, r, U, r, w);
  const ev = 1 - 2 / p;
  for (let i = 0; i < n; i++) {
    v[i] = w[i] > 0 ? Math.pow(w[i], ev) : 0;
    w[i] = Math.log(w[i]);
  }
  const done = <T>(res: T): T => {
    for (let i = 0; i < n; i++) w[i] = Math.exp(w[i]);
    return res;
  };
  let change = Infinity, iterations = 0;
  const stalled = stallWatch();
  K.weightedGram(n, r, U, r, v, G);
  await run.pause();
  for (let it = 1; it <= maxIter; it++) {
    if (!allFinite(G) || K.cholesky(r, G, r) < 0) {
      throw new LowrankError("NOT_CONVERGED", `lewisWeights: Uᵀ W^(1-2/p) U lost positive definiteness or overflowed at p = ${p} (weights under/overflowed)`);
    }
    Linv.fill(0);
    for (let j = 0; j < r; j++) Linv[j * r + j] = 1;
    // Lᵀ X = I gives X = L⁻ᵀ (upper triangular), so ||a_iᵀ L⁻ᵀ||² = a_iᵀ (Uᵀ V U)⁻¹ a_i.
    K.triangularSolve(true, true, false, r, r, G, r, Linv, r);
    const prev = change;
    // The update and the next iteration's Gram matrix in one pass over U.
    change = K.lewisUpdateGram(n, r, U, r, Linv, p, alpha, w, v, z, G);
    // Safeguard of the over-relaxed step (p < 2): should the step ever grow, fall back to Cohen-Peng's plain map.
    if (p < 2 && change > prev) alpha = 1;
    iterations = it;
    await run.step({ iteration: it, change });
    if (change <= tol) return done({ iterations, change, converged: true, alpha });
    if (stalled(change)) break;
  }
  return done({ iterations, change, converged: false, alpha });
}

/**
 * Lewis weights for p >= 4, where the fixed-point map need not contract, as
 * the minimiser of a strictly convex function (the convex-programming
 * characterisation of Lewis weights, Cohen and Peng, STOC 2015, Section 3;
 * for p -> ∞ it is the John-ellipsoid program):
 *
 *   F(M) = -log det M + (2/p) Σ_i (u_iᵀ M u_i)^(p/2)   over r x r M ≻ 0.
 *
 * For p >= 2 the sum is convex and -log det strictly convex, and F is
 * coercive on the open cone (U has full column rank), so F has one minimiser.
 * ∇F = Uᵀ V U - M⁻¹ with v_i = (u_iᵀ M u_i)^(p/2-1), so at the minimiser
 * w_i = (u_iᵀ M u_i)^(p/2) satisfies w_i = (u_iᵀ (Uᵀ W^(1-2/p) U)⁻¹ u_i)^(p/2)
 * (the Lewis weights) and Σ w_i = tr(M Uᵀ V U) = r.
 *
 * Iteration: D = (Uᵀ V U)⁻¹ - M, the step to the Cohen-Peng image. With
 * X = Uᵀ V U and Y = M⁻¹, <∇F, D> = tr((X - Y)(X⁻¹ - Y⁻¹)) = 2r - tr(X Y⁻¹)
 * - tr(Y X⁻¹) <= 0 (the eigenvalues λ > 0 of X Y⁻¹ have λ + 1/λ >= 2), with
 * equality only at the fixed point: D is a descent direction. M <- M + t D
 * with t minimising F exactly on [0, 1] (the segment stays positive definite;
 * F is convex along it, so a safeguarded Newton solve of φ'(t) = 0 finds t).
 * F then decreases strictly, and by Zangwill's global convergence theorem
 * (continuous direction map, exact line minimisation, compact sublevel set)
 * every limit point is the minimiser: the iteration converges for every
 * p >= 2 from any M ≻ 0 (M = I, i.e. w = τ^(p/2), for p < 8; for p >= 8 the
 * solution at p/2, to 1e-4, which keeps Uᵀ V U well conditioned on the way;
 * should it still become numerically singular, NOT_CONVERGED says so). When
 * t = 1 the step is exactly the Cohen-Peng map.
 *
 * Along the segment q_i(t) = q_i + t Δ_i with q = u_iᵀ M u_i and
 * Δ_i = u_iᵀ X⁻¹ u_i - q_i, and log det(M + tD) = log det M + Σ log(1 + t μ_j)
 * with μ the eigenvalues of C⁻¹ D C⁻ᵀ (M = C Cᵀ), so each trial t costs O(n + r)
 * and an iteration the same two passes over U as the plain map. `change` is
 * the fixed-point residual max_i |log(T(w)_i / w_i)| = (p/2) max_i |log(u_iᵀX⁻¹u_i / q_i)|;
 * `alpha` reports the last step t.
 */
async function lewisConvex(
  ws: Workspace<SensitivityKernels>, n: number, r: number, U: Float64Array, p: number,
  w: Float64Array, maxIter: number, tol: number, run: ProgressSink,
): Promise<Omit<LewisResult, "weights" | "rank">> {
  const K = ws.kernels;
  const v = ws.f64(n), q = ws.f64(n), q1 = ws.f64(n), G = ws.f64(r * r), Linv = ws.f64(r * r), z = ws.f64(2 * r);
  const M = new Float64Array(r * r), Dm = new Float64Array(r * r), C = new Float64Array(r * r), Z = new Float64Array(r * r);
  const X = new Float64Array(r * r);
  for (let j = 0; j < r; j++) M[j * r + j] = 1;
  K.rowNormsSq(n, r, U, r, q);
  // Continuation in p (the minimiser does not depend on the start, only the path does): for p >= 8 the
  // iteration starts from the solution at p/2 (to 1e-4), so Uᵀ V U stays well conditioned on the way.
  const stages: number[] = [p];
  for (let pp = p / 2; pp >= 4; pp /= 2) stages.unshift(pp);
  let change = Infinity, iterations = 0, t = 1;
  for (let st = 0; st < stages.length; st++) {
    const ps = stages[st], last = st === stages.length - 1, half = ps / 2;
    const stageTol = last ? tol : Math.max(tol, 1e-4);
    const stalled = stallWatch();
    while (iterations < maxIter) {
      for (let i = 0; i < n; i++) v[i] = q[i] > 0 ? Math.pow(q[i], half - 1) : 0;
      K.weightedGram(n, r, U, r, v, G);
      X.set(G);
      if (!allFinite(G) || K.cholesky(r, G, r) < 0) {
        throw new LowrankError("NOT_CONVERGED", `lewisWeights: Uᵀ W^(1-2/p) U is numerically singular at p = ${ps} (weights spread beyond double precision)`);
      }
      Linv.fill(0);
      for (let j = 0; j < r; j++) Linv[j * r + j] = 1;
      K.triangularSolve(true, true, false, r, r, G, r, Linv, r);
      K.rowNormsOfProduct(n, r, r, U, r, Linv, r, true, q1, z);
      change = 0;
      for (let i = 0; i < n; i++) if (q[i] > 0 && q1[i] > 0) change = Math.max(change, Math.abs(Math.log(q1[i] / q[i])));
      change *= half;
      iterations++;
      if (change <= stageTol) {
        if (!last) break;
        for (let i = 0; i < n; i++) w[i] = q1[i] > 0 ? Math.pow(q1[i], half) : 0;
        await run.step({ iteration: iterations, change });
        return { iterations, change, converged: true, alpha: t };
      }
      // D = X⁻¹ - M with X⁻¹ = L⁻ᵀ L⁻¹ (Linv upper triangular holds L⁻ᵀ).
      for (let a = 0; a < r; a++) {
        for (let b = 0; b <= a; b++) {
          let sacc = 0;
          for (let c = a; c < r; c++) sacc += Linv[a * r + c] * Linv[b * r + c];
          Dm[a * r + b] = Dm[b * r + a] = sacc - M[a * r + b];
        }
      }
      t = lineSearch(n, r, q, q1, M, Dm, X, C, Z, ps);
      for (let j = 0; j < r * r; j++) M[j] += t * Dm[j];
      for (let i = 0; i < n; i++) q[i] += t * (q1[i] - q[i]);
      await run.step({ iteration: iterations, change });
      if (stalled(change)) break;
    }
  }
  // Unconverged (maxIter, a stall, or a p so large that the continuation did not reach it): Lewis weights
  // lie in [0, 1], and q^(p/2) of a q above 1 may overflow.
  for (let i = 0; i < n; i++) w[i] = q[i] > 0 ? Math.min(1, Math.pow(q[i], p / 2)) : 0;
  return { iterations, change, converged: false, alpha: t };
}

/**
 * argmin over t in [0, 1] of φ(t) = -Σ log(1 + t μ_j) + (2/p) Σ (q_i + t Δ_i)^(p/2)
 * (F along M + tD up to a constant), Δ = q1 - q, μ the eigenvalues of C⁻¹ D C⁻ᵀ:
 * t = 1 when φ'(1) <= 0, else Newton on φ' (convex φ, so φ' increases) kept
 * inside a shrinking bracket [lo, hi] with φ'(lo) < 0 < φ'(hi), bisecting when a
 * step leaves it. φ'(t) is evaluated as φ'(0) + (φ'(t) - φ'(0)) with
 * φ'(0) = <X - M⁻¹, D> from the matrices and the increment summed from terms
 * that do not cancel (t μ²/(1 + tμ), and Δ_i q_i^(p/2-1) expm1((p/2-1) log1p(tΔ_i/q_i))),
 * so the sign of φ' stays right down to ||D|| near eps, not sqrt(eps).
 * O(r³ + iterations · (n + r)).
 */
function lineSearch(
  n: number, r: number, q: Float64Array, q1: Float64Array, M: Float64Array, D: Float64Array,
  X: Float64Array, C: Float64Array, Z: Float64Array, p: number,
): number {
  // C = chol(M) (lower), Z = C⁻¹ D C⁻ᵀ, μ = eig(Z).
  C.set(M);
  for (let j = 0; j < r; j++) {
    let s = C[j * r + j];
    for (let k = 0; k < j; k++) s -= C[j * r + k] * C[j * r + k];
    const cjj = Math.sqrt(Math.max(s, 1e-300));
    C[j * r + j] = cjj;
    for (let i = j + 1; i < r; i++) {
      let x = C[i * r + j];
      for (let k = 0; k < j; k++) x -= C[i * r + k] * C[j * r + k];
      C[i * r + j] = x / cjj;
    }
    for (let i = 0; i < j; i++) C[i * r + j] = 0;
  }
  // Forward substitution with C on each column: dst = C⁻¹ src.
  const fwd = (src: Float64Array, dst: Float64Array) => {
    for (let col = 0; col < r; col++) {
      for (let i = 0; i < r; i++) {
        let x = src[i * r + col];
        for (let k = 0; k < i; k++) x -= C[i * r + k] * dst[k * r + col];
        dst[i * r + col] = x / C[i * r + i];
      }
    }
  };
  const Y = new Float64Array(r * r), Yt = new Float64Array(r * r);
  fwd(D, Y);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Yt[i * r + j] = Y[j * r + i];
  fwd(Yt, Z);
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) Z[i * r + j] = Z[j * r + i] = 0.5 * (Z[i * r + j] + Z[j * r + i]);
  const mu = eigh({ rows: r, cols: r, data: Z }, { backend: "js" }).values;
  // φ'(0) = <X, D> - tr(M⁻¹ D) = <X, D> - tr(Z).
  let g0 = 0;
  for (let j = 0; j < r * r; j++) g0 += X[j] * D[j];
  for (let j = 0; j < r; j++) g0 -= Z[j * r + j];
  const h = p / 2;
  const deriv = (t: number): [number, number] => {
    let g = g0, H = 0;
    for (const m of mu) {
      const x = m / (1 + t * m);
      g += t * m * x;
      H += x * x;
    }
    for (let i = 0; i < n; i++) {
      const dl = q1[i] - q[i], qi = q[i];
      if (dl === 0 || qi <= 0) continue;
      const rel = (t * dl) / qi;
      if (rel <= -1) continue;
      const base = Math.pow(qi, h - 1);
      g += dl * base * Math.expm1((h - 1) * Math.log1p(rel));
      H += (h - 1) * dl * dl * base * Math.pow(1 + rel, h - 2) / qi;
    }
    return [g, H];
  };
  let [g, H] = deriv(1);
  if (g <= 0) return 1;
  let lo = 0, hi = 1, t = 1;
  for (let it = 0; it < 60; it++) {
    let next = t - g / H;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
    [g, H] = deriv(t);
    if (g > 0) hi = t; else lo = t;
    if (hi - lo < 1e-9 * hi || Math.abs(g) <= 1e-15 * H * t) break;
  }
  return Math.max(t, 1e-12);
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
 * Cohen-Peng map. For p >= 4 the weights are computed as the minimiser of
 * a strictly convex function by descent along the Cohen-Peng step with an
 * exact line search, which converges from any start (see `lewisConvex` in
 * src/lewis.ts for the proof).
 * O(4nd² + iterations · 2nr²).
 *
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT (p <= 0, bad
 * option), ABORTED.
 *
 * @example
 * const { weights, converged } = await lewisWeights(A, 1);
 */
export async function lewisWeights(A: DenseMatrix, p: number, opts: LewisOptions = {}): Promise<LewisResult> {
  const P = readP(p, "lewisWeights");
  const o = readOptions("lewisWeights", opts, LEWIS_OPTIONS);
  const run = new LongRun("lewisWeights", o);
  // The exact method checks finiteness on R (orthonormalBasis), into which every entry of A is summed: the
  // up-front scan of A cost about 38 ms at 1e6 x 10, 4% of the wasm run. The sketched method scans A itself.
  const M = readMatrix(A, "A", { finite: false });
  const n = M.rows, d = M.cols;
  const maxIter = o.maxIter ?? 200;
  const tol = o.tol ?? 1e-10;
  const rcond = o.rcond ?? defaultRcond(n, d);
  if (o.method === "sketch") {
    if (P >= 4) {
      throw new LowrankError("INVALID_ARGUMENT", `lewisWeights: method "sketch" runs the fixed-point map, which converges for p < 4 only; got p = ${P} (use method "exact", which converges for every p)`);
    }
    const m = o.sketchSize ?? Math.min(n, Math.max(4 * d * d, 2 * d));
    return lewisSketched(M, P, m, o.seed ?? 0, maxIter, tol, o.backend, run);
  }
  const ws = await sensitivityModule.workspace(o.backend, arenaBytes(checkEntries(lewisBytes(n, d), "lewisWeights"), 0, 24));
  run.check();
  const basis = orthonormalBasis(ws, n, d, ws.input(M.data), rcond);
  let step = basis.next();
  for (; !step.done; step = basis.next()) await run.pause();
  const { U, rank: r } = step.value;
  const w = ws.f64(n);
  if (r === 0) return { weights: ws.output(w), rank: 0, iterations: 0, change: 0, converged: true, alpha: 1 };
  const res = await lewisIterate(ws, n, r, U, P, w, maxIter, tol, run);
  const weights = ws.output(w);
  checkWeights(weights, P);
  return { weights, rank: r, ...res };
}

/**
 * NON_FINITE when a weight came out NaN or ±Infinity, NOT_CONVERGED when they all came out 0 (they sum to
 * the rank, > 0 here): the iteration under- or overflowed at this p.
 */
export function checkWeights(w: Float64Array, p: number): void {
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) {
      throw new LowrankError("NON_FINITE", `lewisWeights: the weights under- or overflowed at p = ${p} (weight ${i} is ${w[i]})`);
    }
    sum += w[i];
  }
  if (!(sum > 0)) throw new LowrankError("NOT_CONVERGED", `lewisWeights: every weight underflowed to 0 at p = ${p}`);
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** f64 entries a Lewis-weight run needs: A, the basis and its scratch, w, v and r x r scratch. */
export function lewisBytes(n: number, d: number): number {
  // w and, for p >= 4 (lewisConvex), v, q and q1: 4n.
  return n * d + basisSize(n, d) + 4 * n + 2 * d * d + 2 * d;
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
  A: DenseMatrix, p: number, m: number, seed: number, maxIter: number, tol: number, backend: Backend | undefined, run: ProgressSink,
): Promise<LewisResult> {
  const n = A.rows, d = A.cols;
  // The scan for NaN/Infinity; columns out of [2^-400, 2^400] are scaled by powers of two (the weights do not change).
  const e = columnExponents(A.data, n, d, "A");
  const f64s = checkEntries(n * d + 4 * n + m * d + 2 * d * d + 4 * d, "lewisWeights");
  const ws = await sensitivityModule.workspace(backend, arenaBytes(f64s, 0, 16));
  const K = ws.kernels;
  let a = ws.input(A.data);
  if (e) {
    if (a === A.data) a = new Float64Array(n * d);
    scaleColumns(A.data, a, n, d, e);
  }
  // w holds log w during the run (see lewisUpdate), so it starts at log 1 = 0.
  const u = ws.f64(n), w = ws.f64(n), v = ws.f64(n).fill(1);
  const weights = () => {
    for (let i = 0; i < n; i++) w[i] = Math.exp(w[i]);
    const out = ws.output(w);
    checkWeights(out, p);
    return out;
  };
  K.rngFill(new Rng(seed), u, false);
  const SA = ws.f64(m * d), Rinv = ws.f64(d * d), tau = ws.f64(d), work = ws.f64(d), z = ws.f64(2 * d);
  let alpha = stepLength(p);
  let change = Infinity, iterations = 0;
  const stalled = stallWatch();
  for (let it = 1; it <= maxIter; it++) {
    SA.fill(0);
    K.countSketch(n, d, a, d, u, m, v, SA);
    if (!allFinite(SA)) throw new LowrankError("NOT_CONVERGED", `lewisWeights: the sketch of W^(1/2-1/p) A overflowed at p = ${p} (weights under/overflowed)`);
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
    await run.step({ iteration: it, change });
    if (change <= tol) return { weights: weights(), rank: d, iterations, change, converged: true, alpha };
    if (stalled(change)) break;
  }
  return { weights: weights(), rank: d, iterations, change, converged: false, alpha };
}
