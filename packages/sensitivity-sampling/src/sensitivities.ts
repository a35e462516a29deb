import { arenaBytes, checkDense, LowrankError, type DenseMatrix } from "@lowrank/linalg";
import { defaultRcond, orthonormalBasis } from "./basis.js";
import { irls, irlsBuffers, irlsBufferSize, type IrlsOutcome } from "./irls.js";
import { lewisBytes, lewisIterate, type LewisOptions } from "./lewis.js";
import { createSensitivityWorkspace } from "./module.js";
import { checkAborted, checkP, intOption, numOption, ticker } from "./validate.js";

/** Options of {@link lpSensitivities}. */
export interface SensitivityOptions extends Omit<LewisOptions, "onProgress" | "method" | "seed" | "sketchSize"> {
  /** "lewis-bound" (default): upper bounds from the Lewis weights. "exact": solve the defining problem per row (small inputs). */
  method?: "lewis-bound" | "exact";
  /** Called after each Lewis iteration ("lewis-bound") or each row ("exact"). */
  onProgress?: (p: { iteration: number; change?: number; row?: number }) => void;
}

/** Result of {@link lpSensitivities}. */
export interface SensitivityResult {
  /** s_i ("exact") or an upper bound on it ("lewis-bound"). */
  sensitivities: Float64Array;
  /** Σ s_i: the total sensitivity (or its bound). */
  total: number;
  /** Numerical rank r of A. */
  rank: number;
  /** "lewis-bound": max(1, r^(p/2-1)), the factor s_i <= factor · w_i. "exact": 1. */
  factor: number;
  /** false if any inner solve stopped at maxIter. */
  converged: boolean;
}

/** Largest n² r² the exact method accepts (about a minute of IRLS at this size). */
const EXACT_LIMIT = 2e9;

/**
 * l_p sensitivities s_i = sup_x |a_iᵀ x|^p / ||A x||_p^p and their total.
 *
 * "lewis-bound": s_i <= max(1, r^(p/2-1)) w_i with w the l_p Lewis weights
 * and r = rank(A). Proof (the change-of-density argument behind Cohen and
 * Peng's Lemma 2.4 and Woodruff and Yasuda's bounds): with y = (Aᵀ W^(1-2/p) A)^(1/2) x,
 * |a_iᵀ x| <= w_i^(1/p) ||y||₂ and ||y||₂² = Σ_j w_j^(1-2/p) (a_jᵀ x)². For
 * p <= 2, splitting (a_jᵀ x)² = |a_jᵀ x|^p |a_jᵀ x|^(2-p) and bounding the
 * second factor by the first inequality gives ||y||₂^p <= ||Ax||_p^p, so
 * s_i <= w_i and the total is at most r. For p > 2, Hölder with exponents
 * p/(p-2) and p/2 gives ||y||₂² <= r^(1-2/p) ||Ax||_p², so s_i <= r^(p/2-1) w_i
 * and the total is at most r^(p/2). O(Lewis weights).
 *
 * "exact": s_i = 1 / min{ ||U y||_p^p : u_iᵀ y = 1 } on an orthonormal basis U of
 * range(A) (sensitivities depend only on the range). The constraint is removed
 * with a Householder reflector (y = u_i/||u_i||² + N z, N ⊥ u_i) and the convex
 * problem in z solved by IRLS (src/irls.ts) to a relative tolerance `tol`
 * (default 1e-12). O(n · iterations · 2n r²): small inputs only (TOO_LARGE
 * when n² r² > 2e9).
 *
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, INVALID_ARGUMENT, ABORTED.
 *
 * @example
 * const bound = await lpSensitivities(A, 1);                     // Lewis bound, total <= d
 * const exact = await lpSensitivities(A, 1, { method: "exact" }); // small A only
 */
