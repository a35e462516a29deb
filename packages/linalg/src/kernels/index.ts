// linalg's kernel set: the interface every algorithm in lowrank is written
// against, and its plain-TypeScript implementation assembled from the twins in
// this directory (one file per AssemblyScript file in assembly/). The WASM
// implementation is the same set bound to an instance's exports (src/wasm.ts).
// Unstable: for the other @lowrank packages, not for users (docs/ARCHITECTURE.md).
import type { Rng } from "../rng.js";
import type { Backend } from "../types.js";
import { bidiagonalize, bidiagonalQr } from "./bidiagonal.js";
import { axpy, dot, nrm2, scal } from "./blas1.js";
import { cholesky } from "./cholesky-rows.js";
import { gemm } from "./gemm.js";
import { gemv } from "./gemv.js";
import { householderQ, householderQr } from "./householder.js";
import { jacobiRowsScaled } from "./jacobi-scaled.js";
import { jacobiRows } from "./jacobi-svd.js";
import { householderQBlocked, householderQrBlocked } from "./qr-blocked.js";
import { spmm, spmmT } from "./sparse.js";
import { triangularSolve } from "./triangular.js";
import {
  tridiagonalApplyQt, tridiagonalize, tridiagonalizeUpper, tridiagonalQl, tridiagonalQlBatched, tridiagonalQt,
} from "./tridiagonal.js";
import { secularEigen, secularSvd } from "./secular.js";
import { tridiagonalizeBlocked } from "./tridiagonal-blocked.js";
import { rngFillNormal, rngFillUniform } from "./xoshiro.js";

/**
 * The kernel set. Arrays are views (Float64Array / Int32Array); matrices are
 * row-major with an explicit leading dimension, BLAS-style, so sub-blocks are
 * passed as `subarray`s. Two implementations: `jsKernels` below (the readable
 * reference) and the WASM exports bound in `wasm.ts`, which require every view
 * to live in that instance's memory (allocate through a `Workspace`).
 *
 * The factorisation kernels are each one whole algorithm step on row-major
 * views, work in place, allocate nothing and take their scratch from the
 * caller; a view's index 0 is the matrix's (0, 0) entry. The twins do the same
 * arithmetic in the same order as the WASM `simd` variant (inner products in
 * the four interleaved partial sums of the SIMD `dot`, elementwise updates
 * rounding identically), so `js` and `simd` agree to the last bit in most runs;
 * `relaxed-simd` fuses multiply-adds and differs at rounding level.
 */
