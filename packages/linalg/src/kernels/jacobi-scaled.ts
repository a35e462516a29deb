// TypeScript twin of assembly/jacobi-scaled.ts: one-sided Jacobi with scaled
// rotations for small matrices. This twin runs the cyclic sweep; the WASM
// kernel takes the same pairs by anti-diagonals, which applies the same
// rotations to each row in the same order, so the results agree bit for bit.
import { dotAt } from "./blas1.js";
import { sweepFinish, sweepStart } from "./jacobi-svd.js";

/** |g| <= tol sqrt(a b), compared squared while a b is well inside the normal range (as assembly/jacobi-scaled.ts). */
function orthogonalEnough(a: number, b: number, g: number, tol: number): boolean {
  const ab = a * b;
  if (ab > 1e-290 && ab < 1e290) return g * g <= tol * tol * ab;
  return Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b);
}

/**
 * The Jacobi rotation of a pair (squared norms a, b, inner product g) into
 * out[0..2]: t, cs = 1 / sqrt(1 + t²), sec = 1 / cs, with two square roots and
 * one division (as assembly/jacobi-scaled.ts `rotation`, which derives them).
 */
function jacobiRotation(a: number, b: number, g: number, out: Float64Array): void {
  const h = b - a, g2 = 2 * g;
  const q = h * h + g2 * g2;
  if (q > 1e-280 && q < Infinity) {
    const rq = Math.sqrt(q), u = Math.abs(h) + rq;
    const v = 1 / (u * rq);
    const tt = Math.abs(g2) * v * rq;
    out[0] = (h < 0) !== (g < 0) && h !== 0 ? -tt : tt;
    const s1 = Math.sqrt(0.5 * v);
    out[1] = u * s1;
    out[2] = 2 * rq * s1;
    return;
  }
  const zeta = h / g2, az = Math.abs(zeta);
  const ta = az > 1e150 ? 0.5 / az : 1 / (az + Math.sqrt(1 + az * az));
  const t = zeta < 0 ? -ta : ta;
  out[0] = t;
  out[2] = Math.sqrt(1 + t * t);
  out[1] = 1 / out[2];
}

/** Scaled rotation of two rows: x <- x - al y, y <- y + be x (old x). */
function rotScaledAt(n: number, X: Float64Array, xo: number, yo: number, al: number, be: number): void {
  for (let i = 0; i < n; i++) {
    const a = X[xo + i], b = X[yo + i];
    X[xo + i] = a - al * b;
    X[yo + i] = b + be * a;
  }
}

/**
 * `jacobiRows` for small matrices such as an SVD update's core: scaled
 * rotations (each row kept as D_i y_i, two multiply-adds per entry); the same
 * pairs, tolerances and bookkeeping. work: 5 r + 5 doubles. Returns the sweeps
 * used, or -1. O(sweeps r² (c + cw)).
 */
export function jacobiRowsScaled(
  r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number, work: Float64Array,
): number {
  // The cyclic sweep; the WASM kernel's anti-diagonal order applies the same rotations to each row in the same order.
  const D = work.subarray(0, r), E = work.subarray(r, 2 * r), rot = work.subarray(2 * r, 2 * r + 3);
  let sweeps = -1;
  D.fill(1);
  E.fill(1);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    const tiny = sweepStart(r, c, cw, X, ldx, d);
    let rotated = 0;
    for (let i = 0; i < r - 1; i++) {
      for (let j = i + 1; j < r; j++) {
        const a = d[i], b = d[j];
        if (a <= tiny || b <= tiny) continue;
        const di = D[i], dj = D[j], ei = E[i], ej = E[j];
        const g = di * dj * dotAt(c, X, i * ldx, X, j * ldx);
        if (orthogonalEnough(a, b, g, tol)) continue;
        rotated++;
        jacobiRotation(a, b, g, rot);
        const t = rot[0];
        rotScaledAt(cw, X, i * ldx, j * ldx, t * dj * ei, t * di * ej);
        D[i] = di * rot[1];
        D[j] = dj * rot[1];
        E[i] = ei * rot[2];
        E[j] = ej * rot[2];
        d[i] = a - t * g;
        d[j] = b + t * g;
      }
    }
    for (let i = 0; i < r; i++) {
      const s = D[i];
      if (s === 1) continue;
      for (let q = 0; q < cw; q++) X[i * ldx + q] *= s;
      D[i] = 1;
      E[i] = 1;
    }
    if (rotated === 0) {
      sweeps = sweep + 1;
      break;
    }
  }
  sweepFinish(r, c, cw, X, ldx, d);
  return sweeps;
}
