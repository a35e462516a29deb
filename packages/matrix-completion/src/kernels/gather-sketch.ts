// Twin of assembly/gather-sketch.ts, in its layout (rows kp = k rounded up to
// even apart, padding zero) and rounding order (laneDot for d·x; g summed in
// two sets, rows of even q and of odd q, then added, or in one set at 5-16
// columns: setsOf; |t - D x|² likewise), so the simd build agrees bit for bit.
import { laneDot, setsOf } from "./normal-product.js";

/** Copies row j of F (k columns) to D[d..d+kp) with a zero pad, and returns t - d·x (x: the row of X at xo, k long). */
export function copyResidual(k: number, F: Float64Array, j: number, D: Float64Array, d: number, xp: Float64Array, t: number): number {
  const kp = xp.length;
  for (let c = 0; c < k; c++) D[d + c] = F[j * k + c];
  if (kp > k) D[d + k] = 0;
  return t - laneDot(kp, D, d, xp, 0);
}

/** x (k long, at xo) padded to kp with zero. */
export function padded(k: number, X: Float64Array, xo: number): Float64Array {
  const xp = new Float64Array((k + 1) & ~1);
  xp.set(X.subarray(xo, xo + k));
  return xp;
}

/**
 * CountSketch first pass of the row whose observations are [start, start + cnt):
 * D (from dOff) gathered from F, g[go..go+kp) = Dᵀ(t - D x) for x = X[xo..xo+k),
 * SD's bucket rows += ±d_q (T[j]: bucket byte offset, rows kp apart, | sign bit).
 * Returns |t - D x|². O(cnt k).
 */
export function gatherSketch(
  cnt: number, k: number, start: number, idx: Int32Array, vals: Float64Array, F: Float64Array, D: Float64Array, dOff: number,
  X: Float64Array, xo: number, g: Float64Array, go: number, SD: Float64Array, T: Int32Array,
): number {
  const xp = padded(k, X, xo), kp = xp.length, two = setsOf(k) === 2;
  const sets = [g.subarray(go, go + kp).fill(0), new Float64Array(kp)];
  const rr = [0, 0];
  for (let q = 0; q < cnt; q++) {
    const j = idx[start + q], d = dOff + q * kp;
    const r = copyResidual(k, F, j, D, d, xp, vals[start + q]);
    const t = T[j], b = (t & ~1) >>> 3, neg = (t & 1) !== 0;
    const gs = sets[two ? q & 1 : 0];
    rr[two ? q & 1 : 0] += r * r;
    for (let c = 0; c < k; c++) {
      gs[c] += r * D[d + c];
      SD[b + c] += neg ? -D[d + c] : D[d + c];
    }
  }
  if (two) for (let c = 0; c < k; c++) g[go + c] += sets[1][c];
  return two ? rr[0] + rr[1] : rr[0];
}
