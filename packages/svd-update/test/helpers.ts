import { Rng, svd, type CsrMatrix, type DenseMatrix, type WasmVariant } from "@lowrank/linalg";
import { wasmVariants } from "@lowrank/test-utils";
export { expectCode, randn, relDiff } from "@lowrank/test-utils";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = wasmVariants();

/** A B (or A Bᵀ) by definition. */
export function product(A: DenseMatrix, B: DenseMatrix, tB = false): DenseMatrix {
  const m = A.rows, k = A.cols, n = tB ? B.rows : B.cols;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A.data[i * k + p] * (tB ? B.data[j * B.cols + p] : B.data[p * B.cols + j]);
      out[i * n + j] = s;
    }
  return { rows: m, cols: n, data: out };
}

/** Rows [r0, r1) of a dense matrix. */
export function rowsOf(A: DenseMatrix, r0: number, r1: number): DenseMatrix {
  return { rows: r1 - r0, cols: A.cols, data: A.data.slice(r0 * A.cols, r1 * A.cols) };
}

/** Columns [c0, c1) of a dense matrix. */
export function colsOf(A: DenseMatrix, c0: number, c1: number): DenseMatrix {
  const w = c1 - c0, out = new Float64Array(A.rows * w);
  for (let i = 0; i < A.rows; i++) out.set(A.data.subarray(i * A.cols + c0, i * A.cols + c1), i * w);
  return { rows: A.rows, cols: w, data: out };
}

/** Dense to CSR (zeros dropped). */
export function csr(A: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(A.rows + 1), idx: number[] = [], val: number[] = [];
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) {
      const v = A.data[i * A.cols + j];
      if (v !== 0) {
        idx.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return { rows: A.rows, cols: A.cols, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) };
}

/** CSR to dense. */
export function dense(A: CsrMatrix): DenseMatrix {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) out[i * A.cols + A.indices[q]] += A.data[q];
  return { rows: A.rows, cols: A.cols, data: out };
}

/** A seeded sparse matrix with the given density, entries standard normal. */
export function sparseRandom(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const D = new Float64Array(rows * cols);
  for (let i = 0; i < D.length; i++) if (rng.uniform() < density) D[i] = rng.normal();
  return csr({ rows, cols, data: D });
}

/** U diag(s) Vᵀ. */
export function usv(U: DenseMatrix, s: ArrayLike<number>, V: DenseMatrix): DenseMatrix {
  const k = U.cols, US = new Float64Array(U.data.length);
  for (let i = 0; i < U.rows; i++) for (let j = 0; j < k; j++) US[i * k + j] = U.data[i * k + j] * s[j];
  return product({ rows: U.rows, cols: k, data: US }, V, true);
}

/** max |QᵀQ - I|. */
export function orthError(Q: DenseMatrix): number {
  const G = product({ rows: Q.cols, cols: Q.rows, data: transpose(Q).data }, Q);
  let e = 0;
  for (let i = 0; i < Q.cols; i++) for (let j = 0; j < Q.cols; j++) e = Math.max(e, Math.abs(G.data[i * Q.cols + j] - (i === j ? 1 : 0)));
  return e;
}

export function transpose(A: DenseMatrix): DenseMatrix {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
}

/** The k leading singular values of a dense matrix (linalg's Jacobi SVD, js backend). */
export function exactValues(A: DenseMatrix, k: number): Float64Array {
  return svd(A, { backend: "js", k }).s;
}
