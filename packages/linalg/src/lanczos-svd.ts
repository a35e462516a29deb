// The Lanczos SVD's driver: the one-sided form on AᵀA first (lanczos-gram.ts),
// the two-sided GKL (lanczos-gkl.ts, where the choice of scheme is explained)
// when σ_k is too small for squaring, each in a workspace the caller opens
// (svd-update's truncatedSvd: on the worker pool when it is free), or both
// synchronously in one workspace (svd-update's auto recomputations,
// matrix-completion's spectral start). docs/ARCHITECTURE.md.
import { transposeCsr } from "./csr-transpose.js";
import { lanczosBytes, lanczosSteps, type LanczosProgress, type LanczosSettings, type LanczosViews } from "./lanczos-gkl.js";
import { gramBytes, gramFloor, gramSteps } from "./lanczos-gram.js";
import { openScope, type LanczosWorkspace } from "./lanczos-basis.js";
import type { LongRun } from "./long-run.js";
import type { CsrMatrix } from "./types.js";

/** A run's workspace and what ends the run (frees the pool's arena when the run held it). */
export interface RunWorkspace {
  ws: LanczosWorkspace;
  close(): void;
}

/** Runs {@link lanczosSteps} (or the one-sided {@link gramSteps}), reporting progress and yielding through `run`. */
export async function lanczosSvdIn(ws: LanczosWorkspace, A: CsrMatrix, o: LanczosSettings, run: LongRun<LanczosProgress>, gram = false, offset = 0, transposed = false): Promise<LanczosViews> {
  const it = gram ? gramSteps(ws, A, o, transposed) : lanczosSteps(ws, A, o);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { ...r.value, iterations: r.value.iterations + offset };
    if (r.value) await run.step({ ...r.value, iteration: r.value.iteration + offset });
    else await run.pause();
  }
}

/** The result of truncatedSvd: the factors, each triplet's residual estimate relative to σ_1, and the iterations run. */
export interface TruncatedSvdResult {
  /** What the object is: a (truncated) SVD. */
  kind: "svd";
  U: { rows: number; cols: number; data: Float64Array };
  s: Float64Array;
  V: { rows: number; cols: number; data: Float64Array };
  /**
   * Per triplet, a residual relative to s_1: for "lanczos" the Lanczos
   * estimate ‖Aᵀ u_i − s_i v_i‖ / s_1 the run converged on (A v_i − s_i u_i
   * is zero to rounding); for "randomized" the measured
   * sqrt(‖A v_i − s_i u_i‖² + ‖Aᵀ u_i − s_i v_i‖²) / s_1 (svdResiduals).
   */
  residuals: Float64Array;
  /** Restarts ("lanczos") or power iterations ("randomized") run. */
  iterations: number;
  method: "lanczos" | "randomized";
}

/**
 * truncatedSvd's Lanczos method on the checked CSR matrix C, factors copied
 * out. First the one-sided form (lanczos-gram.ts: Lanczos on AᵀA for the
 * short side, A = C or Cᵀ so that n <= m, then Rayleigh-Ritz on A), whose
 * Gram-Schmidt and restarts touch only n-long vectors; when it finds
 * σ_k below gramFloor(tol) σ_1 (2^-12 at tol 1e-10; but not a rounding-level
 * zero), where squaring has cost accuracy, or when tol is so small (below
 * about 3e-14) that no σ_k is safe, the two-sided GKL (lanczosSteps) is run, on Cᵀ when
 * C is wide and the basis would span its short side (so that a full-size
 * basis is exact). Each in its own workspace (`open`: on the worker pool's
 * threaded instance when it is free, see openRunWorkspace), closed before the next.
 */
export async function lanczosTruncatedSvd(
  C: CsrMatrix, o: LanczosSettings, run: LongRun<LanczosProgress>, open: (bytes: number) => Promise<RunWorkspace>,
): Promise<TruncatedSvdResult> {
  const wide = C.rows < C.cols;
  const floor = gramFloor(o.tol);
  let done = 0;
  if (floor < 1) {
    // On Cᵀ when C is wide: transposed inside the run's workspace (on the pool when it has one).
    const w = await open(gramBytes(Math.max(C.rows, C.cols), Math.min(C.rows, C.cols), C.indptr[C.rows], o, wide));
    try {
      run.check();
      const r = await lanczosSvdIn(w.ws, C, o, run, true, 0, wide);
      const sk = r.s[o.k - 1];
      done = r.iterations;
      if (!(sk > 0 && sk < floor * r.s[0])) {
        const Um = { rows: Math.max(C.rows, C.cols), cols: o.k, data: r.U.slice() }, Vm = { rows: Math.min(C.rows, C.cols), cols: o.k, data: r.V.slice() };
        return { kind: "svd", U: wide ? Vm : Um, s: r.s.slice(), V: wide ? Um : Vm, residuals: r.residuals.slice(), iterations: r.iterations, method: "lanczos" };
      }
    } finally {
      w.close();
    }
  }
  const flip = o.p === C.rows && wide;
  const A = flip ? transposeCsr(C) : C;
  const w = await open(lanczosBytes(A.rows, A.cols, A.indptr[A.rows], o));
  try {
    run.check();
    // Progress of the second form continues the first's iteration count.
    const r = await lanczosSvdIn(w.ws, A, o, run, false, done);
    const Um = { rows: A.rows, cols: o.k, data: r.U.slice() }, Vm = { rows: A.cols, cols: o.k, data: r.V.slice() };
    return { kind: "svd", U: flip ? Vm : Um, s: r.s.slice(), V: flip ? Um : Vm, residuals: r.residuals.slice(), iterations: r.iterations, method: "lanczos" };
  } finally {
    w.close();
  }
}

/** Bytes {@link lanczosSync} takes from its workspace (the larger of its two forms, which run one after the other). */
export function lanczosSyncBytes(C: CsrMatrix, o: LanczosSettings): number {
  const m = Math.max(C.rows, C.cols), n = Math.min(C.rows, C.cols), nnz = C.indptr[C.rows];
  return Math.max(gramBytes(m, n, nnz, o, C.rows < C.cols), lanczosBytes(C.rows, C.cols, nnz, o), lanczosBytes(C.cols, C.rows, nnz, o));
}

/**
 * lanczosTruncatedSvd's two forms run synchronously in `ws` (EvolvingSvd's
 * `method: "auto"` recomputes inside a synchronous update), the factors handed
 * to `use` as views of ws before its scratch is freed. Errors: NOT_CONVERGED, NON_FINITE.
 */
export function lanczosSync(ws: LanczosWorkspace, C: CsrMatrix, o: LanczosSettings, use: (r: { U: Float64Array; s: Float64Array; V: Float64Array }) => void): void {
  const drive = (it: Generator<LanczosProgress | null, LanczosViews, void>) => {
    for (let r = it.next(); ; r = it.next()) if (r.done) return r.value;
  };
  const wide = C.rows < C.cols;
  const floor = gramFloor(o.tol);
  if (floor < 1) {
    const release = openScope(ws);
    try {
      const r = drive(gramSteps(ws, C, o, wide));
      const sk = r.s[o.k - 1];
      if (!(sk > 0 && sk < floor * r.s[0])) return use(wide ? { U: r.V, s: r.s, V: r.U } : r);
    } finally {
      release();
    }
  }
  const flip = o.p === C.rows && wide;
  const release = openScope(ws);
  try {
    const r = drive(lanczosSteps(ws, flip ? transposeCsr(C) : C, o));
    use(flip ? { U: r.V, s: r.s, V: r.U } : r);
  } finally {
    release();
  }
}
