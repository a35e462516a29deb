/** Dense matrix, row-major: entry (i, j) is `data[i * cols + j]`. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Sparse matrix in compressed sparse row form; column indices within a row need not be sorted. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Dense tensor in C order (last index fastest). */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

/** Which kernel set runs: the WebAssembly module (default) or the plain-TypeScript reference. */
export type Backend = "wasm" | "js";

/** The two WebAssembly binaries every package ships. */
export type WasmVariant = "simd" | "relaxed-simd";

/** Options every entry point accepts. */
export interface BackendOptions {
  backend?: Backend;
}

/**
 * Any matrix form the entry points accept (see `asMatrix`): our
 * `{ rows, cols, data }` (data any numeric array), `number[][]`, an ml-matrix
 * `Matrix`, or a 2-D ndarray-like (strides honoured).
 */
export type MatrixLike =
  | DenseMatrix
  | { rows: number; cols: number; data: ArrayLike<number> }
  | ArrayLike<number>[]
  | { rows: number; columns: number; get(i: number, j: number): number }
  | { shape: ArrayLike<number>; stride?: ArrayLike<number>; offset?: number; data: ArrayLike<number> };

/** Any vector form the entry points accept (see `asVector`): number[], a numeric typed array, or a 1-D ndarray-like. */
export type VectorLike = ArrayLike<number> | { shape: ArrayLike<number>; stride?: ArrayLike<number>; offset?: number; data: ArrayLike<number> };

/** A CSR matrix whose arrays may be any numeric arrays (checked and converted by `asCsr`). */
export interface CsrLike {
  rows: number;
  cols: number;
  indptr: ArrayLike<number>;
  indices: ArrayLike<number>;
  data: ArrayLike<number>;
}
