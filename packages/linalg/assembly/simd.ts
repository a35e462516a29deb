// SIMD primitives every package's kernels share (docs/ARCHITECTURE.md,
// "Kernels"). Each is inlined, so the relaxed-simd variant of a module gets
// the fused multiply-add and the simd variant the separate multiply and add,
// with no call cost in either.

/** c + a·b lane-wise: fused where the engine has relaxed SIMD, else a multiply then an add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}
