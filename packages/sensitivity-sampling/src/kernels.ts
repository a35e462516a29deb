import { axpyAt, dotAt, jsKernels, type LinalgKernels } from "@lowrank/linalg";

/**
 * The kernel set of @lowrank/sensitivity-sampling: linalg's kernels plus the
 * row passes of leverage scores, CountSketch, Lewis weights and IRLS. Arrays
 * are views (Float64Array), matrices row-major with an explicit leading
 * dimension. Two implementations: `jsSensitivityKernels` below (the readable
 * reference) and the WASM exports bound in `wasm.ts` (assembly/*.ts, same names).
 *
 * The reference sums inner products in the four interleaved partial sums of
 * linalg's SIMD `dot` and updates with y + alpha x as its `axpy`, so `js` and
 * the `simd` binary agree to the last bit except where `Math.pow`/`Math.log`
 * (host in js, AssemblyScript's in WASM) differ by an ulp; `relaxed-simd`
 * fuses multiply-adds.
 */
export interface SensitivityKernels extends LinalgKernels {
  /** out[i] = ||X[i, 0:d]||² for n rows. O(nd). */
  rowNormsSq(n: number, d: number, X: Float64Array, ldx: number, out: Float64Array): void;
  /**
   * out[i] = ||a_iᵀ B||² for A (n x d) and B (d x k); with `upper`, B is upper
   * triangular (k = d) and only B[j, j:] is read. `z` is 2k doubles of scratch
   * (the WASM kernel does two rows at a time).
   * O(ndk), O(nd²/2) when upper.
   */
  rowNormsOfProduct(
    n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
    upper: boolean, out: Float64Array, z: Float64Array,
  ): void;
  /**
   * SA (m x d, zeroed) += CountSketch of V^(1/2) A; row i goes to bucket ⌊2m u_i⌋ >> 1 with sign by its
   * low bit, scaled by √v_i when v is given (null: unscaled). O(nd).
   */
  countSketch(n: number, d: number, A: Float64Array, lda: number, u: Float64Array, m: number, v: Float64Array | null, SA: Float64Array): void;
  /** G (d x d, both triangles) = Σ v_i a_i a_iᵀ. O(nd²/2). */
  weightedGram(n: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void;
  /**
   * One Lewis-weight step (see assembly/lewis.ts): q_i = ||a_iᵀ U||² with U upper
   * triangular, w_i <- w_i^(1-alpha) q_i^(alpha p/2), v_i = w_i^(1-2/p); returns
   * max |log(w_new/w_old)|. `z`: 2d doubles. O(nd²/2).
   */
  lewisUpdate(
    n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
    w: Float64Array, v: Float64Array, z: Float64Array,
  ): number;
  /**
   * IRLS row pass: out row i = √c_i [a_i, b_i], c_i = ω_i (r_i² + eps²)^(p/2-1);
   * returns Σ ω_i (r_i² + eps²)^(p/2). O(nd).
   */
  irlsRows(
    n: number, d: number, A: Float64Array, lda: number, b: Float64Array, r: Float64Array, omega: Float64Array,
    p: number, eps: number, out: Float64Array, ldo: number,
  ): number;
  /** Σ ω_i |r_i|^p. O(n). */
  sumAbsPow(n: number, r: Float64Array, omega: Float64Array, p: number): number;
  /**
   * R (w x w, upper triangular) with MᵀM = RᵀR for M (n x w, leading dimension
   * ldm), by Householder QR of [R; next chunk rows] chunk by chunk so the work
   * buffer stays in cache. buf: (w + chunk) w doubles, tau and work: w. O(2nw²(1 + w/chunk)).
   */
  tallQrR(
    n: number, w: number, M: Float64Array, ldm: number, chunk: number, R: Float64Array,
    buf: Float64Array, tau: Float64Array, work: Float64Array,
  ): void;
  /**
   * Online leverage sampling of nb rows in order (see assembly/online.ts):
   * q_i = a_iᵀ H a_i against the kept rows' inverse H (d x d, updated in place by
   * Sherman-Morrison when a row is kept), p_i = min(1, c q_i), kept if u_i < p_i
   * with weight 1/p_i. Writes score and weight (0 = dropped); returns the count
   * kept. `t`: d doubles. O(nb d²).
   */
  onlineLeverage(
    nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, c: number, u: Float64Array,
    score: Float64Array, weight: Float64Array, t: Float64Array,
  ): number;
}

/** out[i] = ||a_iᵀ B||² (see SensitivityKernels.rowNormsOfProduct). */
function rowNormsOfProduct(
  n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  upper: boolean, out: Float64Array, z: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    z.fill(0, 0, k);
    const ai = i * lda;
    for (let j = 0; j < d; j++) {
      const a = A[ai + j];
      if (a === 0) continue;
      const s = upper ? j : 0;
      axpyAt(k - s, a, B, j * ldb + s, z, s);
    }
    out[i] = dotAt(k, z, 0, z, 0);
  }
}

