// lewisWeights, the public entry of the l_p Lewis weights: the options, the
// basis, and the choice of iteration (lewis-fixed-point.ts for p < 4,
// lewis-convex.ts for p >= 4, lewis-sketch.ts for method "sketch").
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, readOptions, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import { basisSize, defaultRcond, orthonormalBasisAsync } from "./basis.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { lewisConvex } from "./lewis-convex.js";
import { lewisFixedPoint, type IterationOutcome, type LewisIteration } from "./lewis-fixed-point.js";
import { lewisSketched } from "./lewis-sketch.js";
import { runWorkspace } from "./run-workspace.js";
import { checkEntries, readMatrix, readP } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";
import { castResult, DTYPE, type AsFloat32, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** One Lewis iteration's progress record. */
export interface LewisProgress {
  iteration: number;
  /** max_i |log(w_i new / w_i old)| at this iteration. */
  change: number;
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
  /**
   * Threads for the row passes, the calling thread included (default: the
   * pool's, set by `init({ threads })`; 1 runs on the calling thread alone).
   * The weights have the same bits for any count.
   */
  threads?: number;
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
  threads: opt.int({ min: 1, max: 64 }),
  dtype: DTYPE,
};

/** Result of {@link lewisWeights}. */
export interface LewisResult {
  kind: "lewis-weights";
  /** The layout version (1); a newer one is refused by `serialize`. */
  version: number;
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


/**
 * The Lewis-weight iteration on an n x rank orthonormal basis U held in `ws`
 * (the fixed-point map for p < 4, the convex program for p >= 4). Writes the
 * weights into `it.w`. Shared by {@link lewisWeights} and the Lewis bound of
 * lpSensitivities.
 */
export function lewisIterate(ws: Workspace<SensitivityKernels>, it: LewisIteration): Promise<IterationOutcome> {
  return it.p >= 4 ? lewisConvex(ws, it) : lewisFixedPoint(ws, it);
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
 * lewis-convex.ts for the proof).
 * O(4nd² + iterations · 2nr²).
 *
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT (p <= 0, bad
 * option), ABORTED.
 *
 * `dtype: "float32"` returns the weights as a Float32Array rounded from the f64 result.
 *
 * @example
 * const { weights, converged } = await lewisWeights(A, 1);
 */
export async function lewisWeights<D extends Dtype = "float64">(A: DenseMatrix, p: number, opts?: LewisOptions & DtypeOption<D>): Promise<WithDtype<LewisResult, D>>;
export async function lewisWeights(A: DenseMatrix, p: number, opts: LewisOptions & DtypeOption = {}): Promise<LewisResult | AsFloat32<LewisResult>> {
  const P = readP(p, "lewisWeights");
  const o = readOptions("lewisWeights", opts, LEWIS_OPTIONS);
  if (o.dtype === "float32") return castResult(await lewisWeights(A, P, { ...opts, dtype: "float64" }), "float32", "lewisWeights");
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
    const res = await lewisSketched(M, P, m, o.seed ?? 0, maxIter, tol, o.backend, run, o.threads);
    const { weights, ...outcome } = res;
    checkWeights(weights, P);
    return { kind: "lewis-weights", version: RESULT_FORMAT_VERSION, weights, rank: d, ...outcome };
  }
  // On the pool when it can take the run (src/run-workspace.ts): the basis's R and the weight updates split over its threads.
  const { ws, release } = await runWorkspace(o.backend, arenaBytes(checkEntries(lewisBytes(n, d), "lewisWeights"), 0, 25), o.threads);
  try {
    const { U, rank: r } = await orthonormalBasisAsync(ws, n, d, ws.input(M.data), rcond, run);
    const w = ws.f64(n);
    if (r === 0) return { kind: "lewis-weights", version: RESULT_FORMAT_VERSION, weights: ws.output(w), rank: 0, iterations: 0, change: 0, converged: true, alpha: 1 };
    const res = await lewisIterate(ws, { n, rank: r, U, p: P, w, maxIter, tol, run });
    const weights = ws.output(w);
    checkWeights(weights, P);
    return { kind: "lewis-weights", version: RESULT_FORMAT_VERSION, weights, rank: r, ...res };
  } finally {
    release();
  }
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

/** f64 entries a Lewis-weight run needs: A, the basis and its scratch, w, v and r x r scratch. */
export function lewisBytes(n: number, d: number): number {
  // w and, for p >= 4 (lewisConvex), v, q and q1: 4n; G, L and Linv: 3d².
  return n * d + basisSize(n, d) + 4 * n + 3 * d * d + 2 * d;
}
