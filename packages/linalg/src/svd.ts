import { arenaBytes } from "./arena.js";
import { internalError, LowrankError } from "./errors.js";
import { bidiagonalQrWorkSize } from "./kernels/bidiagonal.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { completeColumns, maxAbs, positiveColumn, pow2Exponent, timesPow2, tooLarge } from "./factor-util.js";
import { linalgModule, withLinalg } from "./module.js";
import { jacobiSvd, triangleWithIdentity } from "./drivers.js";
import { bidiagonalDc, bidiagonalDcWorkSize } from "./svd-dc.js";
import type { Backend, BackendOptions, DenseMatrix } from "./types.js";
import { checkDense } from "./validate.js";
import { readSvdOptions } from "./schemas.js";
import { castResult, type Dtype, type DtypeOption, type WithDtype } from "./dtype.js";
import { RESULT_VERSION } from "./serialize.js";

/** Options of {@link svd}. */
export interface SvdOptions extends BackendOptions {
  /** Keep only the `rank` largest singular triplets (1 <= rank <= min(m, n)); default all. */
  rank?: number;
  /** @deprecated The old name of `rank`, still read (a different value beside `rank` is INVALID_ARGUMENT). */
  k?: number;
  /**
   * "jacobi": QR then one-sided Jacobi (every singular value to high relative accuracy when A is a
   * well-conditioned matrix times a diagonal scaling); "bidiagonal": QR, bidiagonalisation and
   * implicit-shift QR (as LAPACK's dgesvd, several times faster for larger matrices, the same
   * relative accuracy on such graded matrices); "divide-and-conquer": QR, bidiagonalisation and
   * divide and conquer (as LAPACK's dgesdd: faster than "bidiagonal" from min(m, n) of about 125,
   * 1.2-1.3x for the whole svd at 2000 x 500; small singular values to O(eps σ_max) only); "auto"
   * (default): Jacobi up to min(m, n) = 32, bidiagonal up to 127, divide and conquer from 128.
   */
  method?: "auto" | "jacobi" | "bidiagonal" | "divide-and-conquer";
}

/** Result of {@link svd}: A ≈ U diag(s) Vᵀ. */
export interface SvdResult {
  /** Which decomposition this is: "svd" on every result of svd and svdAsync (optional here so that factors built by hand are accepted where an SvdResult is read). */
  kind?: "svd";
  /** The layout version (1) on every result of svd and svdAsync (optional for the same reason as `kind`). */
  version?: number;
  /** rows x r, orthonormal columns (left singular vectors). */
  U: DenseMatrix;
  /** r singular values, descending, non-negative. */
  s: Float64Array;
  /** cols x r, orthonormal columns (right singular vectors). */
  V: DenseMatrix;
}

/** From this min(m, n) on, `method: "auto"` takes divide and conquer for the bidiagonal (measured: bench/svd-phases.mts). */
export const SVD_DC_MIN = 128;

/** Up to this min(m, n), `method: "auto"` runs one-sided Jacobi (measured crossover: docs/ARCHITECTURE.md). */
export const JACOBI_MAX_N = 32;

/** Sweeps of one-sided Jacobi at most (convergence is quadratic; 6-12 are typical). */
const MAX_SWEEPS = 60;

