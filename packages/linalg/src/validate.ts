import { LowrankError } from "./errors.js";
import type { CsrMatrix, DenseMatrix } from "./types.js";

/** Largest entry count a single Float64Array may have in wasm32 memory (4 GiB / 8). */
const MAX_F64 = 2 ** 29;

function isDim(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0;
}

/** Throws NON_FINITE naming the first NaN or Infinity in `data`. O(n). */
export function checkFinite(data: ArrayLike<number>, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      throw new LowrankError("NON_FINITE", `${name} has ${v} at flat index ${i}; remove NaN/Infinity before calling`);
    }
  }
}

/** A Float64Array of the given values (no copy when it already is one). */
export function toF64(data: ArrayLike<number>, name: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data == null || typeof (data as ArrayLike<number>).length !== "number") {
    throw new LowrankError("SHAPE", `${name} must be a Float64Array or an array of numbers`);
  }
  return Float64Array.from(data);
}

/**
 * Checks a dense matrix's shape fields and entries and returns it with
 * Float64Array data. Errors: SHAPE (bad dims or data length), EMPTY (a zero
 * dimension, unless allowEmpty), NON_FINITE, TOO_LARGE (over wasm32 memory).
 */
export function checkDense(A: DenseMatrix, name: string, opts: { allowEmpty?: boolean } = {}): DenseMatrix {
  if (A == null || typeof A !== "object") throw new LowrankError("SHAPE", `${name} must be { rows, cols, data }`);
  if (!isDim(A.rows) || !isDim(A.cols)) {
    throw new LowrankError("SHAPE", `${name}.rows and ${name}.cols must be non-negative integers, got ${A.rows} x ${A.cols}`);
  }
  if (!opts.allowEmpty && (A.rows === 0 || A.cols === 0)) {
    throw new LowrankError("EMPTY", `${name} is empty (${A.rows} x ${A.cols})`);
  }
  if (A.rows * A.cols > MAX_F64) {
    throw new LowrankError("TOO_LARGE", `${name} has ${A.rows * A.cols} entries; wasm32 memory holds at most ${MAX_F64} doubles`);
  }
  const data = toF64(A.data, `${name}.data`);
  if (data.length !== A.rows * A.cols) {
    throw new LowrankError("SHAPE", `${name}.data has ${data.length} entries, expected rows * cols = ${A.rows * A.cols}`);
  }
  checkFinite(data, name);
  return data === A.data ? A : { rows: A.rows, cols: A.cols, data };
}

/** Checks a vector's length and entries; returns it as a Float64Array. */
export function checkVector(x: ArrayLike<number>, name: string, length?: number): Float64Array {
  const v = toF64(x, name);
  if (length !== undefined && v.length !== length) {
    throw new LowrankError("SHAPE", `${name} has length ${v.length}, expected ${length}`);
  }
  if (v.length === 0) throw new LowrankError("EMPTY", `${name} is empty`);
  if (v.length > MAX_F64) throw new LowrankError("TOO_LARGE", `${name} has ${v.length} entries; wasm32 memory holds at most ${MAX_F64} doubles`);
  checkFinite(v, name);
  return v;
}

/**
 * Checks a CSR matrix: indptr monotone from 0 to nnz, column indices in range,
 * finite values. Errors: SHAPE, INDEX, NON_FINITE, EMPTY, TOO_LARGE. O(rows + nnz).
 */
export function checkCsr(A: CsrMatrix, name: string): CsrMatrix {
  if (A == null || typeof A !== "object") throw new LowrankError("SHAPE", `${name} must be { rows, cols, indptr, indices, data }`);
  if (!isDim(A.rows) || !isDim(A.cols)) throw new LowrankError("SHAPE", `${name}.rows/cols must be non-negative integers`);
  if (A.rows === 0 || A.cols === 0) throw new LowrankError("EMPTY", `${name} is empty (${A.rows} x ${A.cols})`);
  const indptr = A.indptr instanceof Int32Array ? A.indptr : Int32Array.from(A.indptr ?? []);
  const indices = A.indices instanceof Int32Array ? A.indices : Int32Array.from(A.indices ?? []);
  const data = toF64(A.data, `${name}.data`);
  if (indptr.length !== A.rows + 1) throw new LowrankError("SHAPE", `${name}.indptr has length ${indptr.length}, expected rows + 1 = ${A.rows + 1}`);
  const nnz = indptr[A.rows];
  if (indptr[0] !== 0 || indices.length !== nnz || data.length !== nnz) {
    throw new LowrankError("SHAPE", `${name}: indptr must run from 0 to nnz and indices/data have nnz = ${nnz} entries (got ${indices.length}, ${data.length})`);
  }
  if (nnz > MAX_F64) throw new LowrankError("TOO_LARGE", `${name} has ${nnz} nonzeros; too many for wasm32 memory`);
  for (let i = 0; i < A.rows; i++) {
    if (indptr[i + 1] < indptr[i]) throw new LowrankError("SHAPE", `${name}.indptr decreases at row ${i}`);
  }
  for (let q = 0; q < nnz; q++) {
    const j = indices[q];
    if (!(j >= 0 && j < A.cols)) throw new LowrankError("INDEX", `${name}.indices[${q}] = ${j} is outside [0, ${A.cols})`);
  }
  checkFinite(data, name);
  if (indptr === A.indptr && indices === A.indices && data === A.data) return A;
  return { rows: A.rows, cols: A.cols, indptr, indices, data };
}