export interface LinalgKernels {
  readonly backend: Backend;
  /** Σ x[i] y[i]. O(n). */
  dot(n: number, x: Float64Array, y: Float64Array): number;
  /** y += alpha x. O(n). */
  axpy(n: number, alpha: number, x: Float64Array, y: Float64Array): void;
  /** x *= alpha. O(n). */
  scal(n: number, alpha: number, x: Float64Array): void;
  /** Euclidean norm, scaled against overflow. O(n). */
  nrm2(n: number, x: Float64Array): number;
  /** y = alpha op(A) x + beta y for A m x n. O(mn). */
  gemv(trans: boolean, m: number, n: number, alpha: number, A: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array): void;
  /** C = alpha op(A) op(B) + beta C; op(A) m x k, op(B) k x n. O(mnk). beta = 0 ignores C's contents. */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
    beta: number, C: Float64Array, ldc: number,
  ): void;
  /** C (rows x k) = A B for CSR A. O(nnz k). */
  spmm(rows: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, B: Float64Array, C: Float64Array): void;
  /** C (cols x k) = Aᵀ B for CSR A. O(nnz k). */
  spmmT(rows: number, cols: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, B: Float64Array, C: Float64Array): void;
  /** Fills `out` from `rng` (uniform in [0,1) or standard normal), advancing it exactly as `Rng` would. O(n). */
  rngFill(rng: Rng, out: Float64Array, normal: boolean): void;
  /**
   * Householder QR in place of A (m x n): on return R (min(m,n) x n) is in the
   * upper triangle with a non-negative diagonal, and the reflectors
   * H_j = I - tau_j v_j v_jᵀ (v_j[j] = 1 implicit, v_j[i] = A[i][j] for i > j)
   * are below it. `tau` holds min(m,n) entries, `work` n. O(2mn² - 2n³/3).
   */
  householderQr(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void;
  /**
   * Forms the thin Q (m x k) = H_0 ... H_{k-1} [I_k; 0] from the first k
   * reflectors left in A by householderQr. `work` holds k entries. O(4mk² - 4k³/3).
   */
  householderQ(m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array): void;
  /**
   * householderQr's result (the same R, reflectors and tau up to rounding) by
   * the blocked compact-WY method: panels of QR_NB (32) columns factored in a
   * transposed copy (contiguous columns), each panel's reflectors gathered as
   * I - V T Vᵀ and applied to the trailing columns by GEMM. Runs householderQr
   * itself when min(m, n) <= QR_NB or m min(m, n) < QR_CROSSOVER (12000).
   * `work` holds qrBlockedWorkSize(m, n) entries. O(2mn² - 2n³/3), mostly GEMM.
   */
  householderQrBlocked(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void;
  /**
   * householderQ's result, the thin Q (m x k) from the first k reflectors in A,
   * formed backwards over panels, each applied as one block reflector by GEMM
   * (runs householderQ itself when k <= QR_NB or m k < QR_CROSSOVER). `work`
   * holds qrBlockedWorkSize(m, k) entries. O(4mk² - 4k³/3), mostly GEMM.
   */
  householderQBlocked(m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array): void;
  /**
   * One-sided (Hestenes) Jacobi on the r rows of X (each cw long, leading
   * dimension ldx): rotates pairs of rows until, over their first c entries,
   * every pair is orthogonal to |<x_i,x_j>| <= tol |x_i| |x_j|. Rotations are
   * applied to all cw entries (put an identity in columns c..2c to accumulate
   * them). Rows are sorted by decreasing norm at each sweep (de Rijk) and at the
   * end, when `d` holds the norms of the rows' first c entries. Rows whose
   * squared norm is below 1e-280 times the largest are left alone.
   * Returns the sweeps used, or -1 if maxSweeps passed without convergence.
   * O(sweeps r² (c + cw)).
   */
  jacobiRows(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number): number;
  /**
   * `jacobiRows` for small matrices such as an SVD update's core: scaled
   * rotations (each row kept as D_i y_i, two multiply-adds per entry) and the
   * WASM kernel takes the cyclic sweep's pairs by anti-diagonals so that
   * independent pairs overlap (the same rotations in the same order per row,
   * so the same result). work: 5 r + 5 doubles.
   */
  jacobiRowsScaled(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number, work: Float64Array): number;
  /**
   * Householder reduction of the symmetric n x n A (both triangles stored) to
   * tridiagonal form T = Qᵀ A Q: diagonal in d (n), off-diagonal in e
   * (e[i] couples i and i+1, e[n-1] = 0). Reflector k is stored in row k of A,
   * columns k+1.. (leading 1 explicit), tau in tau (n). `work` holds n.
   * O(2n³): both triangles are updated, so every access runs along a row.
   */
  tridiagonalize(n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array): void;
  /**
   * tridiagonalize reading and updating only the upper triangle, diagonal
   * included (dsytd2): the same d, e, tau and reflectors (row k from column
   * k+1) to rounding; the strict lower triangle is neither read nor written.
   * O(4n³/3).
   */
  tridiagonalizeUpper(n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array): void;
  /**
   * tridiagonalizeUpper's result (the same d, e, reflectors in A and tau, to
   * rounding) by panels of 32 reflectors whose rank-2 updates of the trailing
   * triangle go through GEMM (dsytrd with dlatrd). `work` holds
   * tridiagonalizeBlockedWorkSize(n). O(4n³/3), half of it GEMM.
   */
  tridiagonalizeBlocked(n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array): void;
  /** Forms Qᵀ (n x n, into Z) from the reflectors left by tridiagonalize. O(4n³/3). */
  tridiagonalQt(n: number, A: Float64Array, lda: number, tau: Float64Array, Z: Float64Array, ldz: number): void;
  /**
   * Implicit QL with Wilkinson shifts on the symmetric tridiagonal (d, e)
   * (e[i] couples i and i+1): eigenvalues overwrite d (unsorted), e is
   * destroyed, and every rotation is applied to rows of Z, so that starting
   * from Z = Qᵀ row j ends as eigenvector j. Returns the iterations used, or -1
   * after maxIter. O(n²) for values, O(n³) with vectors.
   */
  tridiagonalQl(n: number, d: Float64Array, e: Float64Array, Z: Float64Array, ldz: number, maxIter: number): number;
  /**
   * tridiagonalQl (the same bits) whose WASM kernel records the rotations in
   * `work` (lwork >= 4 + 2n doubles; tridiagonalQlWorkSize(n) batches up to 32
   * iterations) and applies them to Z in batches, 8 columns at a time: several
   * times fewer passes over Z. Returns -2, doing nothing, for a smaller lwork.
   */
  tridiagonalQlBatched(
    n: number, d: Float64Array, e: Float64Array, Z: Float64Array, ldz: number, maxIter: number, work: Float64Array, lwork: number,
  ): number;
  /**
   * C (m x n) = C Qᵀ for the Q whose reflectors tridiagonalizeUpper left in A
   * (as dormtr from the right): the tridiagonal's eigenvectors in C's rows
   * become the matrix's. The WASM kernel applies panels of QR_NB reflectors by
   * GEMM; `work` holds tridiagonalApplyQtWorkSize(m, n). O(2mn²).
   */
  tridiagonalApplyQt(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, C: Float64Array, ldc: number, work: Float64Array): void;
  /**
   * Eigenpairs of diag(d) + rho z zᵀ (k x k; d strictly increasing, rho > 0,
   * no z_i zero: divide and conquer's rank-one update after deflation, as
   * dlaed4 + dlaed3): eigenvalues ascending to lam, unit eigenvectors to the
   * rows of U (k x k, leading dimension ldu) by Löwner's formula, orthogonal to
   * working precision. `work` holds k. Returns the secular iterations, -1 if
   * a root did not converge. O(k²) per iteration round.
   */
  secularEigen(
    k: number, d: Float64Array, z: Float64Array, rho: number, lam: Float64Array, U: Float64Array, ldu: number, work: Float64Array,
  ): number;
  /**
   * Singular triplets of the k x k arrowhead e_0 zᵀ + diag(d) (d[0] = 0 < d[1] <
   * ... < d[k-1], no z_i zero: the bidiagonal divide and conquer's merge after
   * deflation, as dlasd4 + dlasd3): singular values ascending to sig, unit left
   * vectors to the rows of U and right ones to the rows of V (k x k, leading
   * dimension ldu), from the ẑ for which the computed roots are exact, so both
   * sets are orthogonal to working precision. `work` holds k. Returns the
   * secular iterations, -1 if a root did not converge. O(k²) per iteration round.
   */
  secularSvd(
    k: number, d: Float64Array, z: Float64Array, sig: Float64Array, U: Float64Array, V: Float64Array, ldu: number, work: Float64Array,
  ): number;
  /**
   * Householder reduction of the square n x n A to upper bidiagonal B = Qᵀ A P
   * (as dgebd2): d (n, >= 0) the diagonal, e (n) the superdiagonal, e[n-1] = 0.
   * Q's reflectors below the diagonal (householderQr's layout, tau in tauq), P's
   * right of the superdiagonal in each row (v[j+1] = 1 implicit, tau in taup).
   * `work` holds n. O(8n³/3).
   */
  bidiagonalize(
    n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array,
    tauq: Float64Array, taup: Float64Array, work: Float64Array,
  ): void;
  /**
   * Singular values of the upper bidiagonal (d, e) by implicit-shift QR with
   * zero-shift sweeps and relative convergence tests (as dbdsqr): d ends
   * non-negative and descending, e destroyed; every left rotation is applied to
   * rows of U (n x n) and every right one to rows of V, rows kept with d's
   * order. Returns the sweeps, or -1 after 6n² sweep steps. O(n²) + O(n) per
   * rotation of the vectors. `work` holds lwork >= 4 + 4n doubles (the WASM
   * kernel records rotations there and applies them in batches, same bits;
   * bidiagonalQrWorkSize(n) batches up to 32 sweeps); a smaller lwork returns
   * -2 with nothing done.
   */
  bidiagonalQr(
    n: number, d: Float64Array, e: Float64Array, U: Float64Array, ldu: number, V: Float64Array, ldv: number,
    work: Float64Array, lwork: number,
  ): number;
  /**
   * Cholesky A = L Lᵀ in place (lower triangle read; L written there, strict
   * upper triangle zeroed). Returns 0, or -(j + 1) when pivot j is the first
   * that is not positive (A is then partly overwritten). O(n³/3).
   */
  cholesky(n: number, A: Float64Array, lda: number): number;
  /**
   * Solves op(T) X = B in place of B (n x k, leading dimension ldb), T n x n
   * triangular (lower or upper; op = transpose when trans; diagonal taken as
   * ones when unit). Returns 0, or -(j + 1) when diagonal entry j is zero (B
   * untouched). O(n² k).
   */
  triangularSolve(
    lower: boolean, trans: boolean, unit: boolean, n: number, k: number,
    T: Float64Array, ldt: number, B: Float64Array, ldb: number,
  ): number;
}

/** The plain-TypeScript kernel set: textbook loops in cache-friendly order, nothing clever. */
export const jsKernels: LinalgKernels = {
  backend: "js",
  dot,
  axpy,
  scal,
  nrm2,
  gemv,
  gemm,
  spmm,
  spmmT,
  rngFill(rng, out, normal) {
    if (normal) rngFillNormal(rng, out, out.length);
    else rngFillUniform(rng, out, out.length);
  },
  householderQr,
  householderQ,
  householderQrBlocked,
  householderQBlocked,
  jacobiRows,
  jacobiRowsScaled,
  tridiagonalize,
  tridiagonalizeUpper,
  tridiagonalizeBlocked,
  tridiagonalQt,
  tridiagonalQl,
  tridiagonalQlBatched,
  tridiagonalApplyQt,
  secularEigen,
  secularSvd,
  bidiagonalize,
  bidiagonalQr,
  cholesky,
  triangularSolve,
};

// The pieces the other packages' bindings and twins build on.
export { bindLinalg, type LinalgExports } from "../wasm.js";
export { dotAt, axpyAt, nrm2At } from "./blas1.js";
export { madd, rank1x4 } from "./simd.js";
export { invertGJ } from "./lu.js";
export { jacobiRowsRetry, type JacobiRowsKernels } from "./svd-driver.js";
// The Lanczos SVD's CSR products, their pool wrapper and the pieces svd-update shares with it.
export {
  csrGramMatvec, csrMatvec, csrMatvecT, csrTask, jsCsrVectorKernels, pieceStart, type CsrJob, type CsrVectorKernels, type LanczosKernels,
} from "./csr-vector.js";
export { csrPieces, PARALLEL_CSR_MIN, withParallelCsr, type CsrTaskExports } from "../threads-csr.js";
export { allFinite, checkRepresentable, flushTiny, maxAbs, scaleExponent, scaleInto, times2, workingCopy } from "../pow2-scale.js";
export { transposeCsr } from "../csr-transpose.js";
export {
  basisOrth, completeNull, openScope, scaledCopy, smallJacobiSvd, type BasisOrth, type LanczosWorkspace, type ScaledCsr, type SmallSvd,
} from "../lanczos-basis.js";
