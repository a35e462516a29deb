import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, readOptions, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { defaultRcond, orthonormalBasisAsync } from "./basis.js";
import { irls, irlsBuffers, irlsBufferSize, type IrlsOutcome } from "./irls.js";
import { checkWeights, lewisBytes, lewisIterate, type LewisOptions } from "./lewis.js";
import { runWorkspace } from "./run-workspace.js";
import { checkEntries, readMatrix, readP } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";

/** Options of {@link lpSensitivities}. */
export interface SensitivityOptions extends Omit<LewisOptions, "onProgress" | "method" | "seed" | "sketchSize"> {
  /** "lewis-bound" (default): upper bounds from the Lewis weights. "exact": solve the defining problem per row (small inputs). */
  method?: "lewis-bound" | "exact";
  /** Called after each Lewis iteration ("lewis-bound") or each row ("exact"). */
  onProgress?: (p: SensitivityProgress) => void;
}

/** A progress record of {@link lpSensitivities}: a Lewis iteration ("lewis-bound") or a row done ("exact"). */
export interface SensitivityProgress {
  iteration: number;
  change?: number;
  row?: number;
}

const SENSITIVITY_OPTIONS = {
  backend: BACKEND,
  method: opt.oneOf(["lewis-bound", "exact"] as const),
  ...LONG_RUN,
  onProgress: opt.func<(p: SensitivityProgress) => void>(),
  rcond: opt.number({ min: 0 }),
  threads: opt.int({ min: 1, max: 64 }),
};

/** Result of {@link lpSensitivities}. */
export interface SensitivityResult {
  kind: "lp-sensitivities";
  /** The layout version (1); a newer one is refused by `serialize`. */
  version: number;
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
  const P = readP(p, "lpSensitivities");
  const o = readOptions("lpSensitivities", opts, SENSITIVITY_OPTIONS);
  const run = new LongRun<SensitivityProgress>("lpSensitivities", o);
  // Finiteness is checked on R (orthonormalBasis), as in lewisWeights.
  const M = readMatrix(A, "A", { finite: false });
  const n = M.rows, d = M.cols;
  const exact = o.method === "exact";
  const maxIter = o.maxIter ?? (exact ? 300 : 200);
  const tol = o.tol ?? (exact ? 1e-12 : 1e-10);
  const rcond = o.rcond ?? defaultRcond(n, d);
  const k = Math.min(n, d);
  if (exact && n * n * k * k > EXACT_LIMIT) {
    throw new LowrankError("TOO_LARGE", `lpSensitivities: the exact method solves one l_p problem per row; ${n} x ${d} exceeds n² d² = ${EXACT_LIMIT} (use "lewis-bound")`);
  }
  // D = U N (n x k at most), N (k x k), h, t, ones, and the IRLS scratch.
  const extra = exact ? 2 * n * k + 2 * k * k + k + 2 * n + irlsBufferSize(n, k) : 0;
  // On the pool when it can take the run (src/run-workspace.ts), as lewisWeights.
  const { ws, release } = await runWorkspace(o.backend, arenaBytes(checkEntries(lewisBytes(n, d) + extra, "lpSensitivities"), 0, 49), o.threads);
  try {
    const { U, rank: r } = await orthonormalBasisAsync(ws, n, d, ws.input(M.data), rcond, run);
    const s = ws.f64(n);
    if (r === 0) return { kind: "lp-sensitivities", version: RESULT_FORMAT_VERSION, sensitivities: ws.output(s), total: 0, rank: 0, factor: 1, converged: true };
    if (!exact) {
      const factor = Math.max(1, Math.pow(r, P / 2 - 1));
      if (!Number.isFinite(factor)) {
        throw new LowrankError("NON_FINITE", `lpSensitivities: the bound's factor r^(p/2-1) = ${r}^${P / 2 - 1} overflows double precision (every sensitivity is at most 1)`);
      }
      const res = await lewisIterate(ws, { n, rank: r, U, p: P, w: s, maxIter, tol, run });
      const out = ws.output(s);
      checkWeights(out, P);
      let total = 0;
      for (let i = 0; i < n; i++) total += (out[i] *= factor);
      if (!Number.isFinite(total)) throw new LowrankError("NON_FINITE", `lpSensitivities: the bounds' total overflows double precision (factor ${factor})`);
      return { kind: "lp-sensitivities", version: RESULT_FORMAT_VERSION, sensitivities: out, total, rank: r, factor, converged: res.converged };
    }
    let converged = true;
    const K = ws.kernels;
    const N = ws.f64(r * (r - 1)), h = ws.f64(r), D = ws.f64(n * (r - 1)), t = ws.f64(n), ones = ws.f64(n).fill(1);
    const buf = irlsBuffers(ws, n, r - 1);
    const outcome: IrlsOutcome = { objective: 0, iterations: 0, converged: false };
    for (let i = 0; i < n; i++) {
      const ui = U.subarray(i * r, i * r + r);
      let nu = 0;
      for (let j = 0; j < r; j++) nu += ui[j] * ui[j];
      if (nu === 0) {
        await run.step({ iteration: i + 1, row: i });
        continue;
      }
      for (let j = 0; j < r; j++) h[j] = ui[j] / nu;
      // t = -U h: the residual target once y = h + N z.
      K.gemv(false, n, r, -1, U, r, h, 0, t);
      if (r === 1) {
        s[i] = 1 / K.sumAbsPow(n, t, ones, P);
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
        const steps = irls(K, { n, d: r - 1, A: D, b: t, omega: ones, p: P, maxIter, tol, buf, outcome });
        while (!steps.next().done) run.check();
        if (!outcome.converged) converged = false;
        s[i] = 1 / outcome.objective;
      }
      await run.step({ iteration: i + 1, row: i });
    }
    const out = ws.output(s);
    let total = 0;
    for (let i = 0; i < n; i++) total += out[i];
    return { kind: "lp-sensitivities", version: RESULT_FORMAT_VERSION, sensitivities: out, total, rank: r, factor: 1, converged };
  } finally {
    release();
  }
}
