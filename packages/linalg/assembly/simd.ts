// SIMD primitives every package's kernels share (docs/ARCHITECTURE.md,
// "Kernels"). Each is inlined, so the relaxed-simd variant of a module gets
// the fused multiply-add and the simd variant the separate multiply and add,
// with no call cost in either.

/** c + a·b lane-wise: fused where the engine has relaxed SIMD, else a multiply then an add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * g[0..n) += a0 f0 + a1 f1 + a2 f2 + a3 f3: four rank-1 updates of one row at
 * once (the row is loaded and stored once, not four times). Every entry gets
 * the terms one at a time, left to right, each as one `madd` (the last entry
 * of an odd n as a scalar multiply then add), so the sums round exactly as four
 * successive axpys on the simd build. Pairs of entries per step, a scalar
 * tail for an odd n. Twin: src/kernels/simd.ts.
 */
@inline export function rank1x4(n: i32, g: usize, f0: usize, f1: usize, f2: usize, f3: usize, a0: f64, a1: f64, a2: f64, a3: f64): void {
  const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1), v2 = f64x2.splat(a2), v3 = f64x2.splat(a3);
  let c = 0;
  for (; c + 2 <= n; c += 2) {
    const o = <usize>c << 3;
    let acc = v128.load(g + o);
    acc = madd(v0, v128.load(f0 + o), acc);
    acc = madd(v1, v128.load(f1 + o), acc);
    acc = madd(v2, v128.load(f2 + o), acc);
    acc = madd(v3, v128.load(f3 + o), acc);
    v128.store(g + o, acc);
  }
  if (c < n) {
    const o = <usize>c << 3;
    let x = load<f64>(g + o);
    x += a0 * load<f64>(f0 + o);
    x += a1 * load<f64>(f1 + o);
    x += a2 * load<f64>(f2 + o);
    x += a3 * load<f64>(f3 + o);
    store<f64>(g + o, x);
  }
}
