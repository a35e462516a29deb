// The hashes of Gu-Song-Yin-Zhang's per-row subspace embeddings. CountSketch:
// observation (i, j) goes to bucket bucketOf(h, s) with sign ±1, where
// h = mix32(stepKey(seed) ^ j) depends only on (seed, j) (one hash of the
// other factor's rows per half-step, shared by the rows); SRHT: signs and
// sampled rows from rowKey(seed, i). The TS reference draws the very same
// sketches without sharing any state. Twin: src/kernels/sketch-hash.ts.

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

/** Key of one half-step's CountSketch (one hash of F's rows shared by every row regression of the call). */
@inline export function stepKey(seed: u32): u32 {
  return mix32(seed ^ 0x68e31da4);
}
