import { jsKernels, qrBlockedWorkSize, type LinalgKernels } from "@lowrank/linalg";

/**
 * The kernel set the tensor algorithms are written against: linalg's (GEMM,
 * QR, Jacobi SVD, eigh, Cholesky, ...) plus the mode-n kernels below.
 * A tensor is a C-order view seen as (left, n, right) around the mode being
 * worked on, so no kernel needs an unfolding to be materialised.
 * Mirrored by assembly/mode-product.ts and assembly/mttkrp.ts.
 */
export interface TensorKernels extends LinalgKernels {
  /**
   * out (left, J, right) = X (left, n, right) ×_mode op(M), op(M) J x n
   * (M stored J x n, or n x J when transM, leading dimension ldm).
   * One GEMM per left block (one GEMM in all when right = 1). O(left n J right).
   */
  modeProduct(
    transM: boolean, left: number, n: number, right: number, J: number,
    X: Float64Array, M: Float64Array, ldm: number, out: Float64Array,
  ): void;
  /** G (n x n) = X_(mode) X_(mode)ᵀ for X viewed as (left, n, right). O(left n² right). */
  unfoldingGram(left: number, n: number, right: number, X: Float64Array, G: Float64Array): void;
  /** out (ra*rb x R): row a*rb + b is A[a, :] .* B[b, :] (row-wise Khatri-Rao product). O(ra rb R). */
  khatriRao(ra: number, rb: number, R: number, A: Float64Array, B: Float64Array, out: Float64Array): void;
  /**
   * out (n x R)[i, r] = Σ_l Σ_q X[l, i, q] KL[l, r] KR[q, r]: the MTTKRP of
   * CP-ALS for the middle mode, KL / KR the Khatri-Rao products of the
   * factors before / after it. `scratch` holds {@link mttkrpScratch} doubles.
   * O(left n right R).
   */
  mttkrp(
    left: number, n: number, right: number, R: number,
    X: Float64Array, KL: Float64Array, KR: Float64Array, out: Float64Array, scratch: Float64Array,
  ): void;
  /**
   * out = X with its axes permuted: out axis m is X's axis perm[m] (`dims`
   * are X's, ndim of them). `scratch` holds 3 ndim i32. O(size).
   */
  permute(ndim: number, dims: Int32Array, perm: Int32Array, X: Float64Array, out: Float64Array, scratch: Int32Array): void;
  /**
   * Householder LQ in place of the m x L block B (row-major, leading
   * dimension ld, m <= L): on return its lower triangle holds L (B = L Q).
   * Each reflector runs along a contiguous row (nrm2, scal, dot, axpy).
   * O(2 m² L).
   */
  lqRows(m: number, L: number, B: Float64Array, ld: number): void;
  /**
   * R (m x m, upper; zeros below) of Aᵀ = Q R for the wide m x n A
   * (row-major, m <= n, not modified), with R's diagonal >= 0 as
   * householderQr's. `copy` holds m n doubles, `work` {@link lqRWorkSize}.
   * WASM: blocked Householder LQ of A in place in `copy` (assembly/lq.ts);
   * TS: the transpose into `copy` and householderQrBlocked, the same
   * reflectors. O(2 m² n).
   */
  lqR(m: number, n: number, A: Float64Array, R: Float64Array, copy: Float64Array, work: Float64Array): void;
  /**
   * Per-slice normal equations over observed entries only: for each of the
   * `count` observed entries e (flat index idx[e] of a tensor viewed as
   * (left, n, right), value x[e]) with design row q = Q[l sl + r sr, :] (rr
   * long), V_i += q qᵀ (lower triangles; V is n blocks of rr x rr) and
   * B_i += x[e] q (B n x rr). Zeroes V and B first. O(count rr²).
   */
  maskedNormal(
    count: number, idx: Int32Array, x: Float64Array, n: number, right: number, sl: number, sr: number, rr: number,
    Q: Float64Array, V: Float64Array, B: Float64Array,
  ): void;
  /** Σ_e (x[e] - q_e · G[i_e, :])² over the observed entries (as maskedNormal), G n x rr. O(count rr). */
  maskedResidual(
    count: number, idx: Int32Array, x: Float64Array, n: number, right: number, sl: number, sr: number, rr: number,
    Q: Float64Array, G: Float64Array,
  ): number;
}

/**
 * Doubles of `work` the `lqR` kernel takes for an m x n matrix on a backend
 * (assembly/lq.ts: the panels' triangles, T, S and W; js: the blocked QR's
 * work and tau); without one, enough for both.
 */
export function lqRWorkSize(m: number, n: number, backend?: "js" | "wasm"): number {
  const NB = 32, IB = 8;
  const wasm = 3 * NB * NB + 3 * IB * IB + m * NB + NB * IB + m, js = qrBlockedWorkSize(n, m) + m;
  return backend === "wasm" ? wasm : backend === "js" ? js : Math.max(wasm, js);
}

/** Doubles of scratch `mttkrp` needs: the GEMM contracts the larger of left and right. */
export function mttkrpScratch(left: number, n: number, right: number, R: number): number {
  return left >= right ? R * n * right + R * right : left * n * R;
}

const g = jsKernels.gemm;

