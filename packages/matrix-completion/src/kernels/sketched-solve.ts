// Twin of assembly/sketched-solve.ts (the passes of robust-altmin over a block
// of rows; the driver is src/robust-altmin.ts). Same layout and order of
// operations, so the simd build agrees bit for bit.
import { axpyAt, dotAt, jsKernels } from "@lowrank/linalg/kernels";
import { gatherSigned } from "./gather-signed.js";
import { gatherSketch } from "./gather-sketch.js";
import { gramRows } from "./gram.js";
import { hadamardRows } from "./hadamard.js";
import { normalProduct } from "./normal-product.js";
import { bucketOf, mix32, rowKey, stepKey } from "./sketch-hash.js";

/** z[zo..zo+kp) = (L Lᵀ)⁻¹ g[go..go+kp) for the lower triangular L (k x k at lo); padding copied. */
function precondition(k: number, kp: number, L: Float64Array, lo: number, g: Float64Array, go: number, z: Float64Array, zo: number): void {
  z.set(g.subarray(go, go + kp), zo);
  const Lr = L.subarray(lo, lo + k * k), zr = z.subarray(zo, zo + k);
  jsKernels.triangularSolve(true, false, false, k, 1, Lr, k, zr, 1);
  jsKernels.triangularSolve(true, true, false, k, 1, Lr, k, zr, 1);
}

function pow2AtLeast(n: number): number {
  let N = 1;
  while (N < n) N *= 2;
  return N;
}

/** This half-step's CountSketch of F's m rows: T[j] = bucket byte offset (rows kp apart) | sign bit. O(m). */
export function sketchTable(m: number, k: number, s: number, seed: number, T: Int32Array): void {
  const kp = (k + 1) & ~1;
  const hk = stepKey(seed >>> 0);
  for (let j = 0; j < m; j++) {
    const h = mix32((hk ^ j) >>> 0);
    T[j] = (bucketOf(h, s) * kp * 8) | (h & 1);
  }
}

/** Prepares rows i0 .. i0 + nb - 1 (see assembly/sketched-solve.ts). Returns the rows prepared. */
export function sketchedPrepare(
  i0: number, nb: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, X: Float64Array,
  s: number, seed: number, srht: number, T: Int32Array, D: Float64Array, SD: Float64Array, H: Float64Array,
  L: Float64Array, g: Float64Array, z: Float64Array, p: Float64Array, gamma: Float64Array, status: Float64Array, rr: Float64Array,
  _buf: Float64Array,
): number {
  const kp = (k + 1) & ~1;
  const base = ptr[i0];
  let prepared = 0;
  for (let r = 0; r < nb; r++) {
    const i = i0 + r;
    const start = ptr[i], cnt = ptr[i + 1] - start;
    status[r] = 0;
    if (cnt <= s) continue;
    const dOff = (start - base) * kp, ro = r * kp, lo = r * k * k;
    if (srht) {
      const key = rowKey(seed >>> 0, i);
      rr[r] = gatherSigned(cnt, k, start, idx, vals, F, D, dOff, X, i * k, g, ro, H, key);
      const N = pow2AtLeast(cnt);
      H.fill(0, cnt * kp, N * kp);
      hadamardRows(N, k, H, kp);
      const pick = mix32((key ^ 0x5bd1e995) >>> 0);
      const offset = pick & (N - 1), stride = (mix32(pick) | 1) & (N - 1);
      for (let t = 0; t < s; t++) {
        const h = ((offset + Math.imul(t, stride)) & (N - 1)) * kp;
        SD.set(H.subarray(h, h + kp), t * kp);
      }
    } else {
      SD.fill(0, 0, s * kp);
      rr[r] = gatherSketch(cnt, k, start, idx, vals, F, D, dOff, X, i * k, g, ro, SD, T);
    }
    const Lr = L.subarray(lo, lo + k * k);
    gramRows(s, k, SD, kp, Lr);
    let fullRank = jsKernels.cholesky(k, Lr, k) >= 0;
    let dmax = 0;
    for (let c = 0; c < k && fullRank; c++) dmax = Math.max(dmax, Lr[c * k + c]);
    for (let c = 0; c < k && fullRank; c++) fullRank = Lr[c * k + c] > 1e-7 * dmax;
    if (!fullRank) continue;
    precondition(k, kp, L, lo, g, ro, z, ro);
    p.set(z.subarray(ro, ro + kp), ro);
    gamma[r] = dotAt(k, g, ro, z, ro);
    status[r] = 1;
    prepared++;
  }
  return prepared;
}

/** One preconditioned CG step on each active row of the block (see assembly/sketched-solve.ts). Returns the rows stepped. */
export function sketchedStep(
  i0: number, nb: number, k: number, ptr: Int32Array, D: Float64Array, X: Float64Array,
  L: Float64Array, g: Float64Array, z: Float64Array, p: Float64Array, w: Float64Array,
  gamma: Float64Array, qq: Float64Array, active: Float64Array, _buf: Float64Array,
): number {
  const kp = (k + 1) & ~1;
  const base = ptr[i0];
  let stepped = 0;
  for (let r = 0; r < nb; r++) {
    if (active[r] === 0) continue;
    const i = i0 + r;
    const start = ptr[i], cnt = ptr[i + 1] - start;
    const ro = r * kp, x = i * k;
    const curv = normalProduct(cnt, k, D, (start - base) * kp, p, ro, w, ro);
    qq[r] = curv;
    if (!(curv > 0)) continue;
    const old = gamma[r];
    const alpha = old / curv;
    axpyAt(k, alpha, p, ro, X, x);
    axpyAt(k, -alpha, w, ro, g, ro);
    precondition(k, kp, L, r * k * k, g, ro, z, ro);
    const next = dotAt(k, g, ro, z, ro);
    const beta = next / old;
    gamma[r] = next;
    for (let c = 0; c < k; c++) p[ro + c] = z[ro + c] + beta * p[ro + c];
    stepped++;
  }
  return stepped;
}
