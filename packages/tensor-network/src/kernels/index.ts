// The tensor kernel set: its interface and its plain-TypeScript twin, assembled
// from one twin module per AssemblyScript file (src/kernels/<name>.ts mirrors
// assembly/<name>.ts, kernel for kernel). docs/ARCHITECTURE.md, "Twins".
import { jsKernels, type LinalgKernels } from "@lowrank/linalg/kernels";
import { lqR, lqRows } from "./lq.js";
import { modeProduct, tridiagonalEig, unfoldingGram } from "./mode-product.js";
import { khatriRao, mttkrp, mttkrpFinish } from "./mttkrp.js";
import { maskedNormal, maskedResidual, permute } from "./network.js";
import { scanPieces } from "./scan.js";

export { lqRWorkSize } from "./lq.js";

/** Doubles of scratch `mttkrp` needs: the GEMM contracts the larger of left and right. */
export function mttkrpScratch(left: number, n: number, right: number, R: number): number {
  return left >= right ? R * n * right + R * right : left * n * R;
}

/**
 * The kernel set the tensor algorithms are written against: linalg's (GEMM,
 * QR, Jacobi SVD, eigh, Cholesky, ...) plus the mode-n kernels below.
 * A tensor is a C-order view seen as (left, n, right) around the mode being
 * worked on, so no kernel needs an unfolding to be materialised.
 * Mirrored by assembly/*.ts; the twins live in src/kernels/*.ts.
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
  /**
   * symmetricEig's kernels on the symmetric n x n G (destroyed):
   * tridiagonalizeUpper, tridiagonalQt into Z (n x n), then the batched QL
   * with its rotations in ql (lw doubles; the plain QL when lw < 4 + 2n).
   * Returns the QL's iterations (negative: not converged). O(9 n³).
   */
  tridiagonalEig(
    n: number, G: Float64Array, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
    Z: Float64Array, ql: Float64Array, lw: number, maxIter: number,
  ): number;
  /**
   * tridiagonalEig and, independent of it (no array shared), the mode
   * product modeProduct(transM, left, m, right, J, X, M, ldm, out): the
   * results of the two calls one after the other. On the pool one job runs
   * the eigenproblem as one task beside the product's tiles (HOOI: a mode's
   * eigenproblem beside the next mode's first product, src/hooi.ts).
   */
  tridiagonalEigBeside(
    n: number, G: Float64Array, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
    Z: Float64Array, ql: Float64Array, lw: number, maxIter: number,
    transM: boolean, left: number, m: number, right: number, J: number, X: Float64Array, M: Float64Array, ldm: number, out: Float64Array,
  ): number;
  /**
   * One pass over the n finite entries of x in fixed pieces of SCAN_PIECE
   * (kernels/scan.ts): out[2p] = max |x_i| and out[2p + 1] = Σ x_i² over
   * piece p (⌈n / SCAN_PIECE⌉ pairs), for the caller to reduce in piece order. O(n).
   */
  scanPieces(n: number, x: Float64Array, out: Float64Array): void;
  /** out (ra*rb x R): row a*rb + b is A[a, :] .* B[b, :] (row-wise Khatri-Rao product). O(ra rb R). */
  khatriRao(ra: number, rb: number, R: number, A: Float64Array, B: Float64Array, out: Float64Array): void;
  /**
   * out (n x R)[i, r] = Σ_l Σ_q X[l, i, q] KL[l, r] KR[q, r]: the MTTKRP of
   * CP-ALS for the middle mode, KL / KR the Khatri-Rao products of the
   * factors before / after it. `scratch` holds `mttkrpScratch` doubles.
   * O(left n right R).
   */
  mttkrp(
    left: number, n: number, right: number, R: number,
    X: Float64Array, KL: Float64Array, KR: Float64Array, out: Float64Array, scratch: Float64Array,
  ): void;
  /**
   * The pass of `mttkrp` after its GEMM (Z = KLᵀ X when left >= right, else
   * Y = X KR, in `scratch`): the parallel mttkrp runs the GEMM as tasks, then
   * this. O(n right R) or O(left n R).
   */
  mttkrpFinish(
    left: number, n: number, right: number, R: number, KL: Float64Array, KR: Float64Array, out: Float64Array, scratch: Float64Array,
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
   * householderQr's. `copy` holds m n doubles, `work` `lqRWorkSize`.
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

/** The plain-TypeScript reference of the tensor kernels, on top of linalg's `jsKernels`. */
export const jsTensorKernels: TensorKernels = {
  ...jsKernels,
  modeProduct,
  unfoldingGram,
  tridiagonalEig,
  tridiagonalEigBeside(n, G, d, e, tau, work, Z, ql, lw, maxIter, transM, left, m, right, J, X, M, ldm, out) {
    const it = tridiagonalEig(n, G, d, e, tau, work, Z, ql, lw, maxIter);
    modeProduct(transM, left, m, right, J, X, M, ldm, out);
    return it;
  },
  scanPieces,
  khatriRao,
  mttkrp,
  mttkrpFinish,
  lqRows,
  lqR,
  permute,
  maskedNormal,
  maskedResidual,
};
