// One-sided (Hestenes) Jacobi on rows, the core of the thin SVD (src/svd.ts).
// Mirrored in src/factor-kernels.ts (jacobiRows). Rows are contiguous in
// row-major storage, so inner products and rotations are SIMD.
import { dot, nrm2 } from "./blas1";
import { at, ld, rotRows, st, swapRows } from "./rotation";

function sortRowsDesc(r: i32, cw: i32, X: usize, ldx: i32, d: usize): void {
  for (let i = 0; i < r - 1; i++) {
    let best = i;
    for (let j = i + 1; j < r; j++) if (ld(d, j) > ld(d, best)) best = j;
    if (best != i) {
      const t = ld(d, i);
      st(d, i, ld(d, best));
      st(d, best, t);
      swapRows(cw, at(X, ldx, i, 0), at(X, ldx, best, 0));
    }
  }
}

/**
 * Rotates pairs of the r rows of X (cw entries each) until their first c
 * entries are mutually orthogonal to |<x_i,x_j>| <= tol |x_i||x_j|. Sorted by
 * decreasing norm; d receives the norms. Returns sweeps used or -1.
 */
export function jacobiRows(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize, tol: f64, maxSweeps: i32): i32 {
  let sweeps = -1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let i = 0; i < r; i++) {
      const xi = at(X, ldx, i, 0);
      st(d, i, dot(c, xi, xi));
    }
    sortRowsDesc(r, cw, X, ldx, d);
    const tiny = ld(d, 0) * 1e-280;
    let rotated = 0;
    for (let i = 0; i < r - 1; i++) {
      const xi = at(X, ldx, i, 0);
      for (let j = i + 1; j < r; j++) {
        const a = ld(d, i), b = ld(d, j);
        if (a <= tiny || b <= tiny) continue;
        const xj = at(X, ldx, j, 0);
        const g = dot(c, xi, xj);
        if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated++;
        const zeta = (b - a) / (2 * g);
        const az = Math.abs(zeta);
        const ta = az > 1e150 ? 0.5 / az : 1.0 / (az + Math.sqrt(1 + az * az));
        const t = zeta < 0 ? -ta : ta;
        const cs = 1.0 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        rotRows(cw, xi, xj, cs, sn);
        st(d, i, a - t * g);
        st(d, j, b + t * g);
      }
    }
    if (rotated == 0) {
      sweeps = sweep + 1;
      break;
    }
  }
  for (let i = 0; i < r; i++) st(d, i, nrm2(c, at(X, ldx, i, 0)));
  sortRowsDesc(r, cw, X, ldx, d);
  return sweeps;
}
