import { LowrankError } from "@lowrank/linalg";
import { luSolve, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { QR_CHUNK } from "./basis.js";
import { streamedR, streamedRSize, streamScratch, type StreamScratch } from "./stream.js";
import { finishL1, type L1Certificate } from "./l1-finish.js";

/** Scratch for {@link irls}, allocated once per run and reused across solves of the same size. */
export interface IrlsBuffers {
  /** n x (d+1): the weighted augmented system [√c A | √c b]. */
  M: Float64Array;
  /** (d+1) x (d+1): its R factor. */
  R: Float64Array;
  /** (d+1+QR_CHUNK) x (d+1): the in-cache buffer of the chunked QR. */
  qbuf: Float64Array;
  tau: Float64Array;
  work: Float64Array;
  /** Scratch of the streamed QR of M (blocked Householder on wasm). */
  stream: StreamScratch;
  r: Float64Array;
  x: Float64Array;
  trial: Float64Array;
  best: Float64Array;
  /** n: ω_i sign(r_i) off the vertex rows (l1 optimality certificate). */
  sg: Float64Array;
  /** d: Σ ω_i sign(r_i) a_i over those rows. */
  g: Float64Array;
  /** n: A δ along a vertex edge. */
  ad: Float64Array;
}

/** f64 entries {@link irlsBuffers} takes. */
export function irlsBufferSize(n: number, d: number): number {
  return n * (d + 1) + (d + 1) * (2 * d + 2 + QR_CHUNK) + 2 * (d + 1) + 3 * n + 4 * d + streamedRSize(d + 1, n);
}

export function irlsBuffers(ws: Workspace<SensitivityKernels>, n: number, d: number): IrlsBuffers {
  return {
    M: ws.f64(n * (d + 1)), R: ws.f64((d + 1) * (d + 1)), qbuf: ws.f64((d + 1 + QR_CHUNK) * (d + 1)), tau: ws.f64(d + 1), work: ws.f64(d + 1), r: ws.f64(n),
    x: ws.f64(d), trial: ws.f64(d), best: ws.f64(d), sg: ws.f64(n), g: ws.f64(d), ad: ws.f64(n),
    stream: streamScratch(ws, d + 1, n),
  };
}

/** One IRLS iteration's report. */
export interface IrlsStep {
  iteration: number;
  /** Σ ω_i |r_i|^p at the current iterate. */
  objective: number;
  /** Smoothing ε of the weights (0 for p = 2). */
  eps: number;
}

/** The arguments of {@link irls}: min Σ ω_i |b_i - a_iᵀ x|^p over x for A (n x d, row-major). */
export interface IrlsProblem {
  n: number;
  d: number;
  A: Float64Array;
  b: Float64Array;
  omega: Float64Array;
  p: number;
  maxIter: number;
  tol: number;
  /** Scratch and the best iterate (irlsBuffers). */
  buf: IrlsBuffers;
  /** Filled in at the end. */
  outcome: IrlsOutcome;
  /**
   * p = 1 only: finish with the exact simplex pivots of l1-finish.ts and report
   * the LP certificate; `converged` then means a relative duality gap <= 1e-10.
   */
  certify?: boolean;
}

/** What {@link irls} leaves in `buf.best` and reports at the end. */
export interface IrlsOutcome {
  objective: number;
  iterations: number;
  converged: boolean;
  /** With `certify` at p = 1: the duality certificate of the final vertex (absent when no basis was found). */
  certificate?: L1Certificate;
  /** With `certify` at p = 1: simplex pivots taken by the finish. */
  pivots?: number;
}

/** Relative duality gap under which a certified l1 fit counts as converged. */
export const L1_GAP = 1e-10;

/**
 * Weighted least squares min Σ c_i (b_i - a_iᵀ x)² from the current residuals,
 * by the R factor of [√c A | √c b] (n x (d+1), the streamed QR `streamedR`): R's last
 * column holds Qᵀ√c b, so x solves the d x d triangle against it. Returns
 * false (x untouched) when the weighted design is singular to 1e-14 relative.
 */
function weightedSolve(
  K: SensitivityKernels, n: number, d: number, A: Float64Array, b: Float64Array, omega: Float64Array,
  p: number, eps: number, buf: IrlsBuffers, out: Float64Array,
): boolean {
  const ld = d + 1;
  K.irlsRows(n, d, A, d, b, buf.r, omega, p, eps, buf.M, ld);
  streamedR(K, { rows: n, cols: ld, data: buf.M }, buf.R, buf.stream);
  const R = buf.R;
  // A zero or negligible pivot means the (weighted) design has dependent columns.
  let big = 0;
  for (let j = 0; j < d; j++) big = Math.max(big, Math.abs(R[j * ld + j]));
  for (let j = 0; j < d; j++) if (!(Math.abs(R[j * ld + j]) > big * 1e-14)) return false;
  for (let j = 0; j < d; j++) out[j] = R[j * ld + d];
  K.triangularSolve(false, false, false, d, 1, R, ld, out, 1);
  return true;
}

/** r = b - A x, then Σ ω |r|^p. */
function objectiveAt(K: SensitivityKernels, n: number, d: number, A: Float64Array, b: Float64Array, omega: Float64Array, p: number, x: Float64Array, r: Float64Array): number {
  r.set(b);
  K.gemv(false, n, d, -1, A, d, x, 1, r);
  return K.sumAbsPow(n, r, omega, p);
}

/**
 * The l1 vertex polish. An l1 regression optimum is attained at a vertex of
 * the LP, where d rows with independent a_i fit exactly; IRLS approaches it
 * only linearly. Start from the d rows with the smallest |r_i| at the current
 * x (solve A_S x = b_S; kept only if no worse), then walk vertices as the
 * simplex method for LAD does (Barrodale and Roberts, SIAM J. Numer. Anal.
 * 1973): with g = Σ_{i∉S} ω_i sign(r_i) a_i and A_Sᵀ y = g, the vertex is
 * optimal iff |y_j| <= ω_{S_j} for all j (0 is in the subdifferential). Else
 * row S_j with the largest excess is released along A_S δ = sign(y_j) e_j (the
 * objective's slope there is ω_{S_j} - |y_j| < 0), the exact line search over
 * the breakpoints r_i / (a_iᵀ δ) stops where the slope turns non-negative, and
 * that row enters S. At most 2d + 10 pivots per call (later calls continue
 * from the vertex reached), O(nd) each plus a sort of the first breakpoints.
 * Returns the objective reached and whether the vertex is certified optimal.
 */
function polishL1(
  K: SensitivityKernels, n: number, d: number, A: Float64Array, b: Float64Array, omega: Float64Array,
  f: number, buf: IrlsBuffers,
): { f: number; optimal: boolean } {
  const { r, x, trial, sg, g, ad } = buf;
  const absr = new Float64Array(n);
  for (let i = 0; i < n; i++) absr[i] = omega[i] > 0 ? Math.abs(r[i]) : Infinity;
  const cut = Float64Array.from(absr).sort()[d - 1];
  if (!Number.isFinite(cut)) return { f, optimal: false };
  const S: number[] = [];
  for (let i = 0; i < n && S.length < d; i++) if (absr[i] <= cut) S.push(i);
  const AS = new Float64Array(d * d), bS = new Float64Array(d);
  const setRow = (k: number, i: number) => {
    AS.set(A.subarray(i * d, i * d + d), k * d);
    bS[k] = b[i];
  };
  S.forEach((i, k) => setRow(k, i));
  const xv = luSolve(d, AS, bS, false);
  if (!xv) return { f, optimal: false };
  const saved = Float64Array.from(x);
  x.set(xv);
  let fcur = objectiveAt(K, n, d, A, b, omega, 1, x, r);
  if (!(fcur <= f)) {
    x.set(saved);
    objectiveAt(K, n, d, A, b, omega, 1, x, r);
    return { f, optimal: false };
  }
  const inS = new Uint8Array(n);
  const bt = new Float64Array(n), bi = new Int32Array(n);
  for (const i of S) inS[i] = 1;
  for (let pivot = 0; pivot < 2 * d + 10; pivot++) {
    for (let i = 0; i < n; i++) sg[i] = inS[i] ? 0 : r[i] > 0 ? omega[i] : r[i] < 0 ? -omega[i] : 0;
    K.gemv(true, n, d, 1, A, d, sg, 0, g);
    const y = luSolve(d, AS, g, true);
    if (!y) break;
    let j = -1, excess = 0;
    for (let k = 0; k < d; k++) {
      const e = Math.abs(y[k]) - omega[S[k]];
      if (e > omega[S[k]] * 1e-9 && e > excess) {
        excess = e;
        j = k;
      }
    }
    if (j < 0) return { f: fcur, optimal: true };
    const unit = new Float64Array(d);
    unit[j] = y[j] > 0 ? 1 : -1;
    const delta = luSolve(d, AS, unit, false);
    if (!delta) break;
    trial.set(delta);
    K.gemv(false, n, d, 1, A, d, trial, 0, ad);
    let slope = -excess;
    let nb = 0;
    for (let i = 0; i < n; i++) {
      const c = ad[i];
      if (inS[i] || c === 0 || omega[i] === 0) continue;
      // Residual r_i - t c: a zero residual starts growing at once; otherwise it changes sign at t = r_i / c.
      if (r[i] === 0) slope += omega[i] * Math.abs(c);
      else if (r[i] / c > 0) {
        bt[nb] = r[i] / c;
        bi[nb++] = i;
      }
    }
    if (slope >= 0) break;
    const enter = crossing(bt, bi, nb, slope, ad, omega);
    if (enter < 0) break;
    const leave = S[j];
    setRow(j, enter);
    const xn = luSolve(d, AS, bS, false);
    if (xn) {
      saved.set(x);
      x.set(xn);
      const fn = objectiveAt(K, n, d, A, b, omega, 1, x, r);
      if (fn <= fcur * (1 + 1e-14)) {
        fcur = Math.min(fcur, fn);
        inS[leave] = 0;
        inS[enter] = 1;
        S[j] = enter;
        continue;
      }
      x.set(saved);
      objectiveAt(K, n, d, A, b, omega, 1, x, r);
    }
    setRow(j, leave);
    break;
  }
  return { f: fcur, optimal: false };
}

/**
 * The exact line search of a vertex pivot: walking the breakpoints bt[0..nb)
 * (rows bi) in increasing order, the slope grows by 2 ω_i |a_iᵀ δ| at each;
 * returns the row where it turns non-negative, or -1. Only the smallest
 * breakpoints are usually needed, so they are taken 64, 256, ... at a time:
 * a native sort of the values finds the threshold, then only those below it
 * are ordered. O(nb log nb) at worst.
 */
function crossing(bt: Float64Array, bi: Int32Array, nb: number, slope: number, ad: Float64Array, omega: Float64Array): number {
  const sorted = bt.slice(0, nb).sort();
  for (let K = 64, done = 0; done < nb; K *= 4) {
    const hi = sorted[Math.min(K, nb) - 1];
    const lo = done > 0 ? sorted[done - 1] : -Infinity;
    const batch: number[] = [];
    for (let q = 0; q < nb; q++) if (bt[q] > lo && bt[q] <= hi) batch.push(q);
    batch.sort((u, v) => bt[u] - bt[v]);
    for (const q of batch) {
      const i = bi[q];
      slope += 2 * omega[i] * Math.abs(ad[i]);
      if (slope >= 0) return i;
    }
    done = Math.min(K, nb);
  }
  return -1;
}

/**
 * IRLS for min_x Σ ω_i |b_i - a_iᵀ x|^p (p >= 1 recommended; any p > 0 runs),
 * as a generator yielding after every iteration so a caller can report
 * progress, check an AbortSignal or yield to the event loop.
 *
 * Start: the weighted least-squares solution (exact for p = 2). Each step
 * solves the weighted least squares whose weights ω_i (r_i² + ε²)^(p/2 - 1)
 * come from the current residuals. For p < 2 this majorises the smoothed
 * objective Σ ω_i (r_i² + ε²)^(p/2), so each step does not increase it
 * (the MM view of IRLS); ε starts at the residual scale (f/Σω)^(1/p) / 10 and
 * is divided by 3 whenever the objective improves by less than 1e-4 (relative)
 * in a step (a stalled smoothed problem; faster schedules left p = 1 slower),
 * down to 1e-10 times the starting scale: this is the safeguard at zero
 * residuals (a bounded weight instead of 1/|r_i|), in the spirit of the
 * ε-decreasing IRLS of Daubechies, DeVore, Fornasier and Güntürk (CPAM 2010).
 * For p > 2 the same weights give the Newton direction of Σ ω |r|^p, scaled by
 * (p - 1) (the step x + (x_wls - x)/(p - 1) is Newton's); it is taken with
 * backtracking (halving until the objective decreases), so the objective
 * never increases. The best iterate seen is kept in `buf.best`. For p = 1
 * every step also runs the vertex polish (see polishL1: a few simplex pivots)
 * and the run stops as soon as a vertex is certified optimal, which gives the
 * exact LAD solution instead of IRLS's slow linear approach. Otherwise it
 * stops when ε is at its floor (p < 2) and the relative decrease of the
 * objective falls below tol, after maxIter steps, or (not converged) when a
 * weighted system turns numerically singular. Throws RANK only when the
 * design weighted by ω alone is rank-deficient.
 * O(iterations · 2n(d+1)²).
 */
export function* irls(K: SensitivityKernels, problem: IrlsProblem): Generator<IrlsStep, void, void> {
  yield* irlsSteps(K, problem);
  const { n, d, A, b, omega, p, maxIter, buf, outcome } = problem;
  if (!problem.certify || p !== 1 || maxIter === 0) return;
  // The exact finish from the best iterate; a budget of pivots proportional to d (each O(nd)).
  buf.x.set(buf.best);
  const fin = finishL1(K, n, d, A, b, omega, outcome.objective, { ...buf, bp: buf.M.subarray(0, n) }, 50 * d + 200);
  buf.best.set(buf.x);
  outcome.objective = fin.f;
  outcome.pivots = fin.pivots;
  if (fin.certificate) outcome.certificate = fin.certificate;
  outcome.converged = fin.certificate !== null && fin.certificate.gap <= L1_GAP;
}

function* irlsSteps(K: SensitivityKernels, problem: IrlsProblem): Generator<IrlsStep, void, void> {
  const { n, d, A, b, omega, p, maxIter, tol, buf, outcome } = problem;
  const { x, trial, best, r } = buf;
  r.fill(0);
  if (!weightedSolve(K, n, d, A, b, omega, 2, 0, buf, x)) {
    throw new LowrankError("RANK", "lpRegression: the (weighted) design has linearly dependent columns");
  }
  let f = objectiveAt(K, n, d, A, b, omega, p, x, r);
  best.set(x);
  let fBest = f;
  outcome.objective = f;
  outcome.iterations = 0;
  outcome.converged = p === 2 || f === 0;
  if (outcome.converged) return;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += omega[i];
  const scale = Math.pow(f / wsum, 1 / p);
  const epsMin = 1e-10 * scale;
  let eps = p < 2 ? 0.1 * scale : epsMin;
  const x0 = new Float64Array(d);
  // Iterations since the best objective last went down: with ε at its floor, 100 of them end the run (not
  // converged), so a tol below rounding level (tol = 0) does not run to maxIter.
  let since = 0;
  for (let it = 1; it <= maxIter; it++) {
    // Extreme weights (tiny ε at many zero residuals) can make the system numerically singular: stop at the best iterate.
    if (!weightedSolve(K, n, d, A, b, omega, p, eps, buf, trial)) return;
    let fNew: number;
    if (p <= 2) {
      x.set(trial);
      fNew = objectiveAt(K, n, d, A, b, omega, p, x, r);
    } else {
      // Newton step on Σ ω |r|^p: x + t (x_wls - x) with t = 1/(p-1), halved until the objective decreases.
      for (let j = 0; j < d; j++) trial[j] -= x[j];
      let t = 1 / (p - 1);
      x0.set(x);
      for (let h = 0; ; h++) {
        for (let j = 0; j < d; j++) x[j] = x0[j] + t * trial[j];
        fNew = objectiveAt(K, n, d, A, b, omega, p, x, r);
        if (fNew <= f || h >= 40) break;
        t /= 2;
      }
    }
    let rel = (f - fNew) / f;
    let optimal = false;
    if (p === 1) {
      const pol = polishL1(K, n, d, A, b, omega, fNew, buf);
      if (pol.f < fNew) rel = (f - pol.f) / f;
      fNew = pol.f;
      optimal = pol.optimal;
    }
    f = fNew;
    if (f < fBest) {
      fBest = f;
      best.set(x);
      since = 0;
    } else since++;
    outcome.objective = fBest;
    outcome.iterations = it;
    yield { iteration: it, objective: f, eps: p === 2 ? 0 : eps };
    if (optimal || (eps <= epsMin && Math.abs(rel) <= tol)) {
      outcome.converged = true;
      return;
    }
    if (p < 2 && rel < 1e-4 && eps > epsMin) eps = Math.max(epsMin, eps / 3);
    if (f === 0) {
      outcome.converged = true;
      return;
    }
    if (eps <= epsMin && since >= 100) return;
  }
}
