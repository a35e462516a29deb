import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { withLinalg } from "./module.js";
import type { BackendOptions, CsrMatrix, DenseMatrix } from "./types.js";
import { checkCsr, checkDense } from "./validate.js";

/**
 * Sparse times dense: A B for CSR A (m x n) and dense B (n x k). O(nnz k).
 *
 * @example
 * const C = spmm(csr, { rows: csr.cols, cols: 3, data }); // csr.rows x 3
 */
export function spmm(A: CsrMatrix, B: DenseMatrix, opts: BackendOptions = {}): DenseMatrix {
  A = checkCsr(A, "A");
  B = checkDense(B, "B");
  if (B.rows !== A.cols) throw new LowrankError("SHAPE", `spmm: A is ${A.rows} x ${A.cols} but B has ${B.rows} rows`);
  const k = B.cols;
  const nnz = A.data.length;
  const data = withLinalg(opts.backend, arenaBytes(nnz + B.data.length + A.rows * k, nnz + A.rows + 1), (ws) => {
    const C = ws.f64(A.rows * k);
    ws.kernels.spmm(A.rows, k, ws.inputI32(A.indptr), ws.inputI32(A.indices), ws.input(A.data), ws.input(B.data), C);
    return ws.output(C);
  });
  return { rows: A.rows, cols: k, data };
}

/**
 * Transposed sparse times dense: Aᵀ B for CSR A (m x n) and dense B (m x k), without forming Aᵀ. O(nnz k).
 *
 * @example
 * const C = spmmT(csr, { rows: csr.rows, cols: 3, data }); // csr.cols x 3
 */
export function spmmT(A: CsrMatrix, B: DenseMatrix, opts: BackendOptions = {}): DenseMatrix {
  A = checkCsr(A, "A");
  B = checkDense(B, "B");
  if (B.rows !== A.rows) throw new LowrankError("SHAPE", `spmmT: A is ${A.rows} x ${A.cols} but B has ${B.rows} rows`);
  const k = B.cols;
  const nnz = A.data.length;
  const data = withLinalg(opts.backend, arenaBytes(nnz + B.data.length + A.cols * k, nnz + A.rows + 1), (ws) => {
    const C = ws.f64(A.cols * k);
    ws.kernels.spmmT(A.rows, A.cols, k, ws.inputI32(A.indptr), ws.inputI32(A.indices), ws.input(A.data), ws.input(B.data), C);
    return ws.output(C);
  });
  return { rows: A.cols, cols: k, data };
}
