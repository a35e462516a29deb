// Lewis weights for p >= 4 as the minimiser of a strictly convex function:
// descent along the Cohen-Peng step with an exact line search (the proof of
// convergence is on lewisConvex). Public entry: lewis.ts.
import { eigh, LowrankError } from "@lowrank/linalg";
import { spdSolve, type Workspace } from "@lowrank/linalg/internal";
import { jsKernels } from "@lowrank/linalg/kernels";
import type { SensitivityKernels } from "./kernels/index.js";
import {
  allFinite, inverseCholeskyFactor, stallWatch, type IterationOutcome, type LewisIteration,
} from "./lewis-fixed-point.js";

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
export async function lewisConvex(ws: Workspace<SensitivityKernels>, it: LewisIteration): Promise<IterationOutcome> {
  const { n, rank: r, U, p, w, maxIter, tol, run } = it;
  const K = ws.kernels;
  const v = ws.f64(n), q = ws.f64(n), q1 = ws.f64(n), G = ws.f64(r * r), z = ws.f64(2 * r);
  const L = ws.f64(r * r), Linv = ws.f64(r * r);
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
      if (!allFinite(G) || inverseCholeskyFactor(K, r, G, L, Linv) < 0) {
        throw new LowrankError("NOT_CONVERGED", `lewisWeights: Uᵀ W^(1-2/p) U is numerically singular at p = ${ps} (weights spread beyond double precision)`);
      }
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
  // C = chol(M) (lower, through linalg's one SPD factorisation and its ridge
  // policy), Z = C⁻¹ D C⁻ᵀ by two triangular solves, μ = eig(Z).
  if (spdSolve(jsKernels, r, M, r, C, Z, 0, r) < 0) {
    throw new LowrankError("NOT_CONVERGED", "lewisWeights: the line search's matrix did not factor (the weights degenerated)");
  }
  const Yt = new Float64Array(r * r);
  Z.set(D.subarray(0, r * r));
  jsKernels.triangularSolve(true, false, false, r, r, C, r, Z, r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Yt[i * r + j] = Z[j * r + i];
  Z.set(Yt);
  jsKernels.triangularSolve(true, false, false, r, r, C, r, Z, r);
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
