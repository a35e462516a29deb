// Throughput probes: twelve independent f64x2 multiply-add chains, in two
// forms. Their better GFLOP/s is the ceiling a WASM SIMD128 kernel can reach
// on this machine (mul + add in the simd build, fused in the relaxed one).

@inline function step(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * Registers only: each chain multiplies its own previous value (c = c b + a),
 * so in the simd build each multiply waits for the previous add. `iters`
 * rounds of 12 multiply-adds (48 flops each round).
 */
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

const operands = memory.data(12 * 16, 16);

/**
 * A GEMM micro-kernel's form: each chain adds a product of a value loaded
 * from L1 and a constant to itself (c = c + l b), so the multiplies do not
 * wait and only the adds (the fused multiply-adds) chain. Same flop count.
 */
export function peakLoads(iters: i32, x: f64): f64 {
  for (let i = 0; i < 24; i++) store<f64>(operands + (<usize>i << 3), 1e-9 * (x + <f64>i));
  const b = f64x2.splat(0.999999), p = operands;
  let c0 = f64x2.splat(x), c1 = f64x2.splat(x + 1), c2 = f64x2.splat(x + 2), c3 = f64x2.splat(x + 3);
  let c4 = f64x2.splat(x + 4), c5 = f64x2.splat(x + 5), c6 = f64x2.splat(x + 6), c7 = f64x2.splat(x + 7);
  let c8 = f64x2.splat(x + 8), c9 = f64x2.splat(x + 9), c10 = f64x2.splat(x + 10), c11 = f64x2.splat(x + 11);
  for (let i = 0; i < iters; i++) {
    c0 = step(v128.load(p), b, c0); c1 = step(v128.load(p, 16), b, c1); c2 = step(v128.load(p, 32), b, c2);
    c3 = step(v128.load(p, 48), b, c3); c4 = step(v128.load(p, 64), b, c4); c5 = step(v128.load(p, 80), b, c5);
    c6 = step(v128.load(p, 96), b, c6); c7 = step(v128.load(p, 112), b, c7); c8 = step(v128.load(p, 128), b, c8);
    c9 = step(v128.load(p, 144), b, c9); c10 = step(v128.load(p, 160), b, c10); c11 = step(v128.load(p, 176), b, c11);
  }
  const s = f64x2.add(f64x2.add(f64x2.add(c0, c1), f64x2.add(c2, c3)), f64x2.add(f64x2.add(c4, c5), f64x2.add(c6, c7)));
  const t = f64x2.add(f64x2.add(c8, c9), f64x2.add(c10, c11));
  const u = f64x2.add(s, t);
  return f64x2.extract_lane(u, 0) + f64x2.extract_lane(u, 1);
}

const tileOperands = memory.data(48 * 8, 256);

/**
 * Not a peak: the GEMM register tile's exact instruction mix (gemm-micro.ts,
 * 3 x 6: per k step three v128 loads of B, three splat loads of A, nine
 * multiply-adds into nine accumulators, the step split in two blocks by a
 * test that never holds), from two copies of the operands in L1, taken in turn (one xor per step:
 * with one fixed address V8 would hoist the loads out of the loop), with a
 * counter for a loop. No cache miss and no C: the best a loop of this shape
 * can do. `iters` steps of 36 flops each.
 */
export function tileMix(iters: i32, x: f64): f64 {
  for (let i = 0; i < 48; i++) store<f64>(tileOperands + (<usize>i << 3), 1e-9 * (x + <f64>i));
  let c00 = f64x2.splat(x), c01 = f64x2.splat(x + 1), c02 = f64x2.splat(x + 2);
  let c10 = f64x2.splat(x + 3), c11 = f64x2.splat(x + 4), c12 = f64x2.splat(x + 5);
  let c20 = f64x2.splat(x + 6), c21 = f64x2.splat(x + 7), c22 = f64x2.splat(x + 8);
  let p = tileOperands, i = 0;
  while (true) {
    const q = p + 48;
    const b0 = v128.load(p), b1 = v128.load(p, 16), b2 = v128.load(p, 32);
    let a = v128.load64_splat(q);
    c00 = step(a, b0, c00); c01 = step(a, b1, c01); c02 = step(a, b2, c02);
    if (i == iters) break;
    a = v128.load64_splat(q, 8);
    c10 = step(a, b0, c10); c11 = step(a, b1, c11); c12 = step(a, b2, c12);
    a = v128.load64_splat(q, 16);
    c20 = step(a, b0, c20); c21 = step(a, b1, c21); c22 = step(a, b2, c22);
    p ^= 192;
    i++;
    if (i >= iters) break;
  }
  const s = f64x2.add(f64x2.add(f64x2.add(c00, c01), f64x2.add(c02, c10)), f64x2.add(f64x2.add(c11, c12), f64x2.add(c20, c21)));
  const u = f64x2.add(s, c22);
  return f64x2.extract_lane(u, 0) + f64x2.extract_lane(u, 1);
}
