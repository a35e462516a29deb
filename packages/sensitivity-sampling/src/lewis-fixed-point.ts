// The Lewis-weight fixed-point iteration (Cohen and Peng, STOC 2015,
// Algorithm 1) with the step length in log space of lewisWeights, on an
// orthonormal basis held in a workspace; and what the other Lewis iterations
// share with it: the stall watch, the step length and the inverse Cholesky
// factor (linalg's ridge policy). Public entry: lewis.ts.
import { LowrankError } from "@lowrank/linalg";
import { spdSolve, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import type { LewisProgress, LewisResult } from "./lewis.js";

/** What the iterations report progress to and check the signal with (a LongRun). */
export interface ProgressSink {
  step(record: LewisProgress): Promise<void>;
  /** Yields to the event loop if one is due, and checks the signal. */
  pause(): Promise<void>;
}

/** The arguments of a Lewis iteration on an n x rank orthonormal basis (lewisIterate and the two methods under it). */
export interface LewisIteration {
  n: number;
  /** Columns of U (the numerical rank of A). */
  rank: number;
  /** The basis, n x rank row-major, in the workspace. */
  U: Float64Array;
  p: number;
  /** n doubles; receives the weights. */
  w: Float64Array;
  maxIter: number;
  tol: number;
  run: ProgressSink;
}

/** What an iteration reports besides the weights (the fields of LewisResult). */
export type IterationOutcome = Pick<LewisResult, "iterations" | "change" | "converged" | "alpha">;

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
export function stepLength(p: number): number {
  return 4 / (p + 2);
}

export function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * Linv = L⁻ᵀ (r x r, upper triangular) for the Cholesky factor L of the
 * symmetric positive definite G, so that ||aᵀ Linv||² = aᵀ G⁻¹ a, which is
 * what the Lewis kernels take (an inverse factor, not a solve). The factor is
 * linalg's spdSolve with no right-hand side, so it follows linalg's one ridge
 * policy (G + ρI when G does not factor); then Lᵀ Linv = I. G is not
 * modified, L (r x r) is scratch. Returns the ridge (0 for none), or -1 when
 * no ridge made G factor. O(r³/3 + r³/6).
 */
export function inverseCholeskyFactor(
  K: SensitivityKernels, r: number, G: Float64Array, L: Float64Array, Linv: Float64Array,
): number {
  const ridge = spdSolve(K, r, G, r, L, Linv, 0, r);
  if (ridge < 0) return ridge;
  Linv.fill(0, 0, r * r);
  for (let j = 0; j < r; j++) Linv[j * r + j] = 1;
  K.triangularSolve(true, true, false, r, r, L, r, Linv, r);
  return ridge;
}

/**
 * The fixed-point iteration for p < 4 on the basis U held in `ws`: writes w;
 * v, G, L, Linv and z are taken from the workspace. Starts from the leverage
 * scores; log w is kept in w during the run (one log and one exp per row and
 * step), exponentiated at the end.
 */
export async function lewisFixedPoint(ws: Workspace<SensitivityKernels>, it: LewisIteration): Promise<IterationOutcome> {
  const { n, rank: r, U, p, w, maxIter, tol, run } = it;
  const K = ws.kernels;
  const v = ws.f64(n), G = ws.f64(r * r), L = ws.f64(r * r), Linv = ws.f64(r * r), z = ws.f64(2 * r);
  let alpha = stepLength(p);
  // Start from the leverage scores: the Lewis weights for p = 2, and within a factor of them for other p.
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
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    // Lᵀ Linv = I gives Linv = L⁻ᵀ (upper triangular), so ||a_iᵀ L⁻ᵀ||² = a_iᵀ (Uᵀ V U)⁻¹ a_i.
    if (!allFinite(G) || inverseCholeskyFactor(K, r, G, L, Linv) < 0) {
      throw new LowrankError("NOT_CONVERGED", `lewisWeights: Uᵀ W^(1-2/p) U lost positive definiteness or overflowed at p = ${p} (weights under/overflowed)`);
    }
    const prev = change;
    // The update and the next iteration's Gram matrix in one pass over U.
    change = K.lewisUpdateGram(n, r, U, r, Linv, p, alpha, w, v, z, G);
    // Safeguard of the over-relaxed step (p < 2): should the step ever grow, fall back to Cohen-Peng's plain map.
    if (p < 2 && change > prev) alpha = 1;
    iterations = iteration;
    await run.step({ iteration, change });
    if (change <= tol) return done({ iterations, change, converged: true, alpha });
    if (stalled(change)) break;
  }
  return done({ iterations, change, converged: false, alpha });
}
