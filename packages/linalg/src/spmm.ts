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
  return sparseProduct("spmm", A, B, opts);
}

/**
 * Transposed sparse times dense: Aᵀ B for CSR A (m x n) and dense B (m x k),
 * without forming Aᵀ. O(nnz k). Errors as {@link spmm}.
 *
 * @example
 * const C = spmmT(csr, { rows: csr.rows, cols: 3, data }); // csr.cols x 3
 */
export function spmmT(A: CsrMatrix | CsrLike, B: MatrixLike, opts?: BackendOptions): DenseMatrix {
  return sparseProduct("spmmT", A, B, opts);
}

/** spmm (A B, B with A.cols rows) or spmmT (Aᵀ B, B with A.rows rows): reading, checks, the kernel call. O(nnz k). */
function sparseProduct(fn: "spmm" | "spmmT", A: CsrMatrix | CsrLike, B: MatrixLike, opts?: BackendOptions): DenseMatrix {
  const o = readOptions(fn, opts, OPTIONS);
  const a = asCsr(A, "A");
  const b = readMatrix(B, "B");
  const transposed = fn === "spmmT";
  const inner = transposed ? a.rows : a.cols, rows = transposed ? a.cols : a.rows;
  if (b.rows !== inner) throw new LowrankError("SHAPE", `${fn}: A is ${a.rows} x ${a.cols} but B has ${b.rows} rows`);
  const k = b.cols;
  checkSize(rows * k, `${fn}: the result`);
  const nnz = a.data.length;
  const data = withLinalg(o.backend, arenaBytes(nnz + b.data.length + rows * k, nnz + a.rows + 1), (ws) => {
    const C = ws.scratch(rows * k); // the kernels clear C first
    const indptr = ws.inputI32(a.indptr), indices = ws.inputI32(a.indices), values = ws.input(a.data), Bv = ws.input(b.data);
    if (transposed) ws.kernels.spmmT(a.rows, a.cols, k, indptr, indices, values, Bv, C);
    else ws.kernels.spmm(a.rows, k, indptr, indices, values, Bv, C);
    return ws.output(C);
  });
  return { rows, cols: k, data: finiteOrThrow(data, fn) };
}
