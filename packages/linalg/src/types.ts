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
