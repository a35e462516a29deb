// The CountSketch hash of Gu-Song-Yin-Zhang's per-row subspace embedding:
// observation (i, j) goes to bucket h % s with sign ±1, where h depends only
// on (seed, i, j), so the TS reference draws the very same sketch without
// sharing any state. Mirrored in src/sketch-hash.ts.

/** A 32-bit avalanche mix (Wang/Jenkins style, "lowbias32" constants). */
@inline export function mix32(x: u32): u32 {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

/** Per-row key: mixes the row index into the call's seed. */
@inline export function rowKey(seed: u32, i: i32): u32 {
  return mix32(seed + <u32>i * 0x9e3779b9);
}

/**
 * CountSketch bucket of hash h among s: the top 31 bits of h scaled to [0, s)
 * by a multiply and shift (no integer division on the hot path).
 */
@inline export function bucketOf(h: u32, s: i32): i32 {
  return <i32>((<u64>(h >> 1) * <u64>s) >> 31);
}
