// Converting and checking the matrices users pass in: dense or CSR, always
// turned into CSR whose rows are the vectors an update adds.
import { checkCsr, checkDense, isCsr, LowrankError, type CsrMatrix, type DenseMatrix } from "@lowrank/linalg";

/** A dense or CSR matrix, checked and returned as CSR (dense zeros dropped). Errors: SHAPE, EMPTY, NON_FINITE, INDEX, TOO_LARGE. O(size). */
export function toCsr(A: CsrMatrix | DenseMatrix, name: string): CsrMatrix {
  if (A != null && typeof A === "object" && isCsr(A)) return checkCsr(A, name);
  const D = checkDense(A as DenseMatrix, name);
  const indptr = new Int32Array(D.rows + 1);
  let nnz = 0;
  for (let i = 0; i < D.data.length; i++) if (D.data[i] !== 0) nnz++;
  const indices = new Int32Array(nnz), data = new Float64Array(nnz);
  let q = 0;
  for (let i = 0; i < D.rows; i++) {
    for (let j = 0; j < D.cols; j++) {
      const v = D.data[i * D.cols + j];
      if (v !== 0) {
        indices[q] = j;
        data[q++] = v;
      }
    }
    indptr[i + 1] = q;
  }
  return { rows: D.rows, cols: D.cols, indptr, indices, data };
}

/**
 * A dense matrix checked and converted as by toCsr; a CSR matrix checked only
 * for what O(1) reveals (shape, array types and lengths, indptr's ends). The
 * caller must run the O(nnz) checks (indptr order, index range, finite
 * values) before using the entries: EvolvingSvd.addRows does so in the kernel
 * csrSupport. Errors: SHAPE, EMPTY, NON_FINITE (dense), TOO_LARGE. O(1) for CSR.
 */
export function toCsrShape(A: CsrMatrix | DenseMatrix, name: string): CsrMatrix {
  if (A == null || typeof A !== "object" || !isCsr(A)) return toCsr(A, name);
  const dim = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (!dim(A.rows) || !dim(A.cols)) throw new LowrankError("SHAPE", `${name}.rows/cols must be non-negative integers`);
  if (A.rows === 0 || A.cols === 0) throw new LowrankError("EMPTY", `${name} is empty (${A.rows} x ${A.cols})`);
  // Anything else (plain arrays, other typed arrays) takes the full check and conversion.
  if (!(A.indptr instanceof Int32Array && A.indices instanceof Int32Array && A.data instanceof Float64Array)) return checkCsr(A, name);
  if (A.indptr.length !== A.rows + 1) throw new LowrankError("SHAPE", `${name}.indptr has length ${A.indptr.length}, expected rows + 1 = ${A.rows + 1}`);
  const nnz = A.indptr[A.rows];
  if (A.indptr[0] !== 0 || A.indices.length !== nnz || A.data.length !== nnz) {
    throw new LowrankError("SHAPE", `${name}: indptr must run from 0 to nnz and indices/data have nnz = ${nnz} entries (got ${A.indices.length}, ${A.data.length})`);
  }
  if (nnz > 2 ** 28) throw new LowrankError("TOO_LARGE", `${name} has ${nnz} nonzeros; too many for wasm32 memory`);
  return A;
}

/** Aᵀ in CSR (the columns of A as rows). O(nnz + rows + cols). */
export function transposeCsr(A: CsrMatrix): CsrMatrix {
  const nnz = A.indptr[A.rows];
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

/** Checks an integer option in [lo, hi]. */
export function intOption(v: unknown, name: string, lo: number, hi: number, code: "RANK" | "INVALID_ARGUMENT" = "INVALID_ARGUMENT"): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new LowrankError(code, `${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}

/** Checks a finite number option >= lo. */
export function numberOption(v: unknown, name: string, lo: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a finite number >= ${lo}, got ${String(v)}`);
  }
  return v;
}
