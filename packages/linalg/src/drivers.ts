// Workspace-level drivers shared by every package: the Jacobi step of the small
// dense SVD (tight tolerance, then a looser retry), the dense SPD solve
// (Cholesky with one ridge policy, then the two triangular solves), the
// orthonormal basis of a tall block (Householder QR), and small LU solves. They take a
// kernel set (either backend) and views, so wasm and js run the same floating-
// point operations in the same order. See docs/ARCHITECTURE.md for the runtime.
import { LowrankError } from "./errors.js";
import { invertGJ } from "./kernels/lu.js";
import type { LinalgKernels } from "./kernels/index.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { jacobiRowsRetry } from "./kernels/svd-driver.js";

const EPS = 2.220446049250313e-16;

/** The plain Jacobi kernel reads no work array. */
const NO_WORK = new Float64Array(0);

/**
 * One-sided Jacobi on the r rows of X (first c entries of each row are
 * orthogonalised; all cw entries are rotated, so a trailing identity block
 * accumulates the rotations), leading dimension ldx. Stops when every pair's
 * cosine is below sqrt(r)·eps (as LAPACK's dgesvj); should rounding keep a pair
 * just above that within maxSweeps, runs again with the looser r·eps. Writes the
 * row norms, descending, to d (rows sorted to match). Returns the sweeps of the
 * run that converged, or a negative number when the loose run did not converge
 * either (X and d then hold what it reached). O(sweeps·r²·cw).
 */
export function jacobiSvd(
  K: Pick<LinalgKernels, "jacobiRows" | "jacobiRowsScaled">, r: number, c: number, cw: number,
  X: Float64Array, ldx: number, d: Float64Array, maxSweeps: number,
): number {
  return jacobiRowsRetry(K, r, c, cw, X, ldx, d, r, maxSweeps, false, NO_WORK);
}

/** Ridge retries of {@link spdSolve} after the plain attempt. */
export const SPD_RIDGE_TRIES = 8;

/**
 * Solves G X = B for the symmetric positive (semi)definite n x n G (lower
 * triangle read, leading dimension ldg; G is not modified) in place of B
 * (n x nrhs, leading dimension ldb), with L (n x n, leading dimension n) as
 * scratch for the factor. Ridge policy: Cholesky of G; should it fail, of
 * G + ρ I with ρ = 1e-12·trace(G)/n (1 when the trace is not positive),
 * growing 100x per try, for up to 8 tries. Returns the ridge used (0 for
 * none), or -1 when G + ρ I never factored (B untouched): the caller maps that
 * to its own NOT_CONVERGED. O(n³/3 + 2 n² nrhs).
 */
export function spdSolve(
  K: Pick<LinalgKernels, "cholesky" | "triangularSolve">, n: number, G: Float64Array, ldg: number,
  L: Float64Array, B: Float64Array, nrhs: number, ldb: number,
): number {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * ldg + i];
  let ridge = 0;
  for (let attempt = 0; ; attempt++) {
    if (ldg === n) L.set(G.subarray(0, n * n));
    else for (let i = 0; i < n; i++) L.set(G.subarray(i * ldg, i * ldg + n), i * n);
    for (let i = 0; i < n; i++) L[i * n + i] += ridge;
    if (K.cholesky(n, L, n) >= 0) break;
    if (attempt === SPD_RIDGE_TRIES) return -1;
    // G = 0: any ridge gives X = 0.
    ridge = ridge === 0 ? (trace > 0 ? (1e-12 * trace) / n : 1) : ridge * 100;
  }
  K.triangularSolve(true, false, false, n, nrhs, L, n, B, ldb);
  K.triangularSolve(true, true, false, n, nrhs, L, n, B, ldb);
  return ridge;
}

/**
 * Solves the d x d row-major system M x = y (or Mᵀ x = y when `trans`) by
 * Gaussian elimination with partial pivoting on copies (M and y are not
 * modified). Returns x, or null when a pivot falls below 1e-13 of the largest
 * entry of M (or M is zero): singular for practical purposes, which the caller
 * maps to its own error or fallback. For small systems (plain arrays, no
 * workspace). O(d³).
 */
