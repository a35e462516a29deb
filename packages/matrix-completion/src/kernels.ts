// The kernel set of @lowrank/matrix-completion: linalg's kernels plus one
// kernel per algorithm step (a whole half-step over every row of one side),
// and their plain-TypeScript reference. The WASM side is assembly/als.ts,
// assembly/robust-altmin.ts and assembly/predict.ts, bound in wasm.ts.
import { axpyAt, dotAt, jsKernels, type LinalgKernels } from "@lowrank/linalg";
import { gramRows } from "./gram.js";
import { normalSolve } from "./normal-solve.js";
import { bucketOf, mix32, rowKey, stepKey } from "./sketch-hash.js";

/** Kernels of one matrix-completion run. Every array is a view of the run's workspace. */
export interface CompletionKernels extends LinalgKernels {
  /**
   * ALS half-step: for every row i < n of this side (CSR ptr/idx/vals), solves
   * (Σ_j f_j f_jᵀ + λ_i I) x_i = Σ_j (v_ij - mu - otherBias_j) f_j by Cholesky,
   * with the row's bias as an extra unknown (design column of ones, ridge
   * lambdaBias, never scaled) when fitBias. λ_i = lambda · |Omega_i| when weighted (ALS-WR),
   * else lambda. k = 0 with fitBias fits the biases alone. Rows without observations, or singular, get zeros.
   * `work` holds (k + 1)² + k + 1. Returns the number of singular rows.
   * O(|Omega| d² + n d³), d = k + fitBias.
   */
  alsHalfStep(
    n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
    X: Float64Array, ownBias: Float64Array, mu: number, lambda: number, lambdaBias: number, weighted: boolean, fitBias: boolean,
    work: Float64Array,
  ): number;
  /**
   * Robust-altmin half-step (sketch-and-precondition per row, see
   * assembly/robust-altmin.ts): updates X (n x k) in place, warm-started.
   * F has m rows; `zeros` has one 0 per row of F; `work` holds sketchedWorkSize(k, s, maxCount, m, sketch).
   * Returns the PCG steps taken. O(|Omega| k (1 + steps) + n (s k² + k³ + steps k²)),
   * plus O(|Omega_i| k log |Omega_i|) per row for an SRHT.
   */
  sketchedHalfStep(
    n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, m: number, X: Float64Array,
    s: number, seed: number, innerTol: number, maxInner: number, ridge: number, maxCount: number, zeros: Float64Array,
    work: Float64Array, sketch: SketchKind,
  ): number;
  /** Σ (clamped prediction - vals[q])² over the listed positions. O(nnz k). */
  squaredError(
    nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
    rowBias: Float64Array, colBias: Float64Array, mu: number, lo: number, hi: number,
  ): number;
}

/** The subspace embedding of robust-altmin's row regressions. */
export type SketchKind = "countsketch" | "srht";

/** The smallest power of two >= n (n >= 1). */
export function pow2AtLeast(n: number): number {
  let N = 1;
  while (N < n) N *= 2;
  return N;
}

/** Doubles of scratch sketchedHalfStep needs (maxCount: the largest row count, m: rows of F; the WASM kernel tabulates F's buckets in ceil(m / 2)). */
export function sketchedWorkSize(k: number, s: number, maxCount: number, m: number, sketch: SketchKind): number {
  return s * k + k * k + 4 * k + maxCount * k + ((m + 1) >> 1) + (sketch === "srht" ? pow2AtLeast(Math.max(maxCount, 1)) * k : 0);
}

/** In-place unnormalised Walsh-Hadamard transform of the N (a power of two) k-long rows of H, as assembly/robust-altmin.ts. */
function hadamardRows(N: number, k: number, H: Float64Array): void {
  for (let h = 1; h < N; h *= 2) {
    for (let i0 = 0; i0 < N; i0 += 2 * h) {
      for (let i = i0; i < i0 + h; i++) {
        const a = i * k, b = (i + h) * k;
        for (let c = 0; c < k; c++) {
          const x = H[a + c], y = H[b + c];
          H[a + c] = x + y;
          H[b + c] = x - y;
        }
      }
    }
  }
}

/** (L Lᵀ)⁻¹ g into z, L lower triangular (k x k, leading dimension k). */
function precondition(k: number, L: Float64Array, g: Float64Array, z: Float64Array): void {
  z.set(g.subarray(0, k));
  jsKernels.triangularSolve(true, false, false, k, 1, L, k, z, 1);
  jsKernels.triangularSolve(true, true, false, k, 1, L, k, z, 1);
}

function predictAt(
  k: number, i: number, j: number, U: Float64Array, V: Float64Array, rb: Float64Array, cb: Float64Array, mu: number, lo: number, hi: number,
): number {
  const p = mu + rb[i] + cb[j] + dotAt(k, U, i * k, V, j * k);
  return p < lo ? lo : p > hi ? hi : p;
}

