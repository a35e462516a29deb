/**
 * max |a - b| / max |b|: the norm-wise relative difference every package's
 * tests use to compare backends and known answers (Infinity on a length
 * mismatch; the absolute difference when b is all zeros).
 */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

export { backends, expectCode, randn, randnTensor, wasmVariants, type Variant } from "./random.js";