export function luSolve(d: number, M: ArrayLike<number>, y: ArrayLike<number>, trans = false): Float64Array | null {
  const a = new Float64Array(d * d);
  let big = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const v = trans ? M[j * d + i] : M[i * d + j];
      a[i * d + j] = v;
      big = Math.max(big, Math.abs(v));
    }
  }
  const x = Float64Array.from(y);
  if (!(big > 0)) return null;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let i = c + 1; i < d; i++) if (Math.abs(a[i * d + c]) > Math.abs(a[piv * d + c])) piv = i;
    if (!(Math.abs(a[piv * d + c]) > 1e-13 * big)) return null;
    if (piv !== c) {
      for (let j = 0; j < d; j++) {
        const t = a[c * d + j];
        a[c * d + j] = a[piv * d + j];
        a[piv * d + j] = t;
      }
      const t = x[c];
      x[c] = x[piv];
      x[piv] = t;
    }
    for (let i = c + 1; i < d; i++) {
      const f = a[i * d + c] / a[c * d + c];
      if (f === 0) continue;
      for (let j = c; j < d; j++) a[i * d + j] -= f * a[c * d + j];
      x[i] -= f * x[c];
    }
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < d; j++) s -= a[i * d + j] * x[j];
    x[i] = s / a[i * d + i];
  }
  return x;
}

/**
 * inv = H⁻¹ (k x k, row-major) by Gauss-Jordan elimination with partial
 * pivoting on [H | I] (work: 2 k² doubles); false when a pivot is exactly zero
 * (H singular), which the caller maps to its own error. Plain arrays, no
 * workspace: the TypeScript twin of assembly/lu.ts invertGJ (src/kernels/lu.ts),
 * bit-identical to it on the simd build. O(k³).
 */
export function luInverse(k: number, H: Float64Array, inv: Float64Array, work: Float64Array): boolean {
  return invertGJ(k, H, inv, work);
}

/**
 * Writes the n x n R (leading dimension ldr) as an upper triangle, zeros
 * below the diagonal, into the first n columns of X's n rows (leading
 * dimension ldx), and, when `identity`, the n x n identity into columns
 * n..2n-1: the [R | I] that {@link jacobiSvd} rotates to accumulate the
 * rotations. Every entry of those columns is written, so X may
 * come from `Workspace.scratch`; columns past them are left as they are. O(n²).
 */
export function triangleWithIdentity(n: number, R: Float64Array, ldr: number, X: Float64Array, ldx: number, identity: boolean): void {
  const w = identity ? 2 * n : n;
  for (let i = 0; i < n; i++) {
    const x = i * ldx;
    X.fill(0, x, x + i);
    for (let j = i; j < n; j++) X[x + j] = R[i * ldr + j];
    if (identity) {
      X.fill(0, x + n, x + w);
      X[x + n + i] = 1;
    }
  }
}

/** Doubles of `work` that {@link orthonormalize}(m, n, ...) needs: qrBlockedWorkSize(m, n). O(1). */
export function orthonormalizeWorkSize(m: number, n: number): number {
  return qrBlockedWorkSize(m, n);
}

/**
 * Q (m x n, leading dimension ldq), orthonormal columns spanning the columns of
 * the tall A (m x n, m >= n, leading dimension lda), by Householder QR: A is
 * overwritten with R (upper triangle, non-negative diagonal) and the
 * reflectors, tau (n) gets their factors, work holds orthonormalizeWorkSize(m, n)
 * doubles. Where A is rank-deficient the columns of Q past its rank are still
 * orthonormal: each is the next reflector's image of a coordinate vector, so
 * the rank-deficient columns come completed (no Gram-Schmidt fix-up needed).
 * Returns the number of diagonal entries of R above n·eps times the largest
 * (the numerical rank, as far as QR without pivoting tells it). Blocked
 * kernels, so large blocks run mostly in GEMM. O(6mn² - 2n³).
 */
export function orthonormalize(
  K: Pick<LinalgKernels, "householderQrBlocked" | "householderQBlocked">, m: number, n: number,
  A: Float64Array, lda: number, Q: Float64Array, ldq: number, tau: Float64Array, work: Float64Array,
): number {
  if (m < n) throw new LowrankError("SHAPE", `orthonormalize: a tall block (m >= n) is needed, got ${m} x ${n}`);
  K.householderQrBlocked(m, n, A, lda, tau, work);
  K.householderQBlocked(m, n, A, lda, tau, Q, ldq, work);
  let big = 0;
  for (let j = 0; j < n; j++) big = Math.max(big, Math.abs(A[j * lda + j]));
  let rank = 0;
  for (let j = 0; j < n; j++) if (Math.abs(A[j * lda + j]) > n * EPS * big) rank++;
  return rank;
}