/**
 * Thin SVD A = U diag(s) Vᵀ, r = min(m, n) triplets (or the `rank` largest).
 *
 * Method: the input is scaled by a power of two (exact); with M x N the taller
 * orientation (Aᵀ when m < n), a Householder QR (blocked on wasm above
 * about 100 x 100) reduces it to the N x N triangle R. Then, by `method`:
 *
 * - "bidiagonal" (default for N = 33..127): the columns are first ordered by
 *   decreasing norm; R is reduced to an upper bidiagonal B = Qbᵀ R Pb by
 *   Householder reflectors, B's SVD is found by implicit-shift QR with
 *   zero-shift sweeps and relative convergence tests (LAPACK's dbdsqr),
 *   rotating the rows of Qbᵀ and Pbᵀ, and U = Q Qb Ub by one GEMM. About
 *   O(MN² + 12N³) for ~2 QR sweeps per singular value.
 * - "divide-and-conquer" (default from N = 128): the same reduction, then
 *   B's SVD by divide and conquer (LAPACK's dbdsdc: bidiagonal QR on blocks
 *   of up to 25 rows, merges by the secular equation with deflation and
 *   Gu-Eisenstat vectors, src/svd-dc.ts), Qb Ub and Pb Vb by two GEMMs.
 *   About O(MN² + 4N³) with no deflation, less with it.
 * - "jacobi" (default up to N = 32): one-sided Jacobi (Hestenes) orthogonalises
 *   the rows of R, accumulating its rotations, which gives R = P Σ Vᵀ; then
 *   U = Q P (GEMM). Stops when all pairs are orthogonal to sqrt(N) eps
 *   (relative), at most 60 sweeps (the last 30 with the looser N eps).
 *   O(MN² + sweeps·N³), several times the bidiagonal path's work for large N.
 *
 * Accuracy: U and V orthonormal to rounding level, A - U Σ Vᵀ to O(eps ‖A‖).
 * For a graded A = B D (B well-conditioned, D diagonal), "jacobi" and
 * "bidiagonal" give every singular value to a small multiple of eps relative
 * to itself (measured on singular values 1 .. 1e-15: Jacobi 1e-15,
 * bidiagonal 6e-15 to 2e-14); "divide-and-conquer" gives them to
 * O(eps σ_max) (measured: 1.6e-15 absolute, so 1e-15 came out 12% off), as
 * every method does for matrices that are not graded. Ask for "bidiagonal"
 * or "jacobi" when tiny singular values of a graded matrix must keep their
 * relative accuracy.
 * Singular values below 1e-135 of the largest count as zero on the Jacobi
 * path; their right vectors are completed to an orthonormal set by
 * Gram-Schmidt against coordinate vectors.
 * Signs are normalised: each column of U has its largest-magnitude entry positive.
 * Errors: SHAPE, EMPTY, NON_FINITE, NOT_CONVERGED (bidiagonal QR past 6N²
 * sweep steps; not expected), TOO_LARGE (also
 * when the largest singular value exceeds the double range, which entries
 * near 1.8e308 allow),
 * RANK (rank above min(m, n)), INVALID_ARGUMENT (rank not a positive
 * integer, an unknown method). `dtype: "float32"` returns U, s and V as
 * Float32Arrays rounded from the f64 result.
 *
 * @example
 * const { U, s, V } = svd(A, { rank: 10 });
 */
export function svd<D extends Dtype = "float64">(A: DenseMatrix, opts: SvdOptions & DtypeOption<D> = {}): WithDtype<SvdResult & { kind: "svd"; version: number }, D> {
  const o = readSvdOptions(opts);
  const { U, d, V, e } = svdScaled(A, o);
  // The largest singular value can exceed the double range even when every entry is finite (‖A‖ up to sqrt(mn) max|a_ij|).
  if (!Number.isFinite(timesPow2(d[0], e))) throw tooLarge("svd", "the largest singular value", d[0], e);
  const s = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) s[i] = timesPow2(d[i], e);
  return castResult({ kind: "svd" as const, version: RESULT_VERSION, U, s, V }, o.dtype as D, "svd");
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
  const method = opts.method ?? "auto";
  const jacobi = method === "jacobi" || (method === "auto" && N <= JACOBI_MAX_N);
  const dc = method === "divide-and-conquer" || (method === "auto" && N >= SVD_DC_MIN);
  const { ub, vb, d } = jacobi ? jacobiPath(A, trans, M, N, r, e, opts.backend) : bidiagonalPath(A, trans, M, N, r, e, dc, opts.backend);
  const U = trans ? vb : ub, V = trans ? ub : vb;
  for (let j = 0; j < r; j++) {
    if (positiveColumn(U, m, r, j)) for (let i = 0; i < n; i++) V[i * r + j] = -V[i * r + j];
  }
  return { U: { rows: m, cols: r, data: U }, d: d.slice(0, r), V: { rows: n, cols: r, data: V }, e };
}

/**
 * x 2^-e as one multiplication when 2^-e is a normal double (exactly timesPow2's
 * result, without its Math.pow per entry), else timesPow2.
 */
function scaler(e: number): (x: number) => number {
  if (e > 1000 || e < -1000) return (x) => timesPow2(x, -e);
  const f = 2 ** -e;
  return (x) => x * f;
}

/** The scaled M x N orientation of A (Aᵀ when trans) into a; with `order`, its column j is column order[j]. */
function loadScaled(A: DenseMatrix, trans: boolean, e: number, a: Float64Array, order?: Int32Array): void {
  const m = A.rows, n = A.cols, src = A.data, sc = scaler(e);
  if (order) {
    const N = order.length, M = trans ? n : m;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) a[i * N + j] = sc(trans ? src[order[j] * n + i] : src[i * n + order[j]]);
    }
  } else if (!trans) {
    for (let i = 0; i < m * n; i++) a[i] = sc(src[i]);
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a[i * m + j] = sc(src[j * n + i]);
  }
}

