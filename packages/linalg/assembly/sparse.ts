import { axpy } from "./blas1";

/**
 * C (rows x k) = A * B for CSR A (rows x cols) and dense B (cols x k), row-major.
 * Each output row is a sum of rows of B: SIMD axpy over k.
 */
export function spmm(rows: i32, k: i32, indptr: usize, indices: usize, data: usize, B: usize, C: usize): void {
  memory.fill(C, 0, <usize>rows * <usize>k << 3);
  for (let i = 0; i < rows; i++) {
    const c = C + (<usize>i * <usize>k << 3);
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    for (let q = load<i32>(indptr + (<usize>i << 2)); q < end; q++) {
      const j = load<i32>(indices + (<usize>q << 2));
      axpy(k, load<f64>(data + (<usize>q << 3)), B + (<usize>j * <usize>k << 3), c);
    }
  }
}

/**
 * C (cols x k) = Aᵀ * B for CSR A (rows x cols) and dense B (rows x k), row-major.
 * Scatters each row of B into the output rows its nonzeros name.
 */
export function spmmT(rows: i32, cols: i32, k: i32, indptr: usize, indices: usize, data: usize, B: usize, C: usize): void {
  memory.fill(C, 0, <usize>cols * <usize>k << 3);
  for (let i = 0; i < rows; i++) {
    const b = B + (<usize>i * <usize>k << 3);
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    for (let q = load<i32>(indptr + (<usize>i << 2)); q < end; q++) {
      const j = load<i32>(indices + (<usize>q << 2));
      axpy(k, load<f64>(data + (<usize>q << 3)), b, C + (<usize>j * <usize>k << 3));
    }
  }
}
