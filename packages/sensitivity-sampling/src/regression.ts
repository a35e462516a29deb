import { arenaBytes, checkDense, checkVector, LowrankError, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { irls, irlsBuffers, irlsBufferSize, type IrlsOutcome, type IrlsStep } from "./irls.js";
import { createSensitivityWorkspace } from "./module.js";
import { checkAborted, checkP, intOption, numOption, ticker } from "./validate.js";

/** Options of {@link lpRegression}. */
export interface LpRegressionOptions extends BackendOptions {
  /** Row weights ω_i >= 0 (a coreset's weights): minimise Σ ω_i |b_i - a_iᵀ x|^p. Default all 1. */
  weights?: ArrayLike<number>;
  /** IRLS iterations at most (default 100). */
  maxIter?: number;
  /** Stop when the relative decrease of the objective falls below tol (default 1e-10). */
  tol?: number;
  /** Called after every iteration. */
  onProgress?: (s: IrlsStep) => void;
  /** Checked between iterations; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/** Result of {@link lpRegression}. */
export interface LpRegressionResult {
  /** The minimiser (the best iterate seen). */
  x: Float64Array;
  /** Σ ω_i |b_i - a_iᵀ x|^p at x. */
  objective: number;
  iterations: number;
  converged: boolean;
}

/**
 * Weighted l_p regression min_x Σ ω_i |b_i - a_iᵀ x|^p by iteratively
 * reweighted least squares, each weighted least squares solved by one
 * Householder QR of [√c A | √c b]. For p < 2 the weights are smoothed,
 * (r² + ε²)^(p/2-1) with ε decreasing to 1e-10 of the residual scale, so zero
 * residuals (exact fits, the vertices an l1 solution sits on) never give
 * infinite weights; for p > 2 the step is Newton's with backtracking. See
 * src/irls.ts for the schedule. p = 2 is one QR. O(iterations · 2n(d+1)²).
 *
 * Errors: SHAPE (b or weights of the wrong length, n < d), EMPTY, NON_FINITE,
 * INVALID_ARGUMENT (p <= 0, negative weights, bad option), RANK (the weighted
 * design has dependent columns), ABORTED.
 *
 * @example
 * const { x, objective } = await lpRegression(A, b, 1); // least absolute deviations
 */
export async function lpRegression(A: DenseMatrix, b: ArrayLike<number>, p: number, opts: LpRegressionOptions = {}): Promise<LpRegressionResult> {
  A = checkDense(A, "A");
  const n = A.rows, d = A.cols;
  const bv = checkVector(b, "b", n);
  checkP(p, "lpRegression");
  if (n < d) throw new LowrankError("SHAPE", `lpRegression: A is ${n} x ${d}; need at least as many rows as columns`);
  let omega: Float64Array;
  if (opts.weights === undefined) omega = new Float64Array(n).fill(1);
  else {
    omega = checkVector(opts.weights, "weights", n);
    for (let i = 0; i < n; i++) {
      if (omega[i] < 0) throw new LowrankError("INVALID_ARGUMENT", `lpRegression: weights[${i}] = ${omega[i]} is negative`);
    }
  }
  const maxIter = intOption(opts.maxIter, 100, 0, "maxIter");
  const tol = numOption(opts.tol, 1e-10, "tol");
  checkAborted(opts.signal, "lpRegression");
  const ws = await createSensitivityWorkspace(opts.backend, arenaBytes(n * d + 2 * n + irlsBufferSize(n, d), 0, 16));
  const a = ws.input(A.data), bw = ws.input(bv), om = ws.input(omega);
  const buf = irlsBuffers(ws, n, d);
  const outcome: IrlsOutcome = { objective: 0, iterations: 0, converged: false };
  const tick = ticker();
  for (const step of irls(ws.kernels, n, d, a, bw, om, p, maxIter, tol, buf, outcome)) {
    opts.onProgress?.(step);
    checkAborted(opts.signal, "lpRegression");
    await tick();
  }
  return { x: ws.output(buf.best), ...outcome };
}
