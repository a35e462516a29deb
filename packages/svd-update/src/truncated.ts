import { arenaBytes, LowrankError, qrBlockedWorkSize, Rng, type BackendOptions, type CsrMatrix, type DenseMatrix, type SvdResult } from "@lowrank/linalg";
import { intOption, numberOption, toCsr } from "./input.js";
import { smallSvd } from "./small.js";
import { Store } from "./store.js";

/** Progress of {@link truncatedSvd}, reported after each power iteration. */
export interface TruncatedSvdProgress {
  /** Power iterations done. */
  iter: number;
  powerIters: number;
  /** max_i |s_i - s_i(previous)| / s_1 over the `rank` leading estimates (NaN unless `tol` > 0). */
  change: number;
}

/** Options of {@link truncatedSvd}. */
export interface TruncatedSvdOptions extends BackendOptions {
  /** Number of singular triplets, 1 <= rank <= min(rows, cols). */
  rank: number;
  /** Extra sketch columns beyond rank (default 10). */
  oversample?: number;
  /** Power (subspace) iterations, the maximum when `tol` stops earlier (default 4). */
  powerIters?: number;
  /** PRNG seed of the Gaussian test matrix (default 0). */
  seed?: number;
  /** Stop once the leading singular values move less than this, relative to s_1 (default 0: run all powerIters). */
  tol?: number;
  signal?: AbortSignal;
  onProgress?: (p: TruncatedSvdProgress) => void;
}

/** Resolved options. */
export interface Tsvd {
  k: number;
  l: number;
  powerIters: number;
  seed: number;
  tol: number;
  signal?: AbortSignal;
  onProgress?: (p: TruncatedSvdProgress) => void;
}

/** Checks the options against an m x n matrix. Errors: RANK, INVALID_ARGUMENT. */
export function resolveTsvd(opts: Partial<TruncatedSvdOptions>, m: number, n: number): Tsvd {
  const mn = Math.min(m, n);
  const k = intOption(opts.rank, "rank", 1, mn, "RANK");
  const oversample = intOption(opts.oversample ?? 10, "oversample", 0, 1e6);
  return {
    k,
    l: Math.min(k + oversample, mn),
    powerIters: intOption(opts.powerIters ?? 4, "powerIters", 0, 1e6),
    seed: numberOption(opts.seed ?? 0, "seed", -Infinity),
    tol: numberOption(opts.tol ?? 0, "tol", 0),
    signal: opts.signal,
    onProgress: opts.onProgress,
  };
}

/** Bytes {@link randomizedSvdIn} takes from its store. */
export function tsvdBytes(m: number, n: number, nnz: number, o: Tsvd): number {
  const { k, l } = o;
  return arenaBytes(nnz + (3 * n + 2 * m) * l + 6 * l * l + 2 * l * k + (m + n) * k + 8 * l + qrWork(m, n, l), nnz + m + 1, 32);
}

/** Doubles of QR scratch for the m x l and n x l blocks (blocked Householder QR and its thin Q). */
function qrWork(m: number, n: number, l: number): number {
  return Math.max(qrBlockedWorkSize(m, l), qrBlockedWorkSize(n, l), l);
}

const EPS = 2.220446049250313e-16;

/** Throws ABORTED when the signal has fired. */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LowrankError("ABORTED", "aborted by the caller's AbortSignal");
}

/**
 * Randomized subspace iteration (Halko, Martinsson, Tropp 2011, Alg. 4.4) in a
 * store: Y = A Ω, then `powerIters` times Q = qr(Y), Z = qr(Aᵀ Q), Y = A Z,
 * re-orthonormalising after every product so the columns of small singular
 * values are not lost to rounding (Alg. 4.3 without it loses them after one
 * or two steps). Finally B = Qᵀ A is taken as Wᵀ with W = Aᵀ Q = Q_w R_w, and
 * the SVD of the small R_w gives A ≈ (Q G) Σ (Q_w F)ᵀ. A is only touched by
 * spmm / spmmT: never densified. Returns views into the store.
 * O((2 powerIters + 2) nnz l + (m + n) l² ) for l = rank + oversample.
 */
export async function randomizedSvdIn(st: Store, A: CsrMatrix, o: Tsvd): Promise<SvdViews> {
  const it = randomizedSvdSteps(st, A, o);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return r.value;
    await new Promise((res) => setTimeout(res, 0));
  }
}

/** The same computation without yielding to the event loop (EvolvingSvd's `method: "auto"` recomputes inside a synchronous update). */
export function randomizedSvdSync(st: Store, A: CsrMatrix, o: Tsvd): SvdViews {
  const it = randomizedSvdSteps(st, A, o);
  for (let r = it.next(); ; r = it.next()) if (r.done) return r.value;
}

