// Inlined copies of linalg's assembly/blas1.ts `dot` and `axpy`, with the same
// lanes, accumulators and summation order (so results stay bit-identical to
// the TypeScript reference's dotAt / axpyAt). The per-observation loops of
// the robust half-step call them on k-long rows hundreds of thousands of
// times per half-step, where a call costs about as much as the arithmetic.
// Should move to @lowrank/linalg (as @inline exports beside the called ones).

/** Sum of x[i] * y[i], i < n. */
@inline export function dotInline(n: i32, x: usize, y: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    if (ASC_FEATURE_RELAXED_SIMD) {
      a0 = f64x2.relaxed_madd(v128.load(x + o), v128.load(y + o), a0);
      a1 = f64x2.relaxed_madd(v128.load(x + o, 16), v128.load(y + o, 16), a1);
    } else {
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y += alpha * x, n entries. */
@inline export function axpyInline(n: i32, alpha: f64, x: usize, y: usize): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    if (ASC_FEATURE_RELAXED_SIMD) {
      v128.store(y + o, f64x2.relaxed_madd(va, v128.load(x + o), v128.load(y + o)));
      v128.store(y + o, f64x2.relaxed_madd(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
    } else {
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(va, v128.load(x + o, 16))), 16);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}
