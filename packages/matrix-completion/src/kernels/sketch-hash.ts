// Twin of assembly/sketch-hash.ts, bit-identical to it: the CountSketch bucket and sign of observation
// (i, j) depend only on (seed, j) (stepKey), the SRHT's signs and rows on
// (seed, i, j) (rowKey), so both backends draw the same sketch without shared state.

/** A 32-bit avalanche mix ("lowbias32" constants), as unsigned. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Per-row key: mixes the row index into the call's seed. */
export function rowKey(seed: number, i: number): number {
  return mix32((seed + Math.imul(i, 0x9e3779b9)) >>> 0);
}

/** CountSketch bucket of hash h among s (s < 2^21, so the product is exact): the top 31 bits of h scaled to [0, s). */
export function bucketOf(h: number, s: number): number {
  return Math.floor(((h >>> 1) * s) / 2147483648);
}

/** Key of one half-step's CountSketch (one hash of F's rows shared by every row regression of the call). */
export function stepKey(seed: number): number {
  return mix32((seed ^ 0x68e31da4) >>> 0);
}
