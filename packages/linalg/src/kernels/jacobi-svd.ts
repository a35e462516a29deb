// TypeScript twin of assembly/jacobi-svd.ts: one-sided (Hestenes) Jacobi on
// rows, the core of the thin SVD (src/svd.ts), with the same arithmetic in the
// same order as the simd build.
import { dotAt, nrm2At } from "./blas1.js";
import { rotRows, swapRows } from "./rotation.js";

/** rotRows(n, x, y, cs, sn) then dot(n, x, z): the rotated x's inner product with z. O(n). */
export function rotRowsDotInline(
  n: number, x: Float64Array, xo: number, y: Float64Array, yo: number, cs: number, sn: number, z: Float64Array, zo: number,
): number {
  rotRows(n, x, xo, y, yo, cs, sn);
  return dotAt(n, x, xo, z, zo);
}

/** Selection sort of the r rows of X (cw entries each) by decreasing d (stable on ties, as the AS kernel). O(r² + r cw). */
export function sortRowsDesc(r: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): void {
  for (let i = 0; i < r - 1; i++) {
    let best = i;
    for (let j = i + 1; j < r; j++) if (d[j] > d[best]) best = j;
    if (best !== i) {
      const t = d[i];
      d[i] = d[best];
      d[best] = t;
      swapRows(cw, X, i * ldx, X, best * ldx);
    }
  }
}

/**
 * The start of a Jacobi sweep (shared with jacobiRowsScaled): d_i = |x_i|²
 * over the first c entries, rows sorted by decreasing d; returns the threshold
 * below which a row counts as zero. O(r c + r²).
 */
export function sweepStart(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): number {
  for (let i = 0; i < r; i++) d[i] = dotAt(c, X, i * ldx, X, i * ldx);
  sortRowsDesc(r, cw, X, ldx, d);
  return d[0] * 1e-280;
}

/** The end of a Jacobi run: d_i = |x_i| (scaled, no overflow), rows sorted by decreasing d. O(r c + r²). */
export function sweepFinish(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): void {
  for (let i = 0; i < r; i++) d[i] = nrm2At(c, X, i * ldx);
  sortRowsDesc(r, cw, X, ldx, d);
}

/**
 * One-sided Jacobi on the r rows of X (each cw long, leading dimension ldx):
 * rotates pairs of rows until, over their first c entries, every pair is
 * orthogonal to |<x_i,x_j>| <= tol |x_i| |x_j|. Rotations are applied to all
 * cw entries (an identity in columns c..2c accumulates them). Rows are sorted
 * by decreasing norm at each sweep (de Rijk) and at the end, when `d` holds
 * the norms of the rows' first c entries. Rows whose squared norm is below
 * 1e-280 times the largest are left alone. Returns the sweeps used, or -1 if
 * maxSweeps passed without convergence. O(sweeps r² (c + cw)).
 */
export function jacobiRows(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number): number {
  let sweeps = -1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    const tiny = sweepStart(r, c, cw, X, ldx, d);
    let rotated = 0;
    for (let i = 0; i < r - 1; i++) {
      for (let j = i + 1; j < r; j++) {
        const a = d[i], b = d[j];
        if (a <= tiny || b <= tiny) continue;
        const g = dotAt(c, X, i * ldx, X, j * ldx);
        if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated++;
        const zeta = (b - a) / (2 * g);
        const az = Math.abs(zeta);
        const ta = az > 1e150 ? 0.5 / az : 1 / (az + Math.sqrt(1 + az * az));
        const t = zeta < 0 ? -ta : ta;
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        rotRows(cw, X, i * ldx, X, j * ldx, cs, sn);
        d[i] = a - t * g;
        d[j] = b + t * g;
      }
    }
    if (rotated === 0) {
      sweeps = sweep + 1;
      break;
    }
  }
  sweepFinish(r, c, cw, X, ldx, d);
  return sweeps;
}

export { jacobiRows as jacobiRowsInline };
