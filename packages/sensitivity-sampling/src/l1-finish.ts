import { luSolve } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";

/**
 * The LP duality certificate of an l1 fit min Σ ω_i |b_i - a_iᵀ x|.
 * The dual LP is max bᵀu subject to Aᵀu = 0 and |u_i| <= ω_i, so bᵀu of a
 * feasible u bounds the optimum from below; `gap` is (primal - dual) / primal
 * (0 when primal is 0). Aᵀu = 0 holds to rounding (the basis duals are solved
 * with one refinement step); the box |u_i| <= ω_i holds exactly (u is scaled
 * into it, so a basis that is not optimal shows as a positive gap).
 */
export interface L1Certificate {
  primal: number;
  dual: number;
  gap: number;
}

/** A vertex's basis duals y (A_Sᵀ y = g) must satisfy |y_j| <= ω_{S_j} to this relative slack. */
const DUAL_SLACK = 1e-11;

/** r = b - A x, then Σ ω |r|. */
function l1At(K: SensitivityKernels, n: number, d: number, A: Float64Array, b: Float64Array, omega: Float64Array, x: Float64Array, r: Float64Array): number {
  r.set(b);
  K.gemv(false, n, d, -1, A, d, x, 1, r);
  return K.sumAbsPow(n, r, omega, 1);
}

/** Solves M z = y (Mᵀ z = y when trans) with one step of iterative refinement; null when singular. O(d³). */
function refinedSolve(d: number, M: Float64Array, y: Float64Array, trans: boolean): Float64Array | null {
  const z = luSolve(d, M, y, trans);
  if (!z) return null;
  const res = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = y[i];
    for (let j = 0; j < d; j++) s -= (trans ? M[j * d + i] : M[i * d + j]) * z[j];
    res[i] = s;
  }
  const c = luSolve(d, M, res, trans);
  if (c) for (let i = 0; i < d; i++) z[i] += c[i];
  return z;
}

/**
 * d rows with independent a_i and ω_i > 0, taken greedily in increasing |r_i|
 * (Gram-Schmidt against the rows already taken; a row whose remainder is
 * below 1e-9 of its norm is skipped). Null when fewer than d are found.
 * O(n log n + n d²) at worst, usually O(n log n).
 */
function startBasis(n: number, d: number, A: Float64Array, omega: Float64Array, r: Float64Array): number[] | null {
  // Candidates in increasing |r_i|: the 8d smallest first (a native sort finds the threshold), all rows if
  // those do not hold d independent ones.
  const absr = new Float64Array(n);
  for (let i = 0; i < n; i++) absr[i] = Math.abs(r[i]);
  const cut = Float64Array.from(absr).sort()[Math.min(n, 8 * d) - 1];
  const first: number[] = [];
  for (let i = 0; i < n; i++) if (absr[i] <= cut) first.push(i);
  const byR = (i: number, j: number) => absr[i] - absr[j] || i - j;
  const S = independentRows(d, A, omega, first.sort(byR));
  if (S.length === d || first.length === n) return S.length === d ? S : null;
  const all = independentRows(d, A, omega, Array.from({ length: n }, (_, i) => i).sort(byR));
  return all.length === d ? all : null;
}

/** Up to d rows of `order` (in that order) with ω_i > 0 and independent a_i, by Gram-Schmidt. O(|order| d²) at worst. */
function independentRows(d: number, A: Float64Array, omega: Float64Array, order: number[]): number[] {
  const n = order.length;
  const Q = new Float64Array(d * d);
  const S: number[] = [];
  const v = new Float64Array(d);
  for (let q = 0; q < n && S.length < d; q++) {
    const i = order[q];
    if (!(omega[i] > 0)) continue;
    let norm0 = 0;
    for (let j = 0; j < d; j++) {
      v[j] = A[i * d + j];
      norm0 += v[j] * v[j];
    }
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < S.length; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += Q[k * d + j] * v[j];
        for (let j = 0; j < d; j++) v[j] -= s * Q[k * d + j];
      }
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += v[j] * v[j];
    if (!(norm > 1e-18 * norm0)) continue;
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) Q[S.length * d + j] = v[j] * inv;
    S.push(i);
  }
  return S;
}

