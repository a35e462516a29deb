import { dot, axpy, scal } from "./blas1";

/**
 * y = alpha * op(A) * x + beta * y, A is m x n row-major with leading dimension lda.
 * op(A) = A: y has m entries, each a SIMD dot product with a row of A.
 * op(A) = Aᵀ: y has n entries, accumulated as axpy of the rows of A.
 */
export function gemv(trans: bool, m: i32, n: i32, alpha: f64, A: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const yi = y + (<usize>i << 3);
      const d = alpha * dot(n, A + (<usize>(i * lda) << 3), x);
      store<f64>(yi, beta == 0.0 ? d : beta * load<f64>(yi) + d);
    }
  } else {
    if (beta == 0.0) memory.fill(y, 0, <usize>n << 3);
    else if (beta != 1.0) scal(n, beta, y);
    for (let i = 0; i < m; i++) {
      const xi = alpha * load<f64>(x + (<usize>i << 3));
      if (xi != 0.0) axpy(n, xi, A + (<usize>(i * lda) << 3), y);
    }
  }
}
