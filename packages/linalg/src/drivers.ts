// Workspace-level drivers shared by every package: the Jacobi step of the small
// dense SVD (tight tolerance, then a looser retry) and the dense SPD solve
// (Cholesky with one ridge policy, then the two triangular solves). They take a
// kernel set (either backend) and views, so wasm and js run the same floating-
// point operations in the same order. See docs/ARCHITECTURE.md for the runtime.
import type { FactorKernels } from "./factor-kernels.js";

const EPS = 2.220446049250313e-16;

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
  K: Pick<FactorKernels, "jacobiRows">, r: number, c: number, cw: number,
  X: Float64Array, ldx: number, d: Float64Array, maxSweeps: number,
): number {
  const tight = K.jacobiRows(r, c, cw, X, ldx, d, Math.sqrt(r) * EPS, maxSweeps);
  if (tight >= 0) return tight;
  return K.jacobiRows(r, c, cw, X, ldx, d, r * EPS, maxSweeps);
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
  K: Pick<FactorKernels, "cholesky" | "triangularSolve">, n: number, G: Float64Array, ldg: number,
  L: Float64Array, B: Float64Array, nrhs: number, ldb: number,
): number {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * ldg + i];
  let ridge = 0;
  for (let attempt = 0; ; attempt++) {
    if (ldg === n) L.set(G.subarray(0, n * n));
    else for (let i = 0; i < n; i++) L.set(G.subarray(i * ldg, i * ldg + n), i * n);
    for (let i = 0; i < n; i++) L[i * n + i] += ridge;
    if (K.cholesky(n, L, n) < 0) break;
    if (attempt === SPD_RIDGE_TRIES) return -1;
    // G = 0: any ridge gives X = 0.
    ridge = ridge === 0 ? (trace > 0 ? (1e-12 * trace) / n : 1) : ridge * 100;
  }
  K.triangularSolve(true, false, false, n, nrhs, L, n, B, ldb);
  K.triangularSolve(true, true, false, n, nrhs, L, n, B, ldb);
  return ridge;
}
