// TypeScript twins of assembly/mode-product.ts: mode-n products and Gram
// matrices on a C-order tensor viewed as (left, n, right), one GEMM per left
// block (linalg's js GEMM), no unfolding materialised.
import { jsKernels } from "@lowrank/linalg/kernels";

const g = jsKernels.gemm;

/**
 * out (left, J, right) = X (left, n, right) ×_mode op(M), op(M) J x n
 * (M stored J x n, or n x J when transM, leading dimension ldm).
 */
export function modeProduct(
  transM: boolean, left: number, n: number, right: number, J: number,
  X: Float64Array, M: Float64Array, ldm: number, out: Float64Array,
): void {
  if (right === 1) {
    g(false, !transM, left, J, n, 1, X, n, M, ldm, 0, out, J);
    return;
  }
  for (let l = 0; l < left; l++) {
    g(transM, false, J, right, n, 1, M, ldm, X.subarray(l * n * right), right, 0, out.subarray(l * J * right), right);
  }
}

/** G (n x n) = X_(mode) X_(mode)ᵀ = Σ_l X_l X_lᵀ for X viewed as (left, n, right). */
export function unfoldingGram(left: number, n: number, right: number, X: Float64Array, G: Float64Array): void {
  if (right === 1) {
    g(true, false, n, n, left, 1, X, n, X, n, 0, G, n);
    return;
  }
  for (let l = 0; l < left; l++) {
    const Xl = X.subarray(l * n * right);
    g(false, true, n, n, right, 1, Xl, right, Xl, right, l === 0 ? 0 : 1, G, n);
  }
}