/** The plain-TypeScript kernel set: the readable reference, same arithmetic order as the WASM simd build. */
export const jsCompletionKernels: CompletionKernels = {
  ...jsKernels,

  alsHalfStep(n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, lambda, lambdaBias, weighted, fitBias, work) {
    const d = fitBias ? k + 1 : k;
    const G = work.subarray(0, d * d), b = work.subarray(d * d, d * d + d);
    let singular = 0;
    for (let i = 0; i < n; i++) {
      const start = ptr[i], end = ptr[i + 1], cnt = end - start;
      const scale = weighted ? cnt : 1;
      const ok = cnt > 0 && normalSolve(start, end, k, idx, vals, F, otherBias, mu, lambda * scale, lambdaBias, fitBias, G, b);
      if (ok) {
        X.set(b.subarray(0, k), i * k);
        ownBias[i] = fitBias ? b[k] : 0;
      } else {
        if (cnt > 0) singular++;
        X.fill(0, i * k, i * k + k);
        ownBias[i] = 0;
      }
    }
    return singular;
  },

  sketchedHalfStep(n, k, ptr, idx, vals, F, m, X, s, seed, innerTol, maxInner, ridge, maxCount, zeros, work, sketch) {
    let o = 0;
    const take = (len: number) => work.subarray(o, (o += len));
    const srht = sketch === "srht";
    const SD = take(s * k), L = take(k * k), g = take(k), z = take(k), p = take(k), w = take(k);
    const D = take(maxCount * k);
    take((m + 1) >> 1); // the WASM kernel's bucket table
    const H = srht ? take(pow2AtLeast(Math.max(maxCount, 1)) * k) : D;
    const G = SD.subarray(0, k * k), b = SD.subarray(k * k, k * k + k);
    const tol2 = innerTol * innerTol;
    // One CountSketch hash of F's rows per call, shared by every row (see assembly/robust-altmin.ts).
    const hk = stepKey(seed >>> 0);
    let steps = 0;
    for (let i = 0; i < n; i++) {
      const start = ptr[i], end = ptr[i + 1], cnt = end - start;
      const x = i * k;
      if (cnt === 0) {
        X.fill(0, x, x + k);
        continue;
      }
      let sketched = cnt > s;
      const key = rowKey(seed >>> 0, i);
      if (sketched) {
        g.fill(0);
        if (!srht) SD.fill(0);
        for (let q = 0; q < cnt; q++) {
          const j = idx[start + q];
          D.set(F.subarray(j * k, j * k + k), q * k);
          const rq = vals[start + q] - dotAt(k, D, q * k, X, x);
          axpyAt(k, rq, D, q * k, g, 0);
          if (srht) {
            const sign = mix32((key ^ j) >>> 0) & 1 ? -1 : 1;
            for (let c = 0; c < k; c++) H[q * k + c] = sign * D[q * k + c];
          } else {
            const h = mix32((hk ^ j) >>> 0);
            axpyAt(k, h & 1 ? -1 : 1, D, q * k, SD, bucketOf(h, s) * k);
          }
        }
        if (srht) {
          const N = pow2AtLeast(cnt);
          H.fill(0, cnt * k, N * k);
          hadamardRows(N, k, H);
          const pick = mix32((key ^ 0x5bd1e995) >>> 0);
          const offset = pick & (N - 1), stride = (mix32(pick) | 1) & (N - 1);
          for (let t = 0; t < s; t++) {
            const r = (offset + Math.imul(t, stride)) & (N - 1);
            SD.set(H.subarray(r * k, r * k + k), t * k);
          }
        }
        gramRows(s, k, SD, L);
        let fullRank = jsKernels.cholesky(k, L, k) >= 0;
        let dmax = 0;
        for (let c = 0; c < k && fullRank; c++) dmax = Math.max(dmax, L[c * k + c]);
        for (let c = 0; c < k && fullRank; c++) fullRank = L[c * k + c] > 1e-7 * dmax;
        sketched = fullRank;
      }
      if (!sketched) {
        if (normalSolve(start, end, k, idx, vals, F, zeros, 0, ridge, 0, false, G, b)) X.set(b, x);
        else X.fill(0, x, x + k);
        continue;
      }
      precondition(k, L, g, z);
      p.set(z);
      let gamma = dotAt(k, g, 0, z, 0);
      const stop = tol2 * gamma;
      for (let it = 0; it < maxInner && gamma > stop && gamma > 0; it++) {
        // w = Dᵀ(D p) in one pass, |D p|² alongside.
        w.fill(0);
        let qq = 0;
        for (let q = 0; q < cnt; q++) {
          const v = dotAt(k, D, q * k, p, 0);
          qq += v * v;
          axpyAt(k, v, D, q * k, w, 0);
        }
        if (!(qq > 0)) break;
        const alpha = gamma / qq;
        axpyAt(k, alpha, p, 0, X, x);
        axpyAt(k, -alpha, w, 0, g, 0);
        precondition(k, L, g, z);
        const next = dotAt(k, g, 0, z, 0);
        const beta = next / gamma;
        gamma = next;
        for (let c = 0; c < k; c++) p[c] = z[c] + beta * p[c];
        steps++;
      }
    }
    return steps;
  },

  squaredError(nnz, k, rowIdx, colIdx, vals, U, V, rowBias, colBias, mu, lo, hi) {
    let s = 0;
    for (let q = 0; q < nnz; q++) {
      const e = predictAt(k, rowIdx[q], colIdx[q], U, V, rowBias, colBias, mu, lo, hi) - vals[q];
      s += e * e;
    }
    return s;
  },
};
