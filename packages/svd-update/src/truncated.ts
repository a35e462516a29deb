import { BACKEND, checkSize, LongRun, LONG_RUN, LowrankError, opt, readOptions, Rng, type BackendOptions, type CsrMatrix, type DenseMatrix, type OptionCheck, type SvdResult, type TruncatedSvdResult } from "@lowrank/linalg";
import { arenaBytes, jacobiSvd, lanczosSettings, lanczosTruncatedSvd, qrBlockedWorkSize, type LanczosProgress } from "@lowrank/linalg/internal";
import { scaledCopy } from "@lowrank/linalg/kernels";
import { asBatch } from "./input.js";
import { residualsOf } from "./residuals.js";
import type { SvdWorkspace } from "./kernels/index.js";
import { allFinite, checkRepresentable, flushTiny, times2 } from "./scale.js";
import { smallSvd } from "./small.js";
import { castResult, DTYPE, RESULT_VERSION, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";
import { openRunWorkspace, openScope, openWorkspace } from "./workspace.js";

/**
 * Progress of {@link truncatedSvd}: after each restart ("lanczos": iteration,
 * converged, residual) or each power iteration ("randomized": iteration,
 * powerIters, change).
 */
export interface TruncatedSvdProgress extends Partial<LanczosProgress> {
  /** Restarts or power iterations done (1-based). */
  iteration: number;
  /** "randomized": the power iterations asked for. */
  powerIters?: number;
  /** "randomized": max_i |s_i - s_i(previous)| / s_1 over the `rank` leading estimates (NaN unless `tol` > 0). */
  change?: number;
}

/** Options of {@link truncatedSvd}. */
export interface TruncatedSvdOptions extends BackendOptions {
  /** Number of singular triplets, 1 <= rank <= min(rows, cols). */
  rank: number;
  /**
   * "lanczos" (default): thick-restart Golub-Kahan-Lanczos run to the
   * residual tolerance `tol` (linalg's Lanczos SVD). "randomized": randomized
   * subspace iteration, a fixed cost of `powerIters` iterations (the default
   * when `oversample` or `powerIters` is given).
   */
  method?: "lanczos" | "randomized";
  /** "lanczos": Lanczos vectors per restart cycle (default min(2 rank + 16, max(rank + 24, ceil(1.6 rank))), capped at min(rows, cols); above rank). */
  basisSize?: number;
  /** "lanczos": most restarts before NOT_CONVERGED (default 1000). */
  maxIter?: number;
  /** "randomized": extra sketch columns beyond rank (default 10, at most 1e6). */
  oversample?: number;
  /** "randomized": power (subspace) iterations, the maximum when `tol` stops earlier (default 4, at most 1000). */
  powerIters?: number;
  /** PRNG seed of the Gaussian start vector / test matrix (default 0; any finite number). */
  seed?: number;
  /**
   * "lanczos": converged once every residual ‖Aᵀ u_i − s_i v_i‖ <= tol s_1 (default 1e-10).
   * "randomized": stop once the leading singular values move less than this, relative to s_1 (default 0: run all powerIters).
   */
  tol?: number;
  /**
   * "lanczos": threads of the worker pool its sparse products may use (default:
   * the pool's, set by `init({ threads })`; 1 runs on the calling thread). The
   * result has the same bits for any count.
   */
  threads?: number;
  /** Stops the run with ABORTED (an already-aborted signal before any work). */
  signal?: AbortSignal;
  /** Called after each restart ("lanczos") or power iteration ("randomized"). */
  onProgress?: (p: TruncatedSvdProgress) => void;
}

/** `rank`: an integer >= 1 (RANK otherwise; INVALID_ARGUMENT for a value that is not a number). */
export const RANK_OPTION: OptionCheck<number> = (v, path) => {
  if (typeof v !== "number") throw new LowrankError("INVALID_ARGUMENT", `${path} must be an integer >= 1, got ${typeof v}`);
  if (!Number.isInteger(v) || v < 1) throw new LowrankError("RANK", `${path} must be an integer >= 1, got ${v}`);
  return v;
};

/** Options of the randomized subspace iteration (truncatedSvd, EvolvingSvd's initial SVD and recompute). */
export const TSVD_OPTIONS = {
  oversample: opt.int({ min: 0, max: 1e6 }),
  powerIters: opt.int({ min: 0, max: 1000 }),
  seed: opt.seed(),
  tol: LONG_RUN.tol,
  signal: LONG_RUN.signal,
  onProgress: opt.func<(p: TruncatedSvdProgress) => void>(),
};

const TRUNCATED_SCHEMA = {
  rank: RANK_OPTION, ...TSVD_OPTIONS, backend: BACKEND,
  method: opt.oneOf(["lanczos", "randomized"] as const), basisSize: opt.int({ min: 1, max: 1e6 }), maxIter: LONG_RUN.maxIter,
  threads: opt.int({ min: 1, max: 64 }),
  dtype: DTYPE,
};

/** Options that belong to one method only (INVALID_ARGUMENT with the other). */
const ONLY: Record<string, "lanczos" | "randomized"> = { oversample: "randomized", powerIters: "randomized", basisSize: "lanczos", maxIter: "lanczos", threads: "lanczos" };

/** Resolved options. */
export interface Tsvd {
  k: number;
  l: number;
  powerIters: number;
  seed: number;
  tol: number;
}

/** The settings of a run on an m x n matrix from checked options. Errors: RANK (rank missing or above min(m, n)). */
export function resolveTsvd(o: { rank?: number; oversample?: number; powerIters?: number; seed?: number; tol?: number }, m: number, n: number): Tsvd {
  const mn = Math.min(m, n);
  const k = o.rank;
  if (k === undefined) throw new LowrankError("RANK", "rank is required (an integer, 1 <= rank <= min(rows, cols))");
  if (k > mn) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${mn}`);
  return { k, l: Math.min(k + (o.oversample ?? 10), mn), powerIters: o.powerIters ?? 4, seed: o.seed ?? 0, tol: o.tol ?? 0 };
}

/** Bytes {@link randomizedSvdSteps} takes from its workspace; TOO_LARGE before anything is allocated when an array cannot be. */
export function tsvdBytes(m: number, n: number, nnz: number, o: Tsvd): number {
  const { k, l } = o;
  checkSize(Math.max(m, n) * l, "truncated SVD block");
  return arenaBytes(nnz + (3 * n + 2 * m) * l + 6 * l * l + 2 * l * k + (m + n) * k + 8 * l + qrWork(m, n, l), nnz + m + 1, 32);
}

/** Doubles of QR scratch for the m x l and n x l blocks (blocked Householder QR and its thin Q). */
function qrWork(m: number, n: number, l: number): number {
  return Math.max(qrBlockedWorkSize(m, l), qrBlockedWorkSize(n, l), l);
}

/** Views of a workspace's U (m x k), s, V (n x k). */
export interface SvdViews {
  U: Float64Array;
  s: Float64Array;
  V: Float64Array;
}

/**
 * Randomized subspace iteration (Halko, Martinsson, Tropp 2011, Alg. 4.4) in a
 * workspace, driven by a LongRun: progress after each power iteration, a
 * yield to the event loop whenever 25 ms have passed (checked between the
 * sparse products and QRs), ABORTED once the signal fires. See
 * {@link randomizedSvdSteps}.
 */
export async function randomizedSvdIn(ws: SvdWorkspace, A: CsrMatrix, o: Tsvd, run: LongRun<TruncatedSvdProgress>): Promise<SvdViews> {
  const drive = async (flush: boolean) => {
    const it = randomizedSvdSteps(ws, A, o, flush);
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) return r.value;
      if (r.value) await run.step(r.value);
      else await run.pause();
    }
  };
  const release = openScope(ws);
  const r = await drive(false);
  if (allFinite(r.U, r.s, r.V)) return r;
  release();
  return checked(await drive(true));
}

/** The same computation without yielding (EvolvingSvd's `method: "auto"` recomputes inside a synchronous update). */
export function randomizedSvdSync(ws: SvdWorkspace, A: CsrMatrix, o: Tsvd): SvdViews {
  const drive = (flush: boolean) => {
    const it = randomizedSvdSteps(ws, A, o, flush);
    for (let r = it.next(); ; r = it.next()) if (r.done) return r.value;
  };
  const release = openScope(ws);
  const r = drive(false);
  if (allFinite(r.U, r.s, r.V)) return r;
  release();
  return checked(drive(true));
}

/** The factors of the second attempt, which only a failure of double precision itself could leave non-finite. */
function checked(r: SvdViews): SvdViews {
  if (!allFinite(r.U, r.s, r.V)) throw new LowrankError("NON_FINITE", "truncatedSvd: the factors are not representable in double precision (entries spanning too many orders of magnitude)");
  return r;
}

/**
 * The subspace iteration as steps: Y = A Ω, then `powerIters` times Q = qr(Y),
 * Z = qr(Aᵀ Q), Y = A Z, re-orthonormalising after every product so the
 * columns of small singular values are not lost to rounding (Alg. 4.3
 * without it loses them after one or two steps). Finally B = Qᵀ A is taken as
 * Wᵀ with W = Aᵀ Q = Q_w R_w, and the SVD of the small R_w gives
 * A ≈ (Q G) Σ (Q_w F)ᵀ. A is only touched by spmm / spmmT: never densified.
 * A whose largest entry is outside [2^-100, 2^100] is worked on scaled by a
 * power of two (scale.ts) and s scaled back (NON_FINITE when it overflows).
 * Yields a progress record after each power iteration and null at the other
 * points where a run may pause; returns views into the workspace. With
 * `flush` (the second attempt, made only when the first gave non-finite
 * factors: the power iteration drove entries into the subnormal range, where
 * a Householder reflection divides by numbers that lost their precision),
 * entries below 2^-480 of their block's largest are set to zero after every
 * product and QR.
 * O((2 powerIters + 2) nnz l + (m + n) l²) for l = rank + oversample.
 */
function* randomizedSvdSteps(ws: SvdWorkspace, A: CsrMatrix, o: Tsvd, flush: boolean): Generator<TruncatedSvdProgress | null, SvdViews, void> {
  const K = ws.kernels;
  const m = A.rows, n = A.cols, { k, l } = o;
  const { indptr, indices, data, e } = scaledCopy(ws, A);
  const Om = ws.f64(n * l), Y = ws.f64(m * l), Q = ws.f64(m * l), Z = ws.f64(n * l), Qz = ws.f64(n * l);
  const tau = ws.f64(l), work = ws.f64(qrWork(m, n, l)), Rs = ws.f64(l * l), d = ws.f64(l), prev = ws.f64(l).fill(0);
  const orth = (rows: number, X: Float64Array, out: Float64Array) => {
    if (flush) flushTiny(X);
    K.householderQrBlocked(rows, l, X, l, tau, work);
    K.householderQBlocked(rows, l, X, l, tau, out, l, work);
    if (flush) flushTiny(out);
  };
  // The upper triangle of a QR'd tall block: the R factor, whose singular values are the block's.
  const upper = (X: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let i = 0; i < l; i++) for (let j = i; j < l; j++) out[i * l + j] = X[i * l + j];
  };
  K.rngFill(new Rng(o.seed), Om, true);
  K.spmm(m, l, indptr, indices, data, Om, Y);
  yield null;
  orth(m, Y, Q);
  for (let it = 0; it < o.powerIters; it++) {
    yield null;
    K.spmmT(m, n, l, indptr, indices, data, Q, Z);
    yield null;
    let change = NaN;
    if (o.tol > 0) {
      if (flush) flushTiny(Z);
      K.householderQrBlocked(n, l, Z, l, tau, work);
      upper(Z, Rs);
      jacobiSvd(K, l, l, l, Rs, l, d, 30);
      change = 0;
      for (let i = 0; i < k; i++) change = Math.max(change, Math.abs(d[i] - prev[i]));
      change /= d[0] > 0 ? d[0] : 1;
      prev.set(d);
      K.householderQBlocked(n, l, Z, l, tau, Qz, l, work);
      if (flush) flushTiny(Qz);
    } else {
      orth(n, Z, Qz);
    }
    yield null;
    K.spmm(m, l, indptr, indices, data, Qz, Y);
    yield null;
    orth(m, Y, Q);
    yield { iteration: it + 1, powerIters: o.powerIters, change };
    if (change < o.tol) break;
  }
  K.spmmT(m, n, l, indptr, indices, data, Q, Z);
  yield null;
  orth(n, Z, Qz);
  upper(Z, Rs);
  // Rw = F Σ Gᵀ  =>  A ≈ Q Wᵀ = Q Rwᵀ Qwᵀ = (Q G) Σ (Qw F)ᵀ.
  const { F, theta, G } = smallSvd(ws, l, l, Rs, k);
  if (e !== 0) {
    checkRepresentable(theta, e, "truncatedSvd");
    for (let i = 0; i < k; i++) theta[i] = times2(theta[i], e);
  }
  const U = ws.f64(m * k), V = ws.f64(n * k);
  K.gemm(false, false, m, k, l, 1, Q, l, G, k, 0, U, k);
  K.gemm(false, false, n, k, l, 1, Qz, l, F, k, 0, V, k);
  return { U, s: theta, V };
}

/**
 * Truncated SVD of a sparse (or dense) matrix, operating on the CSR matrix
 * through sparse products only, in its own WASM instance (or on the js
 * backend), yielding to the event loop at least every 25 ms. Default method
 * "lanczos": thick-restart Golub-Kahan-Lanczos to residuals
 * ‖Aᵀ u_i − s_i v_i‖ <= tol s_1 (1e-10), O(restarts ((p - keep) nnz + p² (m + n))) for basis size p;
 * zero singular values come with orthonormal vectors completing the basis.
 * "randomized": subspace iteration, O((2 powerIters + 2) nnz l + (m + n) l²),
 * l = rank + oversample, its measured residuals returned. Both return
 * `residuals` (see TruncatedSvdResult) and `iterations`.
 * Errors: SHAPE, EMPTY, NON_FINITE, INDEX (bad CSR), RANK, INVALID_ARGUMENT,
 * ABORTED (an already-aborted signal before any work), TOO_LARGE,
 * NOT_CONVERGED ("lanczos" after maxIter restarts). `dtype: "float32"` returns
 * U, s, V and residuals as Float32Arrays rounded from the f64 result.
 *
 * @example
 * const { U, s, V, residuals } = await truncatedSvd(csr, { rank: 16 });
 */
export async function truncatedSvd<D extends Dtype = "float64">(
  A: CsrMatrix | DenseMatrix, opts: TruncatedSvdOptions & DtypeOption<D>,
): Promise<WithDtype<SvdResult & TruncatedSvdResult & { version: number }, D>> {
  if (opts === undefined) throw new LowrankError("RANK", "truncatedSvd: options with rank are required, e.g. { rank: 10 }");
  const op = readOptions("truncatedSvd", opts, TRUNCATED_SCHEMA);
  // Code written before "lanczos" became the default passes the randomized method's options: they select it.
  const method = op.method ?? (op.oversample !== undefined || op.powerIters !== undefined ? "randomized" : "lanczos");
  for (const [key, only] of Object.entries(ONLY)) {
    if (only !== method && op[key as keyof typeof op] !== undefined) {
      throw new LowrankError("INVALID_ARGUMENT", `truncatedSvd: ${key} applies to method: "${only}" (this call runs "${method}")`);
    }
  }
  const run = new LongRun<TruncatedSvdProgress>("truncatedSvd", op);
  const C = asBatch(A, "A");
  if (op.rank === undefined) throw new LowrankError("RANK", "rank is required (an integer, 1 <= rank <= min(rows, cols))");
  if (method === "lanczos") {
    const lo = lanczosSettings({ ...op, rank: op.rank }, C.rows, C.cols);
    const r = await lanczosTruncatedSvd(C, lo, run, (bytes) => openRunWorkspace(op.backend, bytes, "truncatedSvd", op.threads));
    return castResult({ ...r, version: RESULT_VERSION }, op.dtype as D, "truncatedSvd");
  }
  const o = resolveTsvd(op, C.rows, C.cols);
  const ws = await openWorkspace(op.backend, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o), "truncatedSvd");
  run.check();
  let iterations = 0;
  const counted = new LongRun<TruncatedSvdProgress>("truncatedSvd", {
    signal: op.signal, onProgress: (p) => { iterations = p.iteration; op.onProgress?.(p); },
  });
  const r = await randomizedSvdIn(ws, C, o, counted);
  const U = r.U.slice(), s = r.s.slice(), V = r.V.slice();
  return castResult({
    kind: "svd" as const, version: RESULT_VERSION,
    U: { rows: C.rows, cols: o.k, data: U }, s, V: { rows: C.cols, cols: o.k, data: V },
    residuals: residualsOf(C, U, s, V, op.backend), iterations, method: "randomized" as const,
  }, op.dtype as D, "truncatedSvd");
}
