// One-sided Jacobi on rows for small matrices such as an SVD update's core,
// where rows are so short that the chain from one rotation to the next (an
// inner product, then divisions and square roots), not the arithmetic, sets
// the speed. Two changes shorten that chain; the rotations stay those of
// `jacobiRows` up to rounding (same pairs, tolerances and bookkeeping):
// - Scaled ("fast") rotations: each row is kept as x_i = D_i y_i, so a
//   rotation by (cs, sn = cs t) becomes y_i <- y_i - (t D_j / D_i) y_j,
//   y_j <- y_j + (t D_i / D_j) y_i, D <- cs D: two multiply-adds per entry
//   instead of four multiplications and two additions, and the cosine leaves
//   the chain. LAPACK's dgsvj0 applies its rotations the same way (drotm with
//   a scaling vector); E = 1 / D is kept too, so that no division is needed.
//   The scales are folded back into the rows after each sweep (|t| <= 1, so a row grows by at most sqrt(2) per rotation).
// - The rotation from two square roots and one division, and the
//   orthogonality test without square roots (rotation, orthogonalEnough).
// - Anti-diagonal order (jacobiRowsScaled): independent pairs overlap.
// Mirrored in src/kernels/jacobi-scaled.ts.
import { dotInline } from "./blas1";
import { at, ld, st } from "./rotation";
import { sweepFinish, sweepStart } from "./jacobi-svd";
import { madd } from "./simd";

/** y_x <- y_x - al y_y, y_y <- y_y + be y_x (old y_x), on n entries. */
@inline function rotScaled(n: i32, x: usize, y: usize, al: f64, be: f64): void {
  // x - al y as x + (-al) y: negation is exact, so fused or not this rounds as the subtraction does.
  const va = f64x2.splat(-al), vb = f64x2.splat(be);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    const p0 = v128.load(x + o), q0 = v128.load(y + o);
    const p1 = v128.load(x + o, 16), q1 = v128.load(y + o, 16);
    v128.store(x + o, madd(va, q0, p0));
    v128.store(y + o, madd(vb, p0, q0));
    v128.store(x + o, madd(va, q1, p1), 16);
    v128.store(y + o, madd(vb, p1, q1), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(x + o), b = load<f64>(y + o);
    store<f64>(x + o, a - al * b);
    store<f64>(y + o, b + be * a);
  }
}

/**
 * Whether the pair with squared norms a, b and inner product g is orthogonal
 * enough: |g| <= tol sqrt(a b), compared squared (no square root) while a b
 * stays well inside the normal range (g² <= a b by Cauchy-Schwarz), with the
 * square roots of `jacobiRows` otherwise.
 */
@inline function orthogonalEnough(a: f64, b: f64, g: f64, tol: f64): bool {
  const ab = a * b;
  if (ab > 1e-290 && ab < 1e290) return g * g <= tol * tol * ab;
  return Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b);
}

/**
 * The rotation of a pair (squared norms a, b, inner product g) into
 * par[o + 1 .. o + 3]: t, the smaller root of t² + 2ζt - 1 = 0 for
 * ζ = (b - a) / (2g) (as `jacobiRows`), cs = 1 / sqrt(1 + t²) and sec = 1 / cs.
 * With h = b - a, q = h² + 4g², u = |h| + sqrt(q) and v = 1 / (u sqrt(q)):
 * |t| = 2|g| / u = 2|g| v sqrt(q), cs = u sqrt(v / 2), sec = 2 sqrt(q) sqrt(v / 2):
 * two square roots and one division, against three and three. The ζ form
 * when q leaves the normal range.
 */
@inline function rotation(a: f64, b: f64, g: f64, par: usize, o: i32): void {
  const h = b - a, g2 = 2 * g;
  const q = h * h + g2 * g2;
  let t: f64, cs: f64, sec: f64;
  if (q > 1e-280 && q < Infinity) {
    const rq = Math.sqrt(q), u = Math.abs(h) + rq;
    const v = 1.0 / (u * rq);
    const tt = Math.abs(g2) * v * rq;
    t = (h < 0) != (g < 0) && h != 0 ? -tt : tt;
    const s1 = Math.sqrt(0.5 * v);
    cs = u * s1;
    sec = 2 * rq * s1;
  } else {
    const zeta = h / g2, az = Math.abs(zeta);
    const ta = az > 1e150 ? 0.5 / az : 1.0 / (az + Math.sqrt(1 + az * az));
    t = zeta < 0 ? -ta : ta;
    sec = Math.sqrt(1 + t * t);
    cs = 1.0 / sec;
  }
  st(par, o + 1, t);
  st(par, o + 2, cs);
  st(par, o + 3, sec);
}

