// The TypeScript twin of assembly/tallqr.ts: R of a tall matrix by chunked
// Householder QR, and the structured update of R by a block of rows.
import { jsKernels } from "@lowrank/linalg/kernels";

/** Below this, alpha² + Σ B_ij² has lost bits to underflow (2^-968); as assembly/tallqr.ts. */
const TINY_SUM = 2 ** -968;

/** Columns whose largest entry is below this are left as they are (2^-960); as assembly/tallqr.ts. */
const TINY_COLUMN = 2 ** -960;

/** sqrt(alpha² + Σ_i B[x + i ld]²) over c rows, scaled by the largest |entry|; 0 for a zero or negligible column. */
function scaledNorm(alpha: number, B: Float64Array, x: number, ld: number, c: number): number {
  let mb = 0;
  for (let i = 0; i < c; i++) mb = Math.max(mb, Math.abs(B[x + i * ld]));
  if (mb === 0) return 0;
  const m = Math.max(Math.abs(alpha), mb);
  if (m < TINY_COLUMN) return 0;
  const a = alpha / m;
  let s = a * a;
  for (let i = 0; i < c; i++) {
    const t = B[x + i * ld] / m;
    s += t * t;
  }
  return m * Math.sqrt(s);
}

/**
 * R (w x w, upper triangular) with MᵀM = RᵀR, by linalg's Householder QR of
 * [R; next chunk of rows of M], chunk by chunk. buf: (w + chunk) w doubles,
 * tau and work: w.
 */
export function tallQrR(
  n: number, w: number, M: Float64Array, ldm: number, chunk: number, R: Float64Array,
  buf: Float64Array, tau: Float64Array, work: Float64Array,
): void {
  R.fill(0, 0, w * w);
  for (let start = 0; start < n; start += chunk) {
    const c = Math.min(chunk, n - start);
    buf.set(R.subarray(0, w * w));
    for (let i = 0; i < c; i++) buf.set(M.subarray((start + i) * ldm, (start + i) * ldm + w), (w + i) * w);
    jsKernels.householderQr(w + c, w, buf, w, tau, work);
    for (let i = 0; i < w; i++) {
      R.fill(0, i * w, i * w + i);
      R.set(buf.subarray(i * w + i, i * w + w), i * w + i);
    }
  }
}

/**
 * R'ᵀR' = RᵀR + BᵀB with R (d x d, upper triangular) updated in place by the
 * structured Householder QR of [R; B], 128 rows of B at a time; B is
 * overwritten, g holds 2d doubles. Each entry is updated and summed in the
 * WASM kernel's order, without fused multiply-adds.
 */
export function stackQrR(n: number, d: number, B: Float64Array, ldb: number, R: Float64Array, g: Float64Array): void {
  const CHUNK = 128;
  for (let s = 0; s < n; s += CHUNK) {
    const c = Math.min(CHUNK, n - s);
    g.fill(0, 0, d);
    for (let i = 0; i < c; i++) {
      const bi = (s + i) * ldb;
      const x = B[bi];
      for (let k = 0; k < d; k++) g[k] += x * B[bi + k];
    }
    for (let j = 0; j < d; j++) {
      const ssq = g[j], rj = j * d;
      let ts = 0;
      const alpha = R[rj + j];
      let norm = Math.sqrt(alpha * alpha + ssq);
      let reflect = ssq !== 0;
      if (alpha * alpha + ssq < TINY_SUM) {
        // Squares this small have lost bits (subnormal) or vanished: the norm again, from the column scaled by its largest entry.
        norm = scaledNorm(alpha, B, s * ldb + j, ldb, c);
        reflect = norm > 0;
      }
      if (reflect) {
        // Reflector [e_j; v], v = B[:, j] / (R_jj - β); w_k = R_jk + vᵀB[:, k] = R_jk + g_k / (R_jj - β).
        const beta = alpha >= 0 ? -norm : norm;
        const tau = (beta - alpha) / beta, sc = 1 / (alpha - beta);
        for (let k = j + 1; k < d; k++) {
          const wk = R[rj + k] + sc * g[k];
          g[d + k] = wk;
          R[rj + k] = R[rj + k] - tau * wk;
        }
        R[rj + j] = beta;
        ts = tau * sc;
      }
      if (j + 1 === d) break;
      // Apply the reflector to columns k > j and sum the Gram row of column j + 1, one pass.
      g.fill(0, 0, d);
      for (let i = 0; i < c; i++) {
        const bi = (s + i) * ldb;
        if (ts !== 0) {
          const f = ts * B[bi + j];
          for (let k = j + 1; k < d; k++) B[bi + k] = B[bi + k] - f * g[d + k];
        }
        const x = B[bi + j + 1];
        for (let k = j + 1; k < d; k++) g[k] += x * B[bi + k];
      }
    }
  }
}