/**
 * The exact line search along a vertex edge: the slope starts at `slope` < 0
 * and grows by inc[q] at breakpoint bt[q] (row bi[q]); returns the row where
 * it turns non-negative, or -1, listing the rows passed before it in
 * `passed` (their residuals change sign on the step). The smallest breakpoints are taken 64, 256,
 * ... at a time (a native sort of the values finds each threshold), so a
 * pivot usually orders only a few of them. O(nb log nb) at worst.
 */
function crossing(bt: Float64Array, inc: Float64Array, bi: Int32Array, nb: number, slope: number, passed: number[]): number {
  const sorted = bt.slice(0, nb).sort();
  for (let K = 64, done = 0; done < nb; K *= 4) {
    const hi = sorted[Math.min(K, nb) - 1];
    const lo = done > 0 ? sorted[done - 1] : -Infinity;
    const batch: number[] = [];
    for (let q = 0; q < nb; q++) if (bt[q] > lo && bt[q] <= hi) batch.push(q);
    batch.sort((u, v) => bt[u] - bt[v] || bi[u] - bi[v]);
    for (const q of batch) {
      slope += inc[q];
      if (slope >= 0) return bi[q];
      passed.push(bi[q]);
    }
    done = Math.min(K, nb);
  }
  return -1;
}

/**
 * Scratch of {@link finishL1}, workspace views (the kernels run on them): n-vectors r, sg, ad,
 * d-vectors g and trial, and x (d) holding the start on entry.
 */
export interface FinishScratch {
  r: Float64Array;
  sg: Float64Array;
  ad: Float64Array;
  g: Float64Array;
  trial: Float64Array;
  x: Float64Array;
  /** n: the perturbed right-hand side of a degenerate LP. */
  bp: Float64Array;
}

/**
 * The exact finish of an l1 fit (see docs/ARCHITECTURE.md, sensitivity-sampling):
 * from the point in `s.x` (IRLS's best), take the d rows of smallest |r_i|
 * with independent a_i as a basis S, move to the vertex A_S x = b_S, and run
 * the simplex method for LAD (Barrodale-Roberts): with u_i = ω_i s_i off S,
 * s_i the side of row i (the sign of r_i; a zero residual keeps the side it
 * had, or the one it leaves the basis with, as a degenerate LP basis does),
 * and g = Σ_{i∉S} u_i a_i, the basis duals y solve A_Sᵀ y = g; the vertex is
 * optimal iff |y_j| <= ω_{S_j} for all j (then u_S = -y completes a feasible
 * dual with bᵀu = the objective). Otherwise the row with the largest excess
 * leaves along A_S δ = sign(y_j) e_j, the exact line search over the
 * breakpoints r_i / (a_iᵀ δ) (a zero residual off S whose side disagrees with
 * the direction breaks at t = 0: a degenerate pivot) picks the entering row,
 * and x is re-solved on the new basis. Stops when optimal, after maxPivots
 * pivots, or when a pivot fails to keep the objective (rounding). Returns the
 * objective at the final x (left in s.x, never worse than the start `f0`) and
 * the certificate of the final basis. O(pivots · (2nd + d³ + nb log nb)).
 */
