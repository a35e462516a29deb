// The sketched Lewis-weight iteration (method "sketch" of lewisWeights): the
// fixed-point map with (Aᵀ V A)⁻¹ taken from the QR of a CountSketch of
// V^(1/2) A, no basis of A formed. Public entry: lewis.ts.
import { LowrankError, Rng, type Backend, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { allFinite, stallWatch, stepLength, type IterationOutcome, type ProgressSink } from "./lewis-fixed-point.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { runWorkspace } from "./run-workspace.js";
import type { Workspace } from "@lowrank/linalg/internal";
import { checkEntries, columnExponents, scaleColumns } from "./validate.js";

/**
 * The sketched variant: the same (damped) fixed-point iteration, with
 * (Aᵀ V A)⁻¹ replaced in every iteration by (RᵀR)⁻¹ for R from the QR of
 * S V^(1/2) A, S one CountSketch of m rows drawn once (a fixed S makes the
 * map deterministic, so the iteration converges to its fixed point), as in
 * Cohen and Peng's use of approximate leverage scores inside the iteration.
 * No basis of A is formed: O(iterations · (nd + 2md² + nd²)).
 */
export async function lewisSketched(
  A: DenseMatrix, p: number, m: number, seed: number, maxIter: number, tol: number, backend: Backend | undefined, run: ProgressSink,
  threads?: number,
): Promise<IterationOutcome & { weights: Float64Array }> {
  const n = A.rows, d = A.cols;
  // The scan for NaN/Infinity; columns out of [2^-400, 2^400] are scaled by powers of two (the weights do not change).
  const e = columnExponents(A.data, n, d, "A");
  const f64s = checkEntries(n * d + 4 * n + m * d + 2 * d * d + 4 * d, "lewisWeights");
  // On the pool when it can take the run (src/run-workspace.ts): the weight updates split over its threads.
  const { ws, release } = await runWorkspace(backend, arenaBytes(f64s, 0, 16), threads);
  try {
    return await sketched(ws, A, p, m, seed, maxIter, tol, run, e);
  } finally {
    release();
  }
}

async function sketched(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, p: number, m: number, seed: number, maxIter: number, tol: number,
  run: ProgressSink, e: Int32Array | null,
): Promise<IterationOutcome & { weights: Float64Array }> {
  const n = A.rows, d = A.cols;
  const K = ws.kernels;
  let a = ws.input(A.data);
  if (e) {
    if (a === A.data) a = new Float64Array(n * d);
    scaleColumns(A.data, a, n, d, e);
  }
  // w holds log w during the run (see lewisUpdate), so it starts at log 1 = 0.
  const u = ws.f64(n), w = ws.f64(n), v = ws.f64(n).fill(1);
  // The caller checks them (checkWeights).
  const weights = () => {
    for (let i = 0; i < n; i++) w[i] = Math.exp(w[i]);
    return ws.output(w);
  };
  K.rngFill(new Rng(seed), u, false);
  const SA = ws.f64(m * d), Rinv = ws.f64(d * d), tau = ws.f64(d), work = ws.f64(d), z = ws.f64(2 * d);
  let alpha = stepLength(p);
  let change = Infinity, iterations = 0;
  const stalled = stallWatch();
  for (let iteration = 1; iteration <= maxIter; iteration++) {
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
    iterations = iteration;
    await run.step({ iteration, change });
    if (change <= tol) return { weights: weights(), iterations, change, converged: true, alpha };
    if (stalled(change)) break;
  }
  return { weights: weights(), iterations, change, converged: false, alpha };
}
