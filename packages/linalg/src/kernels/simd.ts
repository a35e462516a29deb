// TypeScript twin of assembly/simd.ts: the shared SIMD primitives, one lane
// at a time. The simd build multiplies then adds (no fusion), which is what
// these do; the relaxed-simd build fuses and agrees to rounding.

/** c + a·b (the simd build's unfused multiply-add, one lane). */
export function madd(a: number, b: number, c: number): number {
  return c + a * b;
}

/**
 * g[go..go+n) += a0 f0 + a1 f1 + a2 f2 + a3 f3 (f_q read from index o_q),
 * the terms added one at a time, left to right: four rank-1 updates of one
 * row, each entry rounded as by four successive axpys. O(n).
 */
export function rank1x4(
  n: number, g: Float64Array, go: number,
  f0: Float64Array, o0: number, f1: Float64Array, o1: number, f2: Float64Array, o2: number, f3: Float64Array, o3: number,
  a0: number, a1: number, a2: number, a3: number,
): void {
  for (let c = 0; c < n; c++) {
    let x = g[go + c];
    x += a0 * f0[o0 + c];
    x += a1 * f1[o1 + c];
    x += a2 * f2[o2 + c];
    x += a3 * f3[o3 + c];
    g[go + c] = x;
  }
}