export function finishL1(
  K: SensitivityKernels, n: number, d: number, A: Float64Array, b: Float64Array, omega: Float64Array,
  f0: number, s: FinishScratch, maxPivots: number,
): { f: number; pivots: number; certificate: L1Certificate | null } {
  const { r, sg, ad, g, trial, x, bp } = s;
  // The right-hand side pivoted on: b, or bp once degenerate pivots stall (see below).
  let bb = b;
  let zapTol = 1e-12;
  const start = Float64Array.from(x);
  if (f0 === 0) return { f: 0, pivots: 0, certificate: { primal: 0, dual: 0, gap: 0 } };
  l1At(K, n, d, A, b, omega, x, r);
  // The side of each row off the basis (the sign of u_i): its residual's sign, kept while the residual is 0.
  const side = new Int8Array(n);
  // Rows fitted exactly at a vertex come out of b - A x with rounding noise (1e-32 for 0); residuals within
  // 1e-12 of |b_i| + |a_i|₁ |x|∞ + mean |b| count as 0, so their side is not set by noise (the mean gives
  // rows with b_i = 0 at x = 0 a scale too).
  const rowNorm = new Float64Array(n);
  let bMean = 0;
  for (let i = 0; i < n; i++) bMean += Math.abs(b[i]) / n;
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += Math.abs(A[i * d + j]);
    rowNorm[i] = t;
  }
  const sides = () => {
    let xinf = 0;
    for (let j = 0; j < d; j++) xinf = Math.max(xinf, Math.abs(x[j]));
    for (let i = 0; i < n; i++) {
      if (Math.abs(r[i]) <= zapTol * (Math.abs(b[i]) + rowNorm[i] * xinf + bMean)) r[i] = 0;
      else side[i] = r[i] > 0 ? 1 : -1;
    }
  };
  side.fill(1);
  sides();
  const S = startBasis(n, d, A, omega, r);
  if (!S) return { f: f0, pivots: 0, certificate: null };
  const AS = new Float64Array(d * d), bS = new Float64Array(d);
  const setRow = (k: number, i: number) => {
    AS.set(A.subarray(i * d, i * d + d), k * d);
    bS[k] = bb[i];
  };
  S.forEach((i, k) => setRow(k, i));
  const inS = new Uint8Array(n);
  for (const i of S) inS[i] = 1;
  const xv = refinedSolve(d, AS, bS, false);
  if (!xv) return { f: f0, pivots: 0, certificate: null };
  x.set(xv);
  let f = l1At(K, n, d, A, b, omega, x, r);
  sides();
  const bt = new Float64Array(n), inc = new Float64Array(n), bi = new Int32Array(n);
  let y: Float64Array | null = null;
  let pivots = 0;
  // Consecutive degenerate pivots (objective unchanged): from the third on, Bland's rule (the violating basis
  // row of smallest index leaves; ties at the entering breakpoint go to the smallest index) prevents cycling.
  let stall = 0;
  for (;;) {
    for (let i = 0; i < n; i++) sg[i] = inS[i] ? 0 : side[i] * omega[i];
    K.gemv(true, n, d, 1, A, d, sg, 0, g);
    y = refinedSolve(d, AS, g, true);
    if (!y || pivots >= maxPivots) break;
    if (stall >= 2 * d + 10 && bb === b) {
      // Many rows fit exactly (ties, integer data): the pivots are degenerate and can cycle. Perturb b by
      // about 1e-10 relative (a fixed pseudo-random pattern) so exact fits break apart, pivot on that, and
      // return to b at the end: the basis duals depend on the basis and the sides only, not on b.
      let xinf = 0;
      for (let k = 0; k < d; k++) xinf = Math.max(xinf, Math.abs(x[k]));
      for (let i = 0; i < n; i++) {
        const h = Math.imul(i + 1, 0x9e3779b1) >>> 0;
        bp[i] = b[i] + (h / 2 ** 32 - 0.5) * 2e-10 * (Math.abs(b[i]) + rowNorm[i] * xinf + bMean);
      }
      bb = bp;
      zapTol = 1e-14;
      S.forEach((i, k) => setRow(k, i));
      const xp = refinedSolve(d, AS, bS, false);
      if (!xp) break;
      x.set(xp);
      f = l1At(K, n, d, A, bb, omega, x, r);
      sides();
      stall = 0;
      continue;
    }
    let j = -1, excess = 0;
    for (let k = 0; k < d; k++) {
      const e = Math.abs(y[k]) - omega[S[k]];
      if (e > omega[S[k]] * DUAL_SLACK && (j < 0 || (stall >= 2 ? S[k] < S[j] : e > excess))) {
        excess = e;
        j = k;
      }
    }
    if (j < 0) break;
    const unit = new Float64Array(d);
    unit[j] = y[j] > 0 ? 1 : -1;
    const delta = refinedSolve(d, AS, unit, false);
    if (!delta) break;
    trial.set(delta);
    K.gemv(false, n, d, 1, A, d, trial, 0, ad);
    let dinf = 0;
    for (let k = 0; k < d; k++) dinf = Math.max(dinf, Math.abs(delta[k]));
    let nb = 0;
    for (let i = 0; i < n; i++) {
      const c = ad[i];
      // A row with a_iᵀδ at rounding level is parallel to the edge: entering, it would make the basis singular.
      if (inS[i] || Math.abs(c) <= 1e-12 * rowNorm[i] * dinf || !(omega[i] > 0)) continue;
      // Residual r_i - t c flips sign at r_i / c; a zero residual whose side disagrees with -c flips at t = 0.
      if (r[i] === 0 ? side[i] * c > 0 : r[i] / c > 0) {
        bt[nb] = r[i] === 0 ? 0 : r[i] / c;
        inc[nb] = 2 * omega[i] * Math.abs(c);
        bi[nb++] = i;
      }
    }
    const passed: number[] = [];
    const enter = crossing(bt, inc, bi, nb, -excess, passed);
    if (enter < 0) break;
    const leave = S[j];
    setRow(j, enter);
    const xn = refinedSolve(d, AS, bS, false);
    const saved = Float64Array.from(x);
    if (xn) {
      x.set(xn);
      const fn = l1At(K, n, d, A, bb, omega, x, r);
      if (fn <= f * (1 + 1e-13)) {
        stall = fn < f * (1 - 1e-14) ? 0 : stall + 1;
        f = Math.min(f, fn);
        inS[leave] = 0;
        inS[enter] = 1;
        // The leaving row's residual moves to -t sign(y_j): its side even when the step is degenerate (t = 0).
        side[leave] = y[j] > 0 ? -1 : 1;
        sides();
        // Rows passed at the step's own breakpoint (t = 0 on a degenerate step) are left at 0 on their new side.
        for (const i of passed) if (r[i] === 0) side[i] = ad[i] > 0 ? -1 : 1;
        S[j] = enter;
        pivots++;
        continue;
      }
      x.set(saved);
      l1At(K, n, d, A, bb, omega, x, r);
      sides();
    }
    setRow(j, leave);
    // The duals of the basis kept (recomputed above for the same S: y is still theirs).
    break;
  }
  if (bb !== b) {
    // Back to b on the final basis: the vertex, its residuals (exact fits keep their sides) and the duals.
    bb = b;
    zapTol = 1e-12;
    S.forEach((i, k) => setRow(k, i));
    const xb = refinedSolve(d, AS, bS, false);
    if (xb) x.set(xb);
    f = l1At(K, n, d, A, b, omega, x, r);
    sides();
    for (let i = 0; i < n; i++) sg[i] = inS[i] ? 0 : side[i] * omega[i];
    K.gemv(true, n, d, 1, A, d, sg, 0, g);
    y = refinedSolve(d, AS, g, true);
  }
  const certificate = y ? certify(n, b, omega, side, inS, S, y, f) : null;
  if (f > f0) {
    // The vertex never got below the start (a pivot budget of 0, or rounding): keep the start.
    x.set(start);
    return { f: f0, pivots, certificate: certificate && { ...certificate, primal: f0, gap: (f0 - certificate.dual) / f0 } };
  }
  return { f, pivots, certificate };
}

/**
 * The dual vector of the basis S: u_i = ω_i s_i off S (s_i the row's side),
 * u_{S_j} = -y_j, so Aᵀu = 0 (to rounding); when some |y_j| exceeds ω_{S_j}
 * (a basis that is not optimal), u is divided by α = max_j |y_j| / ω_{S_j}
 * to make it feasible. dual = bᵀu (compensated sum). O(n).
 */
function certify(n: number, b: Float64Array, omega: Float64Array, side: Int8Array, inS: Uint8Array, S: number[], y: Float64Array, f: number): L1Certificate {
  let sum = 0, comp = 0;
  const add = (v: number) => {
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  };
  for (let i = 0; i < n; i++) {
    if (inS[i]) continue;
    const u = side[i] * omega[i];
    if (u !== 0) add(u * b[i]);
  }
  let alpha = 1;
  S.forEach((i, k) => {
    add(-y[k] * b[i]);
    alpha = Math.max(alpha, Math.abs(y[k]) / omega[i]);
  });
  const dual = (sum + comp) / alpha;
  return { primal: f, dual, gap: f > 0 ? (f - dual) / f : 0 };
}
