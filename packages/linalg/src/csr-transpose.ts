// The transpose of a CSR matrix (the Lanczos SVD runs on the taller side; svd-update's updates take columns as rows).
import { checkSize } from "./input-checks.js";
import type { CsrMatrix } from "./types.js";

/** Aᵀ in CSR (the columns of A as rows). O(nnz + rows + cols). */
export function transposeCsr(A: CsrMatrix): CsrMatrix {
  const nnz = A.indptr[A.rows];
  checkSize(A.cols + 1, "the transpose's indptr");
  const indptr = new Int32Array(A.cols + 1);
  for (let q = 0; q < nnz; q++) indptr[A.indices[q] + 1]++;
  for (let j = 0; j < A.cols; j++) indptr[j + 1] += indptr[j];
  const next = indptr.slice(0, A.cols);
  const indices = new Int32Array(nnz), data = new Float64Array(nnz);
  for (let i = 0; i < A.rows; i++) {
    for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) {
      const at = next[A.indices[q]]++;
      indices[at] = i;
      data[at] = A.data[q];
    }
  }
  return { rows: A.cols, cols: A.rows, indptr, indices, data };
}
