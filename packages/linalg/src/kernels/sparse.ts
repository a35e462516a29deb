// TypeScript twin of assembly/sparse.ts: CSR times dense, row-major.

/** C (rows x k) = A B for CSR A and dense B (cols x k). O(nnz k). */
export function spmm(rows: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, B: Float64Array, C: Float64Array): void {
  C.fill(0, 0, rows * k);
  for (let i = 0; i < rows; i++) {
    const c = i * k;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const v = data[q];
      const b = indices[q] * k;
      for (let t = 0; t < k; t++) C[c + t] += v * B[b + t];
    }
  }
}

/** C (cols x k) = Aᵀ B for CSR A and dense B (rows x k). O(nnz k). */
export function spmmT(
  rows: number, cols: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, B: Float64Array, C: Float64Array,
): void {
  C.fill(0, 0, cols * k);
  for (let i = 0; i < rows; i++) {
    const b = i * k;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const v = data[q];
      const c = indices[q] * k;
      for (let t = 0; t < k; t++) C[c + t] += v * B[b + t];
    }
  }
}