/**
 * The columns of the tall orientation by decreasing norm: QR of the columns in
 * this order leaves R graded from large to small down its diagonal, which the
 * bidiagonalisation and the top-down QR sweeps keep to relative accuracy.
 */
function columnsByNorm(A: DenseMatrix, trans: boolean, e: number): Int32Array {
  const m = A.rows, n = A.cols, src = A.data, N = trans ? m : n, sc = scaler(e);
  const sq = new Float64Array(N);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = sc(src[i * n + j]);
      sq[trans ? i : j] += v * v;
    }
  }
  return Int32Array.from(Array.from({ length: N }, (_, j) => j).sort((p, q) => sq[q] - sq[p] || p - q));
}

interface Factors {
  /** M x r left vectors of the tall orientation. */
  ub: Float64Array;
  /** N x r right vectors. */
  vb: Float64Array;
  /** r singular values, descending (of the scaled matrix). */
  d: Float64Array;
}

/** QR, then one-sided Jacobi on the rows of R, then U = Q P. */
function jacobiPath(A: DenseMatrix, trans: boolean, M: number, N: number, r: number, e: number, backend: Backend | undefined): Factors {
  const wn = qrBlockedWorkSize(M, N);
  const bytes = arenaBytes(2 * M * N + 2 * N * N + M * r + 2 * N + wn, 0, 8);
  const { ub, xw, d } = withLinalg(backend, bytes, (ws) => {
    const K = ws.kernels;
    const a = ws.f64(M * N);
    loadScaled(A, trans, e, a);
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
  return { ub, vb, d };
}

/**
 * QR, Householder bidiagonalisation of R = Qb B Pbᵀ, then implicit-shift QR
 * on B rotating the rows of Qbᵀ and Pbᵀ, or (dc) divide and conquer on B
 * and Qbᵀ, Pbᵀ multiplied by its vectors; U = Q Qb Ub by one GEMM.
 */
function bidiagonalPath(A: DenseMatrix, trans: boolean, M: number, N: number, r: number, e: number, dc: boolean, backend: Backend | undefined): Factors {
  const wn = Math.max(qrBlockedWorkSize(M, N), qrBlockedWorkSize(N, N), N);
  const lw = bidiagonalQrWorkSize(N);
  const bytes = arenaBytes(2 * M * N + 4 * N * N + M * r + 6 * N + wn + lw + (dc ? bidiagonalDcWorkSize(N) : 0), 0, 16);
  const order = columnsByNorm(A, trans, e);
  const { ub, vt, d } = withLinalg(backend, bytes, (ws) => {
    const K = ws.kernels;
    const blocked = K.backend === "wasm";
    const a = ws.f64(M * N);
    loadScaled(A, trans, e, a, order);
    const tau = ws.f64(N), work = ws.f64(wn);
    if (blocked) K.householderQrBlocked(M, N, a, N, tau, work);
    else K.householderQr(M, N, a, N, tau, work);
    const R = ws.f64(N * N);
    for (let i = 0; i < N; i++) {
      R.fill(0, i * N, i * N + i);
      R.set(a.subarray(i * N + i, i * N + N), i * N + i);
    }
    const Q = ws.f64(M * N);
    if (blocked) K.householderQBlocked(M, N, a, N, tau, Q, N, work);
    else K.householderQ(M, N, a, N, tau, Q, N, work);
    const dv = ws.f64(N), ev = ws.f64(N), tauq = ws.f64(N), taup = ws.f64(N);
    K.bidiagonalize(N, R, N, dv, ev, tauq, taup, work);
    // Ut = Qbᵀ and Vt = Pbᵀ, each formed as a thin Q from its reflectors, then transposed.
    const F = ws.f64(N * N), Ut = ws.f64(N * N), Vt = ws.f64(N * N);
    if (blocked) K.householderQBlocked(N, N, R, N, tauq, F, N, work);
    else K.householderQ(N, N, R, N, tauq, F, N, work);
    transposeInto(N, N, F, N, Ut, N);
    // Pb = diag(1, P1): P1's reflectors, now in columns below the diagonal of Y = R[0:N-1, 1:N]ᵀ.
    const N1 = N - 1;
    Vt.fill(0, 0, N);
    Vt[0] = 1;
    for (let i = 1; i < N; i++) Vt[i * N] = 0;
    if (N1 > 0) {
      const Y = a.subarray(0, N1 * N1); // a is free once R is copied and Q formed
      for (let c = 0; c < N1; c++) for (let q = c + 1; q < N1; q++) Y[q * N1 + c] = R[c * N + q + 1];
      if (blocked) K.householderQBlocked(N1, N1, Y, N1, taup, F, N1, work);
      else K.householderQ(N1, N1, Y, N1, taup, F, N1, work);
      for (let i = 0; i < N1; i++) for (let j = 0; j < N1; j++) Vt[(i + 1) * N + j + 1] = F[j * N1 + i];
    }
    if (dc) {
      // B = Ub Σ Vbᵀ by divide and conquer (rows of Ubt and Vbt, in a and R, both free by now: M >= N), then
      // Ut = Ubᵀ Qbᵀ and Vt = Vbᵀ Pbᵀ by GEMM.
      const Ubt = a.subarray(0, N * N), Vbt = R;
      const it = bidiagonalDc(K, N, dv, ev, Ubt, N, Vbt, N, ws.f64(bidiagonalDcWorkSize(N)));
      if (it < 0) throw new LowrankError("NOT_CONVERGED", "svd: the bidiagonal divide and conquer did not converge");
      F.set(Ut);
      K.gemm(false, false, N, N, N, 1, Ubt, N, F, N, 0, Ut, N);
      F.set(Vt);
      K.gemm(false, false, N, N, N, 1, Vbt, N, F, N, 0, Vt, N);
    } else {
      const status = K.bidiagonalQr(N, dv, ev, Ut, N, Vt, N, ws.f64(lw), lw);
      if (status === -2) throw internalError("svd: bidiagonalQr was given too little work");
      if (status < 0) throw new LowrankError("NOT_CONVERGED", `svd: bidiagonal QR did not converge in ${6 * N * N} sweep steps`);
    }
    const U = ws.f64(M * r);
    K.gemm(false, true, M, r, N, 1, Q, N, Ut, N, 0, U, r);
    return { ub: ws.output(U), vt: ws.output(Vt.subarray(0, r * N)), d: ws.output(dv.subarray(0, r)) };
  });
  // Row j of V belongs to column order[j] of the tall orientation.
  const vb = new Float64Array(N * r);
  for (let k = 0; k < r; k++) for (let j = 0; j < N; j++) vb[order[j] * r + k] = vt[k * N + j];
  return { ub, vb, d };
}

/** B (cols x rows) = Aᵀ for A rows x cols. */
function transposeInto(rows: number, cols: number, A: Float64Array, lda: number, B: Float64Array, ldb: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) B[j * ldb + i] = A[i * lda + j];
}

// Warm-up (docs/ARCHITECTURE.md, "The runtime"): init() repeats an SVD on each
// path (one-sided Jacobi up to min(m, n) = 32, bidiagonal QR above) until it runs
// optimised, and the bidiagonal divide and conquer on a 30 x 30 bidiagonal (one merge of
// two leaves, one of each kind: its driver and secularSvd; the reduction and products
// around it are the other paths'). The entries are sin(1 + i²/2): full rank and
// well conditioned, as a user's matrix (sin(1 + i) has rank 2, on which the kernels
// take shorter paths).
const warmInputs: DenseMatrix[] = [];
const WARM_DC = 30;
linalgModule.warmCall(() => {
  if (warmInputs.length === 0) {
    for (const [m, n] of [[48, 12], [200, 40]]) warmInputs.push({ rows: m, cols: n, data: Float64Array.from({ length: m * n }, (_, i) => Math.sin(1 + (i * i) / 2)) });
  }
  for (const A of warmInputs) svd(A);
  const n = WARM_DC;
  withLinalg(undefined, arenaBytes(2 * n * n + 2 * n + bidiagonalDcWorkSize(n), 0, 6), (ws) => {
    const d = ws.f64(n), e = ws.f64(n);
    for (let i = 0; i < n; i++) {
      d[i] = 2 + Math.sin(1 + (i * i) / 2);
      e[i] = Math.cos(1 + (i * i) / 3);
    }
    bidiagonalDc(ws.kernels, n, d, e, ws.f64(n * n), n, ws.f64(n * n), n, ws.f64(bidiagonalDcWorkSize(n)));
  });
});
