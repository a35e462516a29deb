import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { completeColumns, maxAbs, positiveColumn, pow2Exponent, timesPow2, tooLarge } from "./factor-util.js";
import { withLinalg } from "./module.js";
import { jacobiSvd, triangleWithIdentity } from "./drivers.js";
import type { BackendOptions, DenseMatrix } from "./types.js";
import { checkDense } from "./validate.js";
import { readSvdOptions } from "./schemas.js";

/** Options of {@link svd}. */
export interface SvdOptions extends BackendOptions {
  /** Keep only the `rank` largest singular triplets (1 <= rank <= min(m, n)); default all. */
  rank?: number;
  /** @deprecated The old name of `rank`, still read (a different value beside `rank` is INVALID_ARGUMENT). */
  k?: number;
}

/** Result of {@link svd}: A ≈ U diag(s) Vᵀ. */
export interface SvdResult {
  /** Which decomposition this is: "svd" on every result of svd and svdAsync (optional here so that factors built by hand are accepted where an SvdResult is read). */
  kind?: "svd";
  /** rows x r, orthonormal columns (left singular vectors). */
  U: DenseMatrix;
  /** r singular values, descending, non-negative. */
  s: Float64Array;
  /** cols x r, orthonormal columns (right singular vectors). */
  V: DenseMatrix;
}

/** Sweeps of one-sided Jacobi at most (convergence is quadratic; 6-12 are typical). */
const MAX_SWEEPS = 60;

/**
 * Thin SVD A = U diag(s) Vᵀ, r = min(m, n) triplets (or the `rank` largest).
 *
 * Method: the input is scaled by a power of two (exact); with M x N the taller
 * orientation (Aᵀ when m < n), a Householder QR (blocked on wasm above
 * about 100 x 100) reduces it to the N x N triangle R; one-sided Jacobi (Hestenes) orthogonalises the rows of R,
 * accumulating its rotations, which gives R = P Σ Vᵀ; then U = Q P (GEMM).
 * Jacobi is used for its accuracy (small singular values to high relative
 * accuracy, orthogonality to rounding level) and a hard bound on work. Singular
 * values below 1e-135 of the largest count as zero; their right vectors are
 * completed to an orthonormal set by Gram-Schmidt against coordinate vectors.
 * Signs are normalised: each column of U has its largest-magnitude entry positive.
 * Jacobi stops when all pairs are orthogonal to sqrt(N) eps (relative), so V
 * is orthonormal to about that; it runs at most 60 sweeps (the last 30 with
 * the looser N eps) and returns what it has then (never seen to happen).
 * O(MN² + sweeps·N³). Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE (also
 * when the largest singular value exceeds the double range, which entries
 * near 1.8e308 allow),
 * RANK (rank above min(m, n)), INVALID_ARGUMENT (rank not a positive integer).
 *
 * @example
 * const { U, s, V } = svd(A, { rank: 10 });
 */
export function svd(A: DenseMatrix, opts: SvdOptions = {}): SvdResult & { kind: "svd" } {
  opts = readSvdOptions(opts);
  const { U, d, V, e } = svdScaled(A, opts);
  // The largest singular value can exceed the double range even when every entry is finite (‖A‖ up to sqrt(mn) max|a_ij|).
  if (!Number.isFinite(timesPow2(d[0], e))) throw tooLarge("svd", "the largest singular value", d[0], e);
  const s = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) s[i] = timesPow2(d[i], e);
  return { kind: "svd", U, s, V };
}

/**
 * svd without scaling the singular values back: A = U diag(d) Vᵀ 2^e, d in
 * range whatever the size of A's entries (for callers that keep working in
 * the scaled problem, such as lstsq). Options are taken as already read.
 */
