// Twin of assembly/gather-signed.ts (the SRHT's first pass), in its layout
// and rounding order (g and |t - D x|² in two sets, rows of even q and of odd
// q, then added), so the simd build agrees bit for bit.
import { copyResidual, padded } from "./gather-sketch.js";
import { mix32 } from "./sketch-hash.js";

/** SRHT first pass (g and |t - D x|² always in two sets): D and g as gatherSketch, and H's rows (kp apart) = ±d_q, the sign of (i, j) from the row's key. Returns |t - D x|². O(cnt k). */
export function gatherSigned(
  cnt: number, k: number, start: number, idx: Int32Array, vals: Float64Array, F: Float64Array, D: Float64Array, dOff: number,
  X: Float64Array, xo: number, g: Float64Array, go: number, H: Float64Array, key: number,
): number {
  const xp = padded(k, X, xo), kp = xp.length;
  const sets = [g.subarray(go, go + kp).fill(0), new Float64Array(kp)];
  const rr = [0, 0];
  for (let q = 0; q < cnt; q++) {
    const j = idx[start + q], d = dOff + q * kp;
    const r = copyResidual(k, F, j, D, d, xp, vals[start + q]);
    const neg = (mix32((key ^ j) >>> 0) & 1) !== 0;
    const gs = sets[q & 1];
    rr[q & 1] += r * r;
    for (let c = 0; c < k; c++) {
      gs[c] += r * D[d + c];
      H[q * kp + c] = neg ? -D[d + c] : D[d + c];
    }
  }
  for (let c = 0; c < k; c++) g[go + c] += sets[1][c];
  return rr[0] + rr[1];
}
