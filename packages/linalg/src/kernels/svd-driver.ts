// TypeScript twin of assembly/svd-driver.ts: the Jacobi SVD driver (tight
// tolerance, then one looser retry), the same calls with the same tolerances.
// It takes the Jacobi kernels as its first argument, as the drivers in
// drivers.ts take a kernel set, so the one retry runs over either backend's
// kernels; it imports nothing at run time (docs/ARCHITECTURE.md, "Twins").

const EPS = 2.220446049250313e-16;

/** The Jacobi kernels the driver runs (any kernel set that has them). */
export interface JacobiRowsKernels {
  jacobiRows(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number): number;
  jacobiRowsScaled(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number, work: Float64Array): number;
}

/**
 * One-sided Jacobi on the r rows of X (leading dimension ldx): the first c
 * entries of each row are orthogonalised, all cw are rotated (so a trailing
 * identity block accumulates the rotations); d gets the row norms, descending,
 * rows sorted to match. Tolerance sqrt(n)·eps, then n·eps should the first run
 * not converge in maxSweeps (n is the dimension the tolerance scales with).
 * `scaled` picks K.jacobiRowsScaled (short rows; work: 5 r + 5 doubles) over
 * K.jacobiRows (work unread). Returns the sweeps of the run that converged,
 * or a negative number when the loose run did not converge either.
 * O(sweeps r² cw).
 *
 * @example
 * // linalg's jacobiSvd: jacobiRowsRetry(K, r, c, cw, X, ldx, d, r, maxSweeps, false, new Float64Array(0))
 */
export function jacobiRowsRetry(
  K: JacobiRowsKernels, r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array,
  n: number, maxSweeps: number, scaled: boolean, work: Float64Array,
): number {
  const tight = Math.sqrt(n) * EPS, loose = n * EPS;
  if (scaled) {
    const first = K.jacobiRowsScaled(r, c, cw, X, ldx, d, tight, maxSweeps, work);
    if (first >= 0) return first;
    return K.jacobiRowsScaled(r, c, cw, X, ldx, d, loose, maxSweeps, work);
  }
  const first = K.jacobiRows(r, c, cw, X, ldx, d, tight, maxSweeps);
  if (first >= 0) return first;
  return K.jacobiRows(r, c, cw, X, ldx, d, loose, maxSweeps);
}
