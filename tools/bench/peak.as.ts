// Register-only throughput probe: twelve independent f64x2 multiply-add
// chains, no memory traffic. Its GFLOP/s is the ceiling a WASM SIMD128 kernel
// can reach on this machine (mul + add in the simd build, fused in the relaxed one).

@inline function step(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/** Runs `iters` rounds of 12 f64x2 multiply-adds (48 flops each round). */
export function peak(iters: i32, x: f64): f64 {
  const b = f64x2.splat(0.999999), a = f64x2.splat(1e-9);
  let c0 = f64x2.splat(x), c1 = f64x2.splat(x + 1), c2 = f64x2.splat(x + 2), c3 = f64x2.splat(x + 3);
  let c4 = f64x2.splat(x + 4), c5 = f64x2.splat(x + 5), c6 = f64x2.splat(x + 6), c7 = f64x2.splat(x + 7);
  let c8 = f64x2.splat(x + 8), c9 = f64x2.splat(x + 9), c10 = f64x2.splat(x + 10), c11 = f64x2.splat(x + 11);
  for (let i = 0; i < iters; i++) {
    c0 = step(c0, b, a); c1 = step(c1, b, a); c2 = step(c2, b, a); c3 = step(c3, b, a);
    c4 = step(c4, b, a); c5 = step(c5, b, a); c6 = step(c6, b, a); c7 = step(c7, b, a);
    c8 = step(c8, b, a); c9 = step(c9, b, a); c10 = step(c10, b, a); c11 = step(c11, b, a);
  }
  const s = f64x2.add(f64x2.add(f64x2.add(c0, c1), f64x2.add(c2, c3)), f64x2.add(f64x2.add(c4, c5), f64x2.add(c6, c7)));
  const t = f64x2.add(f64x2.add(c8, c9), f64x2.add(c10, c11));
  const u = f64x2.add(s, t);
  return f64x2.extract_lane(u, 0) + f64x2.extract_lane(u, 1);
}
