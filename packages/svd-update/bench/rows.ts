import type { CsrMatrix } from "@lowrank/linalg";

/** Rows [r0, r1) of a CSR matrix. */
export function rowSlice(A: CsrMatrix, r0: number, r1: number): CsrMatrix {
  const a = A.indptr[r0], b = A.indptr[r1];
  const indptr = new Int32Array(r1 - r0 + 1);
  for (let i = r0; i <= r1; i++) indptr[i - r0] = A.indptr[i] - a;
  return { rows: r1 - r0, cols: A.cols, indptr, indices: A.indices.slice(a, b), data: A.data.slice(a, b) };
}