/**
 * The plain-TypeScript kernel set (the "js" backend and the readable reference
 * of assembly/*.ts); each kernel's cost is on the interface.
 *
 * @example
 * const out = new Float64Array(n);
 * jsSensitivityKernels.rowNormsSq(n, d, A.data, d, out);
 */
export const jsSensitivityKernels: SensitivityKernels = {
  ...jsKernels,
  rowNormsSq(n, d, X, ldx, out) {
    for (let i = 0; i < n; i++) out[i] = dotAt(d, X, i * ldx, X, i * ldx);
  },
  rowNormsOfProduct,
  countSketch(n, d, A, lda, u, m, v, SA) {
    for (let i = 0; i < n; i++) {
      const t = Math.min(Math.floor(u[i] * 2 * m), 2 * m - 1);
      let s = t & 1 ? -1 : 1;
      if (v) s *= Math.sqrt(v[i]);
      axpyAt(d, s, A, i * lda, SA, (t >> 1) * d);
    }
  },
  weightedGram(n, d, A, lda, v, G) {
    G.fill(0, 0, d * d);
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const ai = i * lda;
      for (let j = 0; j < d; j++) {
        const c = vi * A[ai + j];
        if (c === 0) continue;
        axpyAt(j + 1, c, A, ai, G, j * d);
      }
    }
    for (let j = 0; j < d; j++) for (let l = j + 1; l < d; l++) G[j * d + l] = G[l * d + j];
  },
  lewisUpdate(n, d, A, lda, U, p, alpha, w, v, z) {
    // q_i into v first, then the elementwise update (as assembly/lewis.ts).
    rowNormsOfProduct(n, d, d, A, lda, U, d, true, v, z);
    let hi = 0, lo = Infinity;
    const half = p / 2, ev = 1 - 2 / p;
    for (let i = 0; i < n; i++) {
      const q = v[i], old = w[i];
      let nw = 0, nv = 0;
      if (q > 0) {
        if (alpha === 1) {
          nw = half === 0.5 ? Math.sqrt(q) : Math.pow(q, half);
          nv = nw / q;
        } else {
          nw = Math.pow(old, 1 - alpha) * Math.pow(q, alpha * half);
          nv = Math.pow(nw, ev);
        }
      }
      w[i] = nw;
      v[i] = nv;
      if (nw > 0 && old > 0) {
        const ratio = nw / old;
        if (ratio > hi) hi = ratio;
        if (ratio < lo) lo = ratio;
      }
    }
    return hi >= lo ? Math.max(Math.log(hi), -Math.log(lo)) : 0;
  },
  irlsRows(n, d, A, lda, b, r, omega, p, eps, out, ldo) {
    let obj = 0;
    const e2 = eps * eps;
    for (let i = 0; i < n; i++) {
      const s = r[i] * r[i] + e2;
      obj += omega[i] * Math.pow(s, p / 2);
      const c = Math.sqrt(omega[i] * Math.pow(s, p / 2 - 1));
      const ai = i * lda, oi = i * ldo;
      for (let j = 0; j < d; j++) out[oi + j] = c * A[ai + j];
      out[oi + d] = c * b[i];
    }
    return obj;
  },
  sumAbsPow(n, r, omega, p) {
    let s = 0;
    for (let i = 0; i < n; i++) s += omega[i] * Math.pow(Math.abs(r[i]), p);
    return s;
  },
  onlineLeverage(nb, d, A, lda, H, c, u, score, weight, t) {
    let kept = 0;
    for (let i = 0; i < nb; i++) {
      const ai = i * lda;
      for (let j = 0; j < d; j++) t[j] = dotAt(d, H, j * d, A, ai);
      const q = dotAt(d, A, ai, t, 0);
      score[i] = q;
      const p = Math.min(1, c * q);
      if (u[i] < p) {
        kept++;
        const w = 1 / p;
        weight[i] = w;
        const f = -w / (1 + w * q);
        for (let j = 0; j < d; j++) axpyAt(d, f * t[j], t, 0, H, j * d);
      } else {
        weight[i] = 0;
      }
    }
    return kept;
  },
  tallQrR(n, w, M, ldm, chunk, R, buf, tau, work) {
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
  },
};