/** Views of a store's U (m x k), s, V (n x k). */
export interface SvdViews {
  U: Float64Array;
  s: Float64Array;
  V: Float64Array;
}

/** The subspace iteration as steps: yields after each power iteration, returns the factors. */
function* randomizedSvdSteps(st: Store, A: CsrMatrix, o: Tsvd): Generator<void, SvdViews, void> {
  const K = st.kernels;
  const m = A.rows, n = A.cols, { k, l } = o;
  const nnz = A.indptr[m];
  const indptr = st.i32(m + 1), indices = st.i32(nnz), data = st.f64(nnz);
  indptr.set(A.indptr);
  indices.set(A.indices.subarray(0, nnz));
  data.set(A.data.subarray(0, nnz));
  const Om = st.f64(n * l), Y = st.f64(m * l), Q = st.f64(m * l), Z = st.f64(n * l), Qz = st.f64(n * l);
  const tau = st.f64(l), work = st.f64(qrWork(m, n, l)), Rs = st.f64(l * l), d = st.f64(l), prev = st.f64(l);
  const orth = (rows: number, X: Float64Array, out: Float64Array) => {
    K.householderQrBlocked(rows, l, X, l, tau, work);
    K.householderQBlocked(rows, l, X, l, tau, out, l, work);
  };
  // The upper triangle of a QR'd tall block: the R factor, whose singular values are the block's.
  const upper = (X: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let i = 0; i < l; i++) for (let j = i; j < l; j++) out[i * l + j] = X[i * l + j];
  };
  K.rngFill(new Rng(o.seed), Om, true);
  K.spmm(m, l, indptr, indices, data, Om, Y);
  orth(m, Y, Q);
  for (let it = 0; it < o.powerIters; it++) {
    checkAbort(o.signal);
    K.spmmT(m, n, l, indptr, indices, data, Q, Z);
    let change = NaN;
    if (o.tol > 0) {
      K.householderQrBlocked(n, l, Z, l, tau, work);
      upper(Z, Rs);
      K.jacobiRows(l, l, l, Rs, l, d, Math.sqrt(l) * EPS, 30);
      change = 0;
      for (let i = 0; i < k; i++) change = Math.max(change, Math.abs(d[i] - prev[i]));
      change /= d[0] > 0 ? d[0] : 1;
      prev.set(d);
      K.householderQBlocked(n, l, Z, l, tau, Qz, l, work);
    } else {
      orth(n, Z, Qz);
    }
    K.spmm(m, l, indptr, indices, data, Qz, Y);
    orth(m, Y, Q);
    o.onProgress?.({ iter: it + 1, powerIters: o.powerIters, change });
    yield;
    if (change < o.tol) break;
  }
  checkAbort(o.signal);
  K.spmmT(m, n, l, indptr, indices, data, Q, Z);
  orth(n, Z, Qz);
  upper(Z, Rs);
  // Rw = F Σ Gᵀ  =>  A ≈ Q Wᵀ = Q Rwᵀ Qwᵀ = (Q G) Σ (Qw F)ᵀ.
  const { F, theta, G } = smallSvd(st, l, l, Rs, k);
  const U = st.f64(m * k), V = st.f64(n * k);
  K.gemm(false, false, m, k, l, 1, Q, l, G, k, 0, U, k);
  K.gemm(false, false, n, k, l, 1, Qz, l, F, k, 0, V, k);
  return { U, s: theta, V };
}

/**
 * Truncated SVD of a sparse (or dense) matrix by randomized subspace iteration,
 * operating on the CSR matrix through sparse products only. Runs in its own
 * WASM instance (or on the js backend) and yields between power iterations.
 * Cost O((2 powerIters + 2) nnz l + (m + n) l²), l = rank + oversample.
 * Errors: SHAPE, EMPTY, NON_FINITE, INDEX (bad CSR), RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE.
 *
 * @example
 * const { U, s, V } = await truncatedSvd(csr, { rank: 16, seed: 1 });
 */
export async function truncatedSvd(A: CsrMatrix | DenseMatrix, opts: TruncatedSvdOptions): Promise<SvdResult> {
  opts = opts ?? {};
  const C = toCsr(A, "A");
  const o = resolveTsvd(opts, C.rows, C.cols);
  checkAbort(o.signal);
  const st = await Store.create(opts.backend, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
  const r = await randomizedSvdIn(st, C, o);
  return {
    U: { rows: C.rows, cols: o.k, data: r.U.slice() },
    s: r.s.slice(),
    V: { rows: C.cols, cols: o.k, data: r.V.slice() },
  };
}