/** The plain-TypeScript reference of the tensor kernels, on top of linalg's `jsKernels`. */
export const jsTensorKernels: TensorKernels = {
  ...jsKernels,
  modeProduct(transM, left, n, right, J, X, M, ldm, out) {
    if (right === 1) {
      g(false, !transM, left, J, n, 1, X, n, M, ldm, 0, out, J);
      return;
    }
    for (let l = 0; l < left; l++) {
      g(transM, false, J, right, n, 1, M, ldm, X.subarray(l * n * right), right, 0, out.subarray(l * J * right), right);
    }
  },
  unfoldingGram(left, n, right, X, G) {
    if (right === 1) {
      g(true, false, n, n, left, 1, X, n, X, n, 0, G, n);
      return;
    }
    for (let l = 0; l < left; l++) {
      const Xl = X.subarray(l * n * right);
      g(false, true, n, n, right, 1, Xl, right, Xl, right, l === 0 ? 0 : 1, G, n);
    }
  },
  khatriRao(ra, rb, R, A, B, out) {
    for (let a = 0; a < ra; a++) {
      for (let b = 0; b < rb; b++) {
        const o = (a * rb + b) * R;
        for (let r = 0; r < R; r++) out[o + r] = A[a * R + r] * B[b * R + r];
      }
    }
  },
  mttkrp(left, n, right, R, X, KL, KR, out, scratch) {
    const nr = n * right;
    if (left >= right) {
      g(true, false, R, nr, left, 1, KL, R, X, nr, 0, scratch, nr);
      for (let r = 0; r < R; r++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          const z = r * nr + i * right;
          for (let q = 0; q < right; q++) s += scratch[z + q] * KR[q * R + r];
          out[i * R + r] = s;
        }
      }
      return;
    }
    g(false, false, left * n, R, right, 1, X, right, KR, R, 0, scratch, R);
    out.fill(0, 0, n * R);
    for (let l = 0; l < left; l++) {
      for (let i = 0; i < n; i++) {
        const y = (l * n + i) * R;
        for (let r = 0; r < R; r++) out[i * R + r] += scratch[y + r] * KL[l * R + r];
      }
    }
  },
  lqRows(m, L, B, ld) {
    const K = jsKernels;
    for (let j = 0; j < m; j++) {
      const x = B.subarray(j * ld + j, j * ld + L), len = L - j;
      const alpha = x[0];
      const sigma = len > 1 ? K.nrm2(len - 1, x.subarray(1)) : 0;
      if (sigma === 0) continue;
      const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, sigma);
      const tau = (beta - alpha) / beta;
      K.scal(len - 1, 1 / (alpha - beta), x.subarray(1));
      x[0] = beta;
      const v = x.subarray(1);
      for (let i = j + 1; i < m; i++) {
        const y = B.subarray(i * ld + j, i * ld + L);
        const w = y[0] + K.dot(len - 1, v, y.subarray(1));
        y[0] -= tau * w;
        K.axpy(len - 1, -tau * w, v, y.subarray(1));
      }
    }
  },
  lqR(m, n, A, R, copy, work) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) copy[j * m + i] = A[i * n + j];
    const tau = work.subarray(0, m);
    jsKernels.householderQrBlocked(n, m, copy, m, tau, work.subarray(m));
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) R[i * m + j] = j >= i ? copy[i * m + j] : 0;
  },
  permute(ndim, dims, perm, X, out, scratch) {
    const stride = scratch.subarray(0, ndim), odim = scratch.subarray(ndim, 2 * ndim), idx = scratch.subarray(2 * ndim, 3 * ndim);
    let total = 1;
    for (let k = ndim - 1; k >= 0; k--) {
      stride[k] = total;
      total *= dims[k];
    }
    if (ndim === 0) {
      out[0] = X[0];
      return;
    }
    for (let m = 0; m < ndim; m++) {
      odim[m] = dims[perm[m]];
      idx[m] = 0;
    }
    const last = ndim - 1, nLast = odim[last], sLast = stride[perm[last]];
    const rows = total / nLast;
    let src = 0, o = 0;
    for (let row = 0; row < rows; row++) {
      for (let t = 0, s = src; t < nLast; t++, s += sLast) out[o++] = X[s];
      for (let m = last - 1; m >= 0; m--) {
        const st = stride[perm[m]];
        const v = idx[m] + 1;
        if (v < odim[m]) {
          idx[m] = v;
          src += st;
          break;
        }
        idx[m] = 0;
        src -= st * (v - 1);
      }
    }
  },
  maskedNormal(count, idx, x, n, right, sl, sr, rr, Q, V, B) {
    V.fill(0, 0, n * rr * rr);
    B.fill(0, 0, n * rr);
    const nr = n * right;
    for (let e = 0; e < count; e++) {
      const f = idx[e];
      const l = Math.floor(f / nr), rem = f - l * nr, i = Math.floor(rem / right), r = rem - i * right;
      const q = (l * sl + r * sr) * rr, v = i * rr * rr, b = i * rr, xv = x[e];
      for (let a = 0; a < rr; a++) {
        const qa = Q[q + a];
        B[b + a] += xv * qa;
        const va = v + a * rr;
        for (let c = 0; c <= a; c++) V[va + c] += qa * Q[q + c];
      }
    }
  },
  maskedResidual(count, idx, x, n, right, sl, sr, rr, Q, G) {
    const nr = n * right;
    let s = 0;
    for (let e = 0; e < count; e++) {
      const f = idx[e];
      const l = Math.floor(f / nr), rem = f - l * nr, i = Math.floor(rem / right), r = rem - i * right;
      const q = (l * sl + r * sr) * rr, gi = i * rr;
      let p = 0;
      for (let a = 0; a < rr; a++) p += Q[q + a] * G[gi + a];
      const d = x[e] - p;
      s += d * d;
    }
    return s;
  },
};