/** Row i (cw entries) times D_i, then D_i = E_i = 1, for every row whose scale moved. */
@inline function foldScales(r: i32, cw: i32, X: usize, ldx: i32, D: usize, E: usize): void {
  for (let i = 0; i < r; i++) {
    const s = ld(D, i);
    if (s == 1.0) continue;
    const xi = at(X, ldx, i, 0), vs = f64x2.splat(s);
    let q = 0;
    for (; q + 2 <= cw; q += 2) v128.store(xi + (<usize>q << 3), f64x2.mul(vs, v128.load(xi + (<usize>q << 3))));
    for (; q < cw; q++) store<f64>(xi + (<usize>q << 3), s * load<f64>(xi + (<usize>q << 3)));
    st(D, i, 1.0);
    st(E, i, 1.0);
  }
}

/**
 * As `jacobiRows` (rows of X rotated until their first c entries are mutually
 * orthogonal to |<x_i,x_j>| <= tol |x_i||x_j|, then sorted by decreasing
 * norm, norms in d; returns sweeps used or -1), with scaled rotations.
 *
 * The pairs of a sweep are those of the cyclic order (0,1), (0,2), ...,
 * (1,2), ..., taken by anti-diagonals i + j = const: pair (i, j) needs only
 * (i, j-1) and (i-1, j), both on the previous anti-diagonal, and the pairs of
 * one anti-diagonal share no row. So every row sees the same rotations in the
 * same order as in the cyclic sweep (the TS twin runs that sweep; the results
 * are the same bit for bit), while the inner products and rotation
 * parameters of an anti-diagonal's pairs, which do not depend on one another,
 * overlap instead of waiting in one chain. work: 5 r + 5 doubles (the row
 * scales and their inverses, then the parameters of one anti-diagonal).
 */
export function jacobiRowsScaled(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize, tol: f64, maxSweeps: i32, work: usize): i32 {
  // D: the row scales, E = 1 / D, then per rotating pair of an anti-diagonal: i, t, cs, sec, g.
  const D = work, E = work + (<usize>r << 3), par = work + (<usize>(2 * r) << 3);
  let sweeps = -1;
  for (let i = 0; i < r; i++) {
    st(D, i, 1.0);
    st(E, i, 1.0);
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    const tiny = sweepStart(r, c, cw, X, ldx, d);
    let rotated = 0;
    for (let sum = 1; sum <= 2 * r - 3; sum++) {
      const i0 = sum - (r - 1) > 0 ? sum - (r - 1) : 0, i1 = (sum - 1) >> 1;
      let np = 0;
      for (let i = i0; i <= i1; i++) {
        const j = sum - i;
        const a = ld(d, i), b = ld(d, j);
        if (a <= tiny || b <= tiny) continue;
        const g = ld(D, i) * ld(D, j) * dotInline(c, at(X, ldx, i, 0), at(X, ldx, j, 0));
        if (orthogonalEnough(a, b, g, tol)) continue;
        const o = 5 * np;
        st(par, o, <f64>i);
        st(par, o + 4, g);
        rotation(a, b, g, par, o);
        np++;
      }
      for (let q = 0; q < np; q++) {
        const o = 5 * q;
        const i = <i32>ld(par, o), j = sum - i;
        const t = ld(par, o + 1), cs = ld(par, o + 2), sec = ld(par, o + 3), g = ld(par, o + 4);
        const di = ld(D, i), dj = ld(D, j), ei = ld(E, i), ej = ld(E, j);
        rotScaled(cw, at(X, ldx, i, 0), at(X, ldx, j, 0), t * dj * ei, t * di * ej);
        st(D, i, di * cs);
        st(D, j, dj * cs);
        st(E, i, ei * sec);
        st(E, j, ej * sec);
        st(d, i, ld(d, i) - t * g);
        st(d, j, ld(d, j) + t * g);
      }
      rotated += np;
    }
    foldScales(r, cw, X, ldx, D, E);
    if (rotated == 0) {
      sweeps = sweep + 1;
      break;
    }
  }
  sweepFinish(r, c, cw, X, ldx, d);
  return sweeps;
}
