import { jsFactorKernels, nrm2At, type FactorKernels } from "./factor-kernels.js";
import { axpyAt, dotAt } from "./blas-at.js";
import type { Rng } from "./rng.js";
import type { Backend } from "./types.js";

/**
 * The kernel set every algorithm in lowrank is written against. Arrays are
 * views (Float64Array / Int32Array); matrices are row-major with an explicit
 * leading dimension, BLAS-style, so sub-blocks are passed as `subarray`s.
 * Two implementations: `jsKernels` below (the readable reference) and the
 * WASM exports bound in `wasm.ts`, which require every view to live in that
 * instance's memory (allocate through a `Workspace`).
 */
export interface LinalgKernels extends FactorKernels {
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
}

function nrm2(n: number, x: Float64Array): number {
  return nrm2At(n, x, 0);
}

/** The plain-TypeScript kernel set: textbook loops in cache-friendly order, nothing clever. */
export const jsKernels: LinalgKernels = {
  ...jsFactorKernels,
  backend: "js",
  // Summed in the SIMD kernel's order, so js and simd results agree to the last bit.
  dot: (n, x, y) => dotAt(n, x, 0, y, 0),
  axpy: (n, alpha, x, y) => axpyAt(n, alpha, x, 0, y, 0),
  scal(n, alpha, x) {
    for (let i = 0; i < n; i++) x[i] *= alpha;
  },
  nrm2,
  gemv(trans, m, n, alpha, A, lda, x, beta, y) {
    if (!trans) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        const r = i * lda;
        for (let j = 0; j < n; j++) s += A[r + j] * x[j];
        y[i] = beta === 0 ? alpha * s : beta * y[i] + alpha * s;
      }
    } else {
      for (let j = 0; j < n; j++) y[j] = beta === 0 ? 0 : beta * y[j];
      for (let i = 0; i < m; i++) {
        const xi = alpha * x[i];
        if (xi === 0) continue;
        const r = i * lda;
        for (let j = 0; j < n; j++) y[j] += xi * A[r + j];
      }
    }
  },
  gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
    for (let i = 0; i < m; i++) {
      const c = i * ldc;
      for (let j = 0; j < n; j++) C[c + j] = beta === 0 ? 0 : beta * C[c + j];
    }
    if (k === 0 || alpha === 0) return;
    // i-p-j order keeps the innermost loop on contiguous rows of B and C (for untransposed B).
    for (let i = 0; i < m; i++) {
      const c = i * ldc;
      for (let p = 0; p < k; p++) {
        const a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);
        if (a === 0) continue;
        if (!transB) {
          const b = p * ldb;
          for (let j = 0; j < n; j++) C[c + j] += a * B[b + j];
        } else {
          for (let j = 0; j < n; j++) C[c + j] += a * B[j * ldb + p];
        }
      }
    }
  },
  spmm(rows, k, indptr, indices, data, B, C) {
    C.fill(0, 0, rows * k);
    for (let i = 0; i < rows; i++) {
      const c = i * k;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const v = data[q];
        const b = indices[q] * k;
        for (let t = 0; t < k; t++) C[c + t] += v * B[b + t];
      }
    }
  },
  spmmT(rows, cols, k, indptr, indices, data, B, C) {
    C.fill(0, 0, cols * k);
    for (let i = 0; i < rows; i++) {
      const b = i * k;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const v = data[q];
        const c = indices[q] * k;
        for (let t = 0; t < k; t++) C[c + t] += v * B[b + t];
      }
    }
  },
  rngFill(rng, out, normal) {
    if (normal) rng.fillNormal(out);
    else rng.fillUniform(out);
  },
};
