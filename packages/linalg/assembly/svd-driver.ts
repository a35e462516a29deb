// The Jacobi SVD driver: one-sided Jacobi on rows at a tight tolerance, and,
// should rounding keep a pair just above it for maxSweeps sweeps, once more at
// a looser one. Written once here for every caller, in AssemblyScript for
// kernels that run the whole small SVD in one call (svd-update's
// smallSvdCore); its TypeScript twin is src/kernels/svd-driver.ts
// (docs/ARCHITECTURE.md, "Twins").
import { jacobiRowsScaled } from "./jacobi-scaled";
import { jacobiRows } from "./jacobi-svd";

const EPS: f64 = 2.220446049250313e-16;

/**
 * One-sided Jacobi on the r rows of X (leading dimension ldx): the first c
 * entries of each row are orthogonalised, all cw are rotated (so a trailing
 * identity block accumulates the rotations); d gets the row norms, descending,
 * rows sorted to match. Tolerance sqrt(n)·eps, then n·eps should the first run
 * not converge in maxSweeps (as LAPACK's dgesvj, n is the dimension the
 * tolerance scales with: the caller's choice). `scaled` picks jacobiRowsScaled
 * (short rows; work: 5 r + 5 doubles) over jacobiRows (work unread).
 * Returns the sweeps of the run that converged, or a negative number when the
 * loose run did not converge either. O(sweeps r² cw).
 */
export function jacobiRowsRetry(
  r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize, n: i32, maxSweeps: i32, scaled: bool, work: usize,
): i32 {
  const tight = Math.sqrt(<f64>n) * EPS, loose = <f64>n * EPS;
  if (scaled) {
    const first = jacobiRowsScaled(r, c, cw, X, ldx, d, tight, maxSweeps, work);
    if (first >= 0) return first;
    return jacobiRowsScaled(r, c, cw, X, ldx, d, loose, maxSweeps, work);
  }
  const first = jacobiRows(r, c, cw, X, ldx, d, tight, maxSweeps);
  if (first >= 0) return first;
  return jacobiRows(r, c, cw, X, ldx, d, loose, maxSweeps);
}