export function svdScaled(A: DenseMatrix, opts: SvdOptions = {}): { U: DenseMatrix; d: Float64Array; V: DenseMatrix; e: number } {
  A = checkDense(A, "A");
  const m = A.rows, n = A.cols;
  const trans = m < n;
  const M = trans ? n : m, N = trans ? m : n;
  let r = N;
  if (opts.rank !== undefined && opts.k !== undefined && opts.rank !== opts.k) {
    throw new LowrankError("INVALID_ARGUMENT", `svd: rank = ${opts.rank} and k = ${opts.k} (the old name of rank) disagree`);
  }
  const k = opts.rank ?? opts.k;
  if (k !== undefined) {
    if (!Number.isInteger(k) || k < 1) {
      throw new LowrankError("INVALID_ARGUMENT", `svd: rank must be a positive integer, got ${k}`);
    }
    if (k > N) throw new LowrankError("RANK", `svd: rank = ${k} exceeds min(rows, cols) = ${N}`);
    r = k;
  }
  const e = pow2Exponent(maxAbs(A.data));
  const wn = qrBlockedWorkSize(M, N);
  const bytes = arenaBytes(2 * M * N + 2 * N * N + M * r + 2 * N + wn, 0, 8);
  const { ub, xw, d } = withLinalg(opts.backend, bytes, (ws) => {
    const K = ws.kernels;
    const a = ws.f64(M * N);
    const src = A.data;
    if (!trans) {
      for (let i = 0; i < M * N; i++) a[i] = timesPow2(src[i], -e);
    } else {
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a[i * m + j] = timesPow2(src[j * n + i], -e);
    }
    const tau = ws.f64(N), work = ws.f64(wn);
    // Blocked QR on wasm only: in plain TypeScript the unblocked kernels are faster (see qr).
    const blocked = K.backend === "wasm";
    if (blocked) K.householderQrBlocked(M, N, a, N, tau, work);
    else K.householderQr(M, N, a, N, tau, work);
    // X = [R | I]: Jacobi rotates the rows of R and accumulates the rotations in the identity.
    const N2 = 2 * N;
    const X = ws.f64(N * N2);
    triangleWithIdentity(N, a, N, X, N2, true);
    const Q = ws.f64(M * N);
    if (blocked) K.householderQBlocked(M, N, a, N, tau, Q, N, work);
    else K.householderQ(M, N, a, N, tau, Q, N, work);
    const dv = ws.f64(N);
    // Stop when every pair's cosine is below sqrt(N) eps (as LAPACK's dgesvj). Should rounding in
    // the inner products ever keep a pair just above that, finish with the looser N eps.
    jacobiSvd(K, N, N, N2, X, N2, dv, MAX_SWEEPS / 2);
    // Rows of X[:, N:] are the left singular vectors of R (as rows): U = Q P.
    const U = ws.f64(M * r);
    K.gemm(false, true, M, r, N, 1, Q, N, X.subarray(N), N2, 0, U, r);
    return { ub: ws.output(U), xw: ws.output(X.subarray(0, r * N2)), d: ws.output(dv.subarray(0, r)) };
  });
  // Right singular vectors of R: normalised rows of the rotated R.
  const N2 = 2 * N;
  const vb = new Float64Array(N * r);
  const bad: boolean[] = [];
  const small = d[0] * 1e-135;
  for (let i = 0; i < r; i++) {
    const di = d[i];
    bad.push(!(di > small));
    if (bad[i]) continue;
    for (let j = 0; j < N; j++) vb[j * r + i] = xw[i * N2 + j] / di;
  }
  if (bad.some((b) => b)) completeColumns(vb, N, r, bad);
  const U = trans ? vb : ub, V = trans ? ub : vb;
  for (let j = 0; j < r; j++) {
    if (positiveColumn(U, m, r, j)) for (let i = 0; i < n; i++) V[i * r + j] = -V[i * r + j];
  }
  return { U: { rows: m, cols: r, data: U }, d: d.slice(0, r), V: { rows: n, cols: r, data: V }, e };
}
