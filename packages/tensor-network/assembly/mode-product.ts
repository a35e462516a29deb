// Mode-n kernels on a C-order tensor viewed as (left, n, right): the mode-n
// fibres of block l form the n x right matrix X_l starting at l * n * right,
// so every mode-n operation is a GEMM per left block and no unfolding is
// ever materialised. Mirrored in src/kernels/mode-product.ts.
import { gemm } from "../../linalg/assembly/gemm";

/**
 * out (left, J, right) = X (left, n, right) x_mode op(M), op(M) J x n
 * (M stored J x n, or n x J when transM). `work` is GEMM's packing scratch.
 */
export function modeProduct(
  transM: bool, left: i32, n: i32, right: i32, J: i32,
  X: usize, M: usize, ldm: i32, out: usize, work: usize,
): void {
  if (right == 1) {
    // Last mode: out (left x J) = X (left x n) op(M)ᵀ in one call.
    gemm(false, !transM, left, J, n, 1.0, X, n, M, ldm, 0.0, out, J, work);
    return;
  }
  const xs = <usize>n * <usize>right << 3;
  const os = <usize>J * <usize>right << 3;
  for (let l = 0; l < left; l++) {
    gemm(transM, false, J, right, n, 1.0, M, ldm, X + <usize>l * xs, right, 0.0, out + <usize>l * os, right, work);
  }
}

/** G (n x n) = X_(mode) X_(mode)ᵀ = Σ_l X_l X_lᵀ, the Gram matrix of the mode unfolding. */
export function unfoldingGram(left: i32, n: i32, right: i32, X: usize, G: usize, work: usize): void {
  if (right == 1) {
    gemm(true, false, n, n, left, 1.0, X, n, X, n, 0.0, G, n, work);
    return;
  }
  const xs = <usize>n * <usize>right << 3;
  for (let l = 0; l < left; l++) {
    const Xl = X + <usize>l * xs;
    gemm(false, true, n, n, right, 1.0, Xl, right, Xl, right, l == 0 ? 0.0 : 1.0, G, n, work);
  }
}
