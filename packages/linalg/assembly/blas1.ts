// Level-1 BLAS on raw pointers: x, y point at f64 arrays of length n.
// SIMD over pairs, with two (dot: four) independent accumulators so the
// additions do not serialise on one register.
import { pow2 } from "./scale";
import { madd } from "./simd";

/** Sum of x[i] * y[i]. */
export function dot(n: i32, x: usize, y: usize): f64 {
  return dotInline(n, x, y);
}

/**
 * `dot`'s body, inlined where it is called: for loops that call it on short
 * rows (k entries) so often that a call costs as much as the arithmetic.
 */
@inline export function dotInline(n: i32, x: usize, y: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    a0 = madd(v128.load(x + o), v128.load(y + o), a0);
    a1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), a1);
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y += alpha * x. */
export function axpy(n: i32, alpha: f64, x: usize, y: usize): void {
  axpyInline(n, alpha, x, y);
}

/** `axpy`'s body, inlined where it is called (see `dotInline`). */
@inline export function axpyInline(n: i32, alpha: f64, x: usize, y: usize): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, madd(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/** x *= alpha. */
export function scal(n: i32, alpha: f64, x: usize): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(x + o, alpha * load<f64>(x + o));
  }
}

/** Sum of squares of x, scaled so that it neither overflows nor underflows (as BLAS dnrm2, squared result not returned). */
export function nrm2(n: i32, x: usize): f64 {
  let scale: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(load<f64>(x + (<usize>i << 3)));
    if (a > scale) scale = a;
  }
  if (scale == 0 || !isFinite(scale)) return scale;
  // 1 / scale overflows for a subnormal scale: lift the entries by 2^600 (exact) first.
  if (scale < pow2(-1000)) return nrm2Lifted(n, x, scale);
  const inv = 1.0 / scale;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3)) * inv;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

function nrm2Lifted(n: i32, x: usize, scale: f64): f64 {
  const f = pow2(600);
  const sc = scale * f;
  const inv = 1.0 / sc;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3)) * f * inv;
    s += v * v;
  }
  return sc * Math.sqrt(s) * pow2(-600);
}