export async function lpSensitivities(A: DenseMatrix, p: number, opts: SensitivityOptions = {}): Promise<SensitivityResult> {
  A = checkDense(A, "A");
  checkP(p, "lpSensitivities");
  const n = A.rows, d = A.cols;
  const method = opts.method ?? "lewis-bound";
  if (method !== "lewis-bound" && method !== "exact") {
    throw new LowrankError("INVALID_ARGUMENT", `lpSensitivities: method must be "lewis-bound" or "exact", got ${String(method)}`);
  }
  const exact = method === "exact";
  const maxIter = intOption(opts.maxIter, exact ? 300 : 200, 1, "maxIter");
  const tol = numOption(opts.tol, exact ? 1e-12 : 1e-10, "tol");
  const rcond = numOption(opts.rcond, defaultRcond(n, d), "rcond");
  const k = Math.min(n, d);
  if (exact && n * n * k * k > EXACT_LIMIT) {
    throw new LowrankError("TOO_LARGE", `lpSensitivities: the exact method solves one l_p problem per row; ${n} x ${d} exceeds n² d² = ${EXACT_LIMIT} (use "lewis-bound")`);
  }
  checkAborted(opts.signal, "lpSensitivities");
  // D = U N (n x k at most), N (k x k), h, t, ones, and the IRLS scratch.
  const extra = exact ? 2 * n * k + 2 * k * k + k + 2 * n + irlsBufferSize(n, k) : 0;
  const ws = await createSensitivityWorkspace(opts.backend, arenaBytes(lewisBytes(n, d) + extra, 0, 40));
  const { U, rank: r } = orthonormalBasis(ws, n, d, ws.input(A.data), rcond);
  const s = ws.f64(n);
  if (r === 0) return { sensitivities: ws.output(s), total: 0, rank: 0, factor: 1, converged: true };
  if (!exact) {
    const progress = opts.onProgress;
    const res = await lewisIterate(ws, n, r, U, p, s, maxIter, tol, progress && ((q) => progress(q)), opts.signal);
    const factor = Math.max(1, Math.pow(r, p / 2 - 1));
    const out = ws.output(s);
    let total = 0;
    for (let i = 0; i < n; i++) total += (out[i] *= factor);
    return { sensitivities: out, total, rank: r, factor, converged: res.converged };
  }
  let converged = true;
  const K = ws.kernels;
  const N = ws.f64(r * (r - 1)), h = ws.f64(r), D = ws.f64(n * (r - 1)), t = ws.f64(n), ones = ws.f64(n).fill(1);
  const buf = irlsBuffers(ws, n, r - 1);
  const outcome: IrlsOutcome = { objective: 0, iterations: 0, converged: false };
  const tick = ticker(20);
  for (let i = 0; i < n; i++) {
    checkAborted(opts.signal, "lpSensitivities");
    const ui = U.subarray(i * r, i * r + r);
    let nu = 0;
    for (let j = 0; j < r; j++) nu += ui[j] * ui[j];
    if (nu === 0) continue;
    for (let j = 0; j < r; j++) h[j] = ui[j] / nu;
    // t = -U h: the residual target once y = h + N z.
    K.gemv(false, n, r, -1, U, r, h, 0, t);
    if (r === 1) {
      s[i] = 1 / K.sumAbsPow(n, t, ones, p);
    } else {
      // Householder H = I - 2 v vᵀ / vᵀv maps u_i to a multiple of e_0; its columns 1..r-1 span u_i^⊥.
      const nrm = Math.sqrt(nu);
      const v0 = ui[0] + (ui[0] >= 0 ? nrm : -nrm);
      const vtv = nu - ui[0] * ui[0] + v0 * v0;
      for (let a = 0; a < r; a++) {
        const va = a === 0 ? v0 : ui[a];
        for (let c = 1; c < r; c++) N[a * (r - 1) + c - 1] = (a === c ? 1 : 0) - (2 * va * ui[c]) / vtv;
      }
      K.gemm(false, false, n, r - 1, r, 1, U, r, N, r - 1, 0, D, r - 1);
      const run = irls(K, n, r - 1, D, t, ones, p, maxIter, tol, buf, outcome);
      while (!run.next().done);
      if (!outcome.converged) converged = false;
      s[i] = 1 / outcome.objective;
    }
    opts.onProgress?.({ iteration: i + 1, row: i });
    await tick();
  }
  const out = ws.output(s);
  let total = 0;
  for (let i = 0; i < n; i++) total += out[i];
  return { sensitivities: out, total, rank: r, factor: 1, converged };
}
