// TypeScript twin of assembly/lanczos.ts: single-vector CSR products of the
// Lanczos method (docs/ARCHITECTURE.md, "Twins").

/** y (rows) = A x for CSR A. O(nnz + rows). */
export function csrMatvec(rows: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void {
  let q = indptr[0];
  for (let i = 0; i < rows; i++) {
    const end = indptr[i + 1];
    let s0 = 0, s1 = 0;
    for (; q + 1 < end; q += 2) {
      s0 += data[q] * x[indices[q]];
      s1 += data[q + 1] * x[indices[q + 1]];
    }
    if (q < end) s0 += data[q] * x[indices[q]];
    q = end;
    y[i] = s0 + s1;
  }
}

/** y (cols) = Aᵀ x for CSR A. O(nnz + rows + cols). */
export function csrMatvecT(
  rows: number, cols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array,
): void {
  y.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) y[indices[q]] += data[q] * xi;
  }
}

/** y (cols) = Aᵀ (A x) in one pass over A. O(nnz + rows + cols). */
export function csrGramMatvec(
  rows: number, cols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array,
): void {
  y.fill(0, 0, cols);
  let q0 = indptr[0];
  for (let i = 0; i < rows; i++) {
    const end = indptr[i + 1];
    let s0 = 0, s1 = 0, q = q0;
    for (; q + 1 < end; q += 2) {
      s0 += data[q] * x[indices[q]];
      s1 += data[q + 1] * x[indices[q + 1]];
    }
    if (q < end) s0 += data[q] * x[indices[q]];
    const t = s0 + s1;
    if (t !== 0) for (q = q0; q < end; q++) y[indices[q]] += data[q] * t;
    q0 = end;
  }
}
