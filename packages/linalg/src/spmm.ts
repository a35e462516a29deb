import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { asCsr, checkSize } from "./input.js";
import { readMatrix } from "./validate.js";
import { withLinalg } from "./module.js";
import { BACKEND, readOptions } from "./options.js";
import type { BackendOptions, CsrLike, CsrMatrix, DenseMatrix, MatrixLike } from "./types.js";

const OPTIONS = { backend: BACKEND };

function finiteOrThrow(C: Float64Array, fn: string): Float64Array {
  for (let i = 0; i < C.length; i++) {
    if (C[i] - C[i] !== 0) throw new LowrankError("NON_FINITE", `${fn}: the product overflows the double range at entry ${i}`);
  }
  return C;
}

/**
 * Sparse times dense: A B for CSR A (m x n) and dense B (n x k). O(nnz k).
 * A's arrays may be plain arrays: indices are checked integral and in range
 * whatever their type. Errors: INVALID_ARGUMENT, SHAPE, INDEX, EMPTY,
 * NON_FINITE (also for a product beyond the double range), TOO_LARGE.
 *
 * @example
 * const C = spmm(csr, { rows: csr.cols, cols: 3, data }); // csr.rows x 3
 */
export function spmm(A: CsrMatrix | CsrLike, B: MatrixLike, opts?: BackendOptions): DenseMatrix {
  const o = readOptions("spmm", opts, OPTIONS);
  const a = asCsr(A, "A");
  const b = readMatrix(B, "B");
  if (b.rows !== a.cols) throw new LowrankError("SHAPE", `spmm: A is ${a.rows} x ${a.cols} but B has ${b.rows} rows`);
  const k = b.cols;
  checkSize(a.rows * k, "spmm: the result");
  const nnz = a.data.length;
  const data = withLinalg(o.backend, arenaBytes(nnz + b.data.length + a.rows * k, nnz + a.rows + 1), (ws) => {
    const C = ws.f64(a.rows * k);
    ws.kernels.spmm(a.rows, k, ws.inputI32(a.indptr), ws.inputI32(a.indices), ws.input(a.data), ws.input(b.data), C);
    return ws.output(C);
  });
  return { rows: a.rows, cols: k, data: finiteOrThrow(data, "spmm") };
}

/**
 * Transposed sparse times dense: Aᵀ B for CSR A (m x n) and dense B (m x k),
 * without forming Aᵀ. O(nnz k). Errors as {@link spmm}.
 *
 * @example
 * const C = spmmT(csr, { rows: csr.rows, cols: 3, data }); // csr.cols x 3
 */
export function spmmT(A: CsrMatrix | CsrLike, B: MatrixLike, opts?: BackendOptions): DenseMatrix {
  const o = readOptions("spmmT", opts, OPTIONS);
  const a = asCsr(A, "A");
  const b = readMatrix(B, "B");
  if (b.rows !== a.rows) throw new LowrankError("SHAPE", `spmmT: A is ${a.rows} x ${a.cols} but B has ${b.rows} rows`);
  const k = b.cols;
  checkSize(a.cols * k, "spmmT: the result");
  const nnz = a.data.length;
  const data = withLinalg(o.backend, arenaBytes(nnz + b.data.length + a.cols * k, nnz + a.rows + 1), (ws) => {
    const C = ws.f64(a.cols * k);
    ws.kernels.spmmT(a.rows, a.cols, k, ws.inputI32(a.indptr), ws.inputI32(a.indices), ws.input(a.data), ws.input(b.data), C);
    return ws.output(C);
  });
  return { rows: a.cols, cols: k, data: finiteOrThrow(data, "spmmT") };
}
