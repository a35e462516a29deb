// Twin of assembly/bpmf-scored.ts: BPMF's half-step with the sweep's scoring
// pass fused in, each row's two sums stored apart (the same bits however the
// rows are cut into blocks or spread over threads).
import { bpmfRows, sampleError8 } from "./bpmf.js";

/** Rows sampled before they are scored (any size gives the same bits). */
const SCORED_BLOCK = 16;

/**
 * Scores rows i0 <= i < i1 after their half-step: acc[q] += meanBias[i] + otherBias[j] + M_i · F_j;
 * sums[2i] = Σ (ownBias[i] + otherBias[j] + X_i · F_j - (vals[q] - mu))², sums[2i + 1] = Σ (acc[q] / div - (vals[q] - mu))²,
 * in q order, each dot as the kernel's two lanes. O(row's observations k).
 */
export function scoreRows(
  i0: number, i1: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, M: Float64Array, meanBias: Float64Array, acc: Float64Array, div: number, sums: Float64Array,
  fitBias: boolean, ow: Float64Array | null, Fs: Float64Array | null, sb: Float64Array | null,
): void {
  const inv = 1 / div, even = k & ~1, eight = (fitBias ? k + 1 : k) === 8;
  // The average's other side: Fs and sb when given, else the sample's F and otherBias.
  const Fa = Fs ?? F, ba = Fs ? sb! : otherBias;
  for (let i = i0; i < i1; i++) {
    const r = i * k, ob = ownBias[i], mb = meanBias[i];
    let s = 0, t = 0;
    for (let q = ptr[i]; q < ptr[i + 1]; q++) {
      const j = idx[q], v = j * k;
      let u0 = 0, u1 = 0, m0 = 0, m1 = 0;
      for (let c = 0; c < even; c += 2) {
        u0 += X[r + c] * F[v + c];
        u1 += X[r + c + 1] * F[v + c + 1];
        m0 += M[r + c] * Fa[v + c];
        m1 += M[r + c + 1] * Fa[v + c + 1];
      }
      let du = u0 + u1, dm = m0 + m1;
      if (even < k) {
        du += X[r + even] * F[v + even];
        dm += M[r + even] * Fa[v + even];
      }
      const cb = otherBias[j], y = vals[q] - mu;
      const p = ob + cb + du, pm = mb + ba[j] + dm;
      const sum = acc[q] + pm;
      acc[q] = sum;
      const e = p - y, f = sum * inv - y;
      const re = ow ? ow[j] * e : e;
      s += re * re;
      t += f * f;
    }
    // Eight wide: the kernel takes the sample's error from the row's precision (bpmfRows, sampleError8).
    sums[2 * i] = eight ? sampleError8(i, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, fitBias, ow) : s;
    sums[2 * i + 1] = t;
  }
}

/** bpmfHalfStep, then scoreRows on every row, block by block; returns the failed rows. O(|Omega| d² + n d³). */
export function bpmfHalfStepScored(
  n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
  z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array, acc: Float64Array, div: number, sums: Float64Array,
  ow: Float64Array | null, rs: Float64Array | null, Fw: Float64Array | null, Fs: Float64Array | null, sb: Float64Array | null,
): number {
  void Fw; // as in bpmfHalfStep: the kernel's copy of the weighted design rows
  let failed = 0;
  for (let i0 = 0; i0 < n; i0 += SCORED_BLOCK) {
    const i1 = Math.min(n, i0 + SCORED_BLOCK);
    failed += bpmfRows(i0, i1, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, ow, rs);
    scoreRows(i0, i1, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, M, meanBias, acc, div, sums, fitBias, ow, Fs, sb);
  }
  return failed;
}
