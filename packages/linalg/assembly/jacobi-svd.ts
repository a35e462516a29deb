// One-sided (Hestenes) Jacobi on rows, the core of the thin SVD (src/svd.ts).
// Mirrored in src/kernels/jacobi-svd.ts. Rows are contiguous in
// row-major storage, so inner products and rotations are SIMD.
import { dotInline, nrm2 } from "./blas1";
import { at, ld, rotRowsInline, st, swapRows } from "./rotation";
import { madd } from "./simd";

/**
 * rotRows(n, x, y, cs, sn) followed by dot(n, x, z), in one pass: the same
 * operations in the same order (rotation entry by entry, the dot's two SIMD
 * accumulators, lane sum, then the scalar tail), so the results are those of
 * the two calls bit for bit. Saves reloading x and a call per rotation.
 */
@inline export function rotRowsDotInline(n: i32, x: usize, y: usize, cs: f64, sn: f64, z: usize): f64 {
  const vc = f64x2.splat(cs), vs = f64x2.splat(sn);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    const p0 = v128.load(x + o), q0 = v128.load(y + o);
    const p1 = v128.load(x + o, 16), q1 = v128.load(y + o, 16);
    const r0 = f64x2.sub(f64x2.mul(vc, p0), f64x2.mul(vs, q0));
    const r1 = f64x2.sub(f64x2.mul(vc, p1), f64x2.mul(vs, q1));
    v128.store(x + o, r0);
    v128.store(y + o, f64x2.add(f64x2.mul(vs, p0), f64x2.mul(vc, q0)));
    v128.store(x + o, r1, 16);
    v128.store(y + o, f64x2.add(f64x2.mul(vs, p1), f64x2.mul(vc, q1)), 16);
    a0 = madd(r0, v128.load(z + o), a0);
    a1 = madd(r1, v128.load(z + o, 16), a1);
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(x + o), b = load<f64>(y + o);
    const r = cs * a - sn * b;
    store<f64>(x + o, r);
    store<f64>(y + o, sn * a + cs * b);
    s += r * load<f64>(z + o);
  }
  return s;
}

export function sortRowsDesc(r: i32, cw: i32, X: usize, ldx: i32, d: usize): void {
  // Already in order (usual after the first sweeps): the selection sort would swap nothing.
  let sorted = true;
  for (let j = 1; j < r; j++) if (ld(d, j) > ld(d, j - 1)) sorted = false;
  if (sorted) return;
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
 * The start of a Jacobi sweep (shared by jacobiRows and jacobiRowsScaled):
 * d_i = |x_i|² over the first c entries, rows sorted by decreasing d, and the
 * returned threshold below which a row counts as zero.
 */
@inline export function sweepStart(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize): f64 {
  for (let i = 0; i < r; i++) {
    const xi = at(X, ldx, i, 0);
    st(d, i, dotInline(c, xi, xi));
  }
  sortRowsDesc(r, cw, X, ldx, d);
  return ld(d, 0) * 1e-280;
}

/** The end of a Jacobi run: d_i = |x_i| (scaled, no overflow), rows sorted by decreasing d. */
@inline export function sweepFinish(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize): void {
  for (let i = 0; i < r; i++) st(d, i, nrm2(c, at(X, ldx, i, 0)));
  sortRowsDesc(r, cw, X, ldx, d);
}

/**
 * Rotates pairs of the r rows of X (cw entries each) until their first c
 * entries are mutually orthogonal to |<x_i,x_j>| <= tol |x_i||x_j|. Sorted by
 * decreasing norm; d receives the norms. Returns sweeps used or -1.
 */
export function jacobiRows(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize, tol: f64, maxSweeps: i32): i32 {
  return jacobiRowsInline(r, c, cw, X, ldx, d, tol, maxSweeps);
}

/**
 * `jacobiRows`'s body, inlined where it is called, with its inner products and
 * rotations inlined too (the same arithmetic in the same order): for small
 * matrices (an SVD update's core) whose rows are so short that a call per pair
 * costs as much as the work.
 */
@inline export function jacobiRowsInline(r: i32, c: i32, cw: i32, X: usize, ldx: i32, d: usize, tol: f64, maxSweeps: i32): i32 {
  let sweeps = -1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    const tiny = sweepStart(r, c, cw, X, ldx, d);
    let rotated = 0;
    for (let i = 0; i < r - 1; i++) {
      const xi = at(X, ldx, i, 0);
      // <x_i, x_{j+1}> when the rotation of pair (i, j) computed it on the way (rotRowsDotInline).
      let next: f64 = 0;
      let haveNext = false;
      for (let j = i + 1; j < r; j++) {
        const a = ld(d, i), b = ld(d, j);
        const have = haveNext;
        haveNext = false;
        if (a <= tiny || b <= tiny) continue;
        const xj = at(X, ldx, j, 0);
        const g = have ? next : dotInline(c, xi, xj);
        if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated++;
        const zeta = (b - a) / (2 * g);
        const az = Math.abs(zeta);
        const ta = az > 1e150 ? 0.5 / az : 1.0 / (az + Math.sqrt(1 + az * az));
        const t = zeta < 0 ? -ta : ta;
        const cs = 1.0 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        if (j + 1 < r) {
          next = rotRowsDotInline(c, xi, xj, cs, sn, at(X, ldx, j + 1, 0));
          haveNext = true;
          if (cw > c) rotRowsInline(cw - c, xi + (<usize>c << 3), xj + (<usize>c << 3), cs, sn);
        } else {
          rotRowsInline(cw, xi, xj, cs, sn);
        }
        st(d, i, a - t * g);
        st(d, j, b + t * g);
      }
    }
    if (rotated == 0) {
      sweeps = sweep + 1;
      break;
    }
  }
  sweepFinish(r, c, cw, X, ldx, d);
  return sweeps;
}
