import { asVector, BACKEND, LONG_RUN, LongRun, LowrankError, opt, readOptions, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { irls, irlsBuffers, irlsBufferSize, type IrlsOutcome, type IrlsStep } from "./irls.js";
import { runWorkspace } from "./run-workspace.js";
import { checkEntries, columnExponents, exponentOf, ldexp, readMatrix, readP, SAFE_EXP, scaleColumns } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";

/** Options of {@link lpRegression}. */
export interface LpRegressionOptions extends BackendOptions {
  /** Row weights ω_i >= 0 (a coreset's weights): minimise Σ ω_i |b_i - a_iᵀ x|^p. Default all 1. */
  weights?: ArrayLike<number>;
  /** IRLS iterations at most (default 100; 0 returns the weighted least-squares start). */
  maxIter?: number;
  /**
   * Stop IRLS when the relative decrease of the objective falls below tol (default 1e-10). At p = 1
   * the exact finish runs after IRLS whatever its stop, and the certificate decides `converged`.
   */
  tol?: number;
  /** Called after every iteration. */
  onProgress?: (s: IrlsStep) => void;
  /** Checked before any work and between iterations; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
  /**
   * Threads for each iteration's R factor, the calling thread included
   * (default: the pool's, set by `init({ threads })`; 1 runs on the calling
   * thread alone). The result has the same bits for any count.
   */
  threads?: number;
}

const REGRESSION_OPTIONS = {
  backend: BACKEND,
  weights: opt.any<unknown>(),
  ...LONG_RUN,
  // 0 is accepted here: the weighted least-squares start alone.
  maxIter: opt.int({ min: 0 }),
  onProgress: opt.func<(s: IrlsStep) => void>(),
  threads: opt.int({ min: 1, max: 64 }),
};

/** The power-of-two exponent bringing max |x_i| to [1, 2) when it is out of [2^-SAFE_EXP, 2^SAFE_EXP], else 0. O(n). */
function vectorExponent(x: Float64Array): number {
  let big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]));
  return big === 0 || (big >= 2 ** -SAFE_EXP && big <= 2 ** SAFE_EXP) ? 0 : exponentOf(big);
}

/** Result of {@link lpRegression}. */
export interface LpRegressionResult {
  kind: "lp-regression";
  /** The layout version (1); a newer one is refused by `serialize`. */
  version: number;
  /** The minimiser (the best iterate seen). */
  x: Float64Array;
  /** Σ ω_i |b_i - a_iᵀ x|^p at x. */
  objective: number;
  iterations: number;
  /**
   * p = 1: true only when the certificate's relative duality gap is at most
   * 1e-10. Other p: the IRLS stopping rule (relative decrease below tol).
   */
  converged: boolean;
  /**
   * p = 1 (after at least one iteration): the LP duality certificate of the
   * returned x, from the exact simplex finish. `primal` is the objective,
   * `dual` = bᵀu for a dual vector u with |u_i| <= ω_i and Aᵀu = 0 (to
   * rounding), a lower bound on the optimum; `gap` = (primal - dual) / primal.
   */
  certificate?: { primal: number; dual: number; gap: number };
}

/**
 * Weighted l_p regression min_x Σ ω_i |b_i - a_iᵀ x|^p by iteratively
 * reweighted least squares, each weighted least squares solved by one
 * Householder QR of [√c A | √c b]. For p < 2 the weights are smoothed,
 * (r² + ε²)^(p/2-1) with ε decreasing to 1e-10 of the residual scale, so zero
 * residuals (exact fits, the vertices an l1 solution sits on) never give
 * infinite weights; for p > 2 the step is Newton's with backtracking. See
 * src/irls.ts for the schedule. p = 2 is one QR. At p = 1 IRLS's best point
 * is finished by simplex pivots to an optimal vertex of the LP and the result
 * carries its duality certificate (src/l1-finish.ts); `converged` is then
 * true only for a relative gap <= 1e-10. O(iterations · 2n(d+1)²), plus
 * pivots · (2nd + d³) at p = 1.
 *
 * Errors: SHAPE (b or weights of the wrong length, n < d), EMPTY, NON_FINITE,
 * INVALID_ARGUMENT (p <= 0, negative weights, bad option), RANK (the weighted
 * design has dependent columns), ABORTED.
 *
 * @example
 * const { x, objective } = await lpRegression(A, b, 1); // least absolute deviations
 */
