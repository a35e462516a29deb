import { jsKernels, type LinalgKernels } from "@lowrank/linalg";

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
};