export async function lpRegression(A: DenseMatrix, b: ArrayLike<number>, p: number, opts: LpRegressionOptions = {}): Promise<LpRegressionResult> {
  const P = readP(p, "lpRegression");
  const o = readOptions("lpRegression", opts, REGRESSION_OPTIONS);
  const run = new LongRun<IrlsStep>("lpRegression", o);
  let M = readMatrix(A, "A");
  const n = M.rows, d = M.cols;
  let bv = asVector(b, "b", { length: n });
  if (n < d) throw new LowrankError("SHAPE", `lpRegression: A is ${n} x ${d}; need at least as many rows as columns`);
  let omega: Float64Array;
  if (o.weights === undefined) omega = new Float64Array(n).fill(1);
  else {
    omega = asVector(o.weights, "weights", { length: n });
    for (let i = 0; i < n; i++) {
      if (omega[i] < 0) throw new LowrankError("INVALID_ARGUMENT", `lpRegression: weights[${i}] = ${omega[i]} is negative`);
    }
  }
  const maxIter = o.maxIter ?? 100;
  const tol = o.tol ?? 1e-10;
  // Inputs near the ends of double range are solved scaled by powers of two (columns of A, b, the weights):
  // x_j = y_j 2^(eb - e_j) and the objective is 2^(ew + p eb) times the scaled one. In range, nothing changes.
  const e = columnExponents(M.data, n, d, "A") ?? new Int32Array(d);
  const eb = vectorExponent(bv), ew = vectorExponent(omega);
  const scaled = eb !== 0 || ew !== 0 || e.some((k) => k !== 0);
  if (scaled) {
    const data = new Float64Array(n * d);
    scaleColumns(M.data, data, n, d, e);
    M = { rows: n, cols: d, data };
    bv = bv.map((v) => ldexp(v, -eb));
    omega = omega.map((v) => ldexp(v, -ew));
  }
  const unscale = (f: number) => (scaled ? Math.exp(Math.log(f) + (ew + P * eb) * Math.LN2) : f);
  const f64s = checkEntries(n * d + 2 * n + irlsBufferSize(n, d), "lpRegression");
  // On the pool when it can take the run (src/run-workspace.ts): each iteration's R factor splits over its threads.
  const { ws, release } = await runWorkspace(o.backend, arenaBytes(f64s, 0, 24), o.threads);
  let x: Float64Array;
  const outcome: IrlsOutcome = { objective: 0, iterations: 0, converged: false };
  try {
    run.check();
    const a = ws.input(M.data), bw = ws.input(bv), om = ws.input(omega);
    const buf = irlsBuffers(ws, n, d);
    for (const step of irls(ws.kernels, { n, d, A: a, b: bw, omega: om, p: P, maxIter, tol, buf, outcome, certify: true })) {
      await run.step(scaled ? { ...step, objective: unscale(step.objective) } : step);
    }
    x = ws.output(buf.best);
  } finally {
    release();
  }
  if (scaled) for (let j = 0; j < d; j++) x[j] = ldexp(x[j], eb - e[j]);
  const objective = unscale(outcome.objective);
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(x[j])) throw new LowrankError("NON_FINITE", `lpRegression: the solution's entry ${j} overflows double precision`);
  }
  if (!Number.isFinite(objective)) {
    throw new LowrankError("NON_FINITE", `lpRegression: the objective Σ ω_i |b_i - a_iᵀ x|^p at the solution overflows double precision (p = ${P}); rescale b or the weights`);
  }
  const res: LpRegressionResult = { kind: "lp-regression", version: RESULT_FORMAT_VERSION, x, objective, iterations: outcome.iterations, converged: outcome.converged };
  const c = outcome.certificate;
  // The gap is scale-free; the dual is rescaled through it (dual = primal (1 - gap)) so the unscaling needs no sign.
  if (c) res.certificate = { primal: objective, dual: scaled ? objective * (1 - c.gap) : c.dual, gap: c.gap };
  return res;
}
