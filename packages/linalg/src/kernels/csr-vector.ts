// TypeScript twin of assembly/csr-vector.ts: single-vector CSR products of the
// Lanczos SVD, the scattering ones in np pieces of rows summed in a fixed
// order (docs/ARCHITECTURE.md, "Twins" and "Threads"), and the kernel set
// they extend linalg's with for a package whose module exports them.
import { axpyAt, dotAt } from "./blas1.js";
import { gemm } from "./gemm.js";
import type { LinalgKernels } from "./index.js";
import { spmm } from "./sparse.js";

/** First row of piece t of np: the first row i with indptr[i] - indptr[0] >= floor(t nnz / np). O(log rows). */
export function pieceStart(t: number, np: number, rows: number, indptr: Int32Array): number {
  if (t <= 0) return 0;
  if (t >= np) return rows;
  const q0 = indptr[0];
  const target = q0 + Math.floor((t * (indptr[rows] - q0)) / np);
  let lo = 0, hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indptr[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rowDot(q: number, end: number, indices: Int32Array, data: Float64Array, x: Float64Array): number {
  let s0 = 0, s1 = 0;
  for (; q + 1 < end; q += 2) {
    s0 += data[q] * x[indices[q]];
    s1 += data[q + 1] * x[indices[q + 1]];
  }
  if (q < end) s0 += data[q] * x[indices[q]];
  return s0 + s1;
}

function gatherRows(r0: number, r1: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void {
  let q = indptr[r0];
  for (let i = r0; i < r1; i++) {
    const end = indptr[i + 1];
    y[i] = rowDot(q, end, indices, data, x);
    q = end;
  }
}

function scatterRows(
  gram: boolean, r0: number, r1: number, cols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, out: Float64Array,
): void {
  out.fill(0, 0, cols);
  for (let i = r0; i < r1; i++) {
    const q0 = indptr[i], end = indptr[i + 1];
    const t = gram ? rowDot(q0, end, indices, data, x) : x[i];
    if (t !== 0) for (let q = q0; q < end; q++) out[indices[q]] += data[q] * t;
  }
}

function partOf(t: number, cols: number, y: Float64Array, parts: Float64Array): Float64Array {
  return t === 0 ? y : parts.subarray((t - 1) * cols, t * cols);
}

function addParts(c0: number, c1: number, np: number, cols: number, y: Float64Array, parts: Float64Array): void {
  for (let t = 1; t < np; t++) {
    const off = (t - 1) * cols;
    for (let j = c0; j < c1; j++) y[j] += parts[off + j];
  }
}

function scatterProduct(
  gram: boolean, rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array,
): void {
  for (let t = 0; t < np; t++) {
    scatterRows(gram, pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), cols, indptr, indices, data, x, partOf(t, cols, y, parts));
  }
  addParts(0, cols, np, cols, y, parts);
}

/** y (rows) = A x for CSR A. O(nnz + rows). */
export function csrMatvec(rows: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void {
  gatherRows(0, rows, indptr, indices, data, x, y);
}

/** y (cols) = Aᵀ x for CSR A in np pieces (parts: (np - 1) cols scratch). O(nnz + rows + np cols). */
export function csrMatvecT(
  rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array,
): void {
  scatterProduct(false, rows, cols, np, indptr, indices, data, x, y, parts);
}

/** y (cols) = Aᵀ (A x) in one pass over A, in np pieces (as csrMatvecT). O(nnz + rows + np cols). */
export function csrGramMatvec(
  rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array,
): void {
  scatterProduct(true, rows, cols, np, indptr, indices, data, x, y, parts);
}

/**
 * The arguments of one task, as the WASM job block holds them (mode: 0 A x,
 * 1 Aᵀ x, 2 Aᵀ A x, 3 the sum, 4 A X with cols columns; 5 / 6 gemv of the
 * dense G, row stride np, with alpha and beta; 7 / 8 / 9 the transpose's
 * counts, positions and fill (counts np x cols, the transpose's tIndptr,
 * tIndices, tData); 10 Gram-Schmidt coefficients of a column piece of G; 11
 * the Gram of a row piece of G (rows x cols); 12 the largest and smallest
 * nonzero magnitude of a piece of data (rows entries) into parts[2 t], parts[2 t + 1]).
 */
export interface CsrJob {
  mode: number; rows: number; cols: number; np: number; chunk: number;
  indptr: Int32Array; indices: Int32Array; data: Float64Array; x: Float64Array; y: Float64Array; parts: Float64Array;
  G?: Float64Array; alpha?: number; beta?: number;
  counts?: Int32Array; tIndptr?: Int32Array; tIndices?: Int32Array; tData?: Float64Array;
}

/** out[at] = max |x_i|, out[at + 1] = min over x_i != 0 of |x_i| (infinity when none) for i in [i0, i1). */
export function valueRange(x: Float64Array, i0: number, i1: number, out: Float64Array, at: number): void {
  let hi = 0, lo = Infinity;
  for (let i = i0; i < i1; i++) {
    const a = Math.abs(x[i]);
    if (a > hi) hi = a;
    if (a !== 0 && a < lo) lo = a;
  }
  out[at] = hi;
  out[at + 1] = lo;
}

/** counts[c] = nonzeros of rows [r0, r1) in column c. */
function transposeCount(r0: number, r1: number, cols: number, indptr: Int32Array, indices: Int32Array, counts: Int32Array): void {
  counts.fill(0, 0, cols);
  for (let q = indptr[r0], end = indptr[r1]; q < end; q++) counts[indices[q]]++;
}

/** The np pieces' counts (np x cols) made into each piece's first position in each column of the transpose, whose indptr they give. */
function transposeStarts(np: number, cols: number, counts: Int32Array, tIndptr: Int32Array): void {
  let s = 0;
  tIndptr[0] = 0;
  for (let c = 0; c < cols; c++) {
    for (let t = 0; t < np; t++) {
      const n = counts[t * cols + c];
      counts[t * cols + c] = s;
      s += n;
    }
    tIndptr[c + 1] = s;
  }
}

/** Rows [r0, r1) written into the transpose at the running positions next[off + column]. */
function transposeFill(
  r0: number, r1: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, next: Int32Array, off: number, tIndices: Int32Array, tData: Float64Array,
): void {
  for (let i = r0; i < r1; i++) {
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const at = next[off + indices[q]]++;
      tIndices[at] = i;
      tData[at] = data[q];
    }
  }
}

/** Rows [r0, r1) of y = alpha G x + beta y (G row stride lda), each row's dot product in the SIMD kernel's order. */
function gemvRows(r0: number, r1: number, n: number, alpha: number, G: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array): void {
  for (let i = r0; i < r1; i++) {
    const d = alpha * dotAt(n, G, i * lda, x, 0);
    y[i] = beta === 0 ? d : beta * y[i] + d;
  }
}

/** Columns [c0, c1) of y = alpha Gᵀ x + beta y (G m x ·, row stride lda). */
function gemvCols(c0: number, c1: number, m: number, alpha: number, G: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array): void {
  for (let j = c0; j < c1; j++) y[j] = beta === 0 ? 0 : beta === 1 ? y[j] : beta * y[j];
  for (let i = 0; i < m; i++) {
    const xi = alpha * x[i];
    if (xi !== 0) axpyAt(c1 - c0, xi, G, i * lda + c0, y, c0);
  }
}

/** Task t of a CSR product job (the twin of csrTask). O(the piece's nonzeros + cols), or O(np chunk) for mode 3. */
export function csrTask(job: CsrJob, t: number): void {
  const { mode, rows, cols, np, chunk, indptr, indices, data, x, y, parts } = job;
  if (mode === 0) {
    gatherRows(pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), indptr, indices, data, x, y);
  } else if (mode === 3) {
    const c0 = t * chunk;
    if (c0 < cols) addParts(c0, Math.min(cols, c0 + chunk), np, cols, y, parts);
  } else if (mode === 5 || mode === 6) {
    const c0 = t * chunk, G = job.G!, alpha = job.alpha!, beta = job.beta!;
    if (mode === 5 && c0 < rows) gemvRows(c0, Math.min(rows, c0 + chunk), cols, alpha, G, np, x, beta, y);
    if (mode === 6 && c0 < cols) gemvCols(c0, Math.min(cols, c0 + chunk), rows, alpha, G, np, x, beta, y);
  } else if (mode === 4) {
    const r0 = pieceStart(t, np, rows, indptr), r1 = pieceStart(t + 1, np, rows, indptr);
    if (r1 > r0) spmm(r1 - r0, cols, indptr.subarray(r0), indices, data, x, y.subarray(r0 * cols));
  } else if (mode === 7 || mode === 9) {
    if (t >= np) return;
    const r0 = pieceStart(t, np, rows, indptr), r1 = pieceStart(t + 1, np, rows, indptr);
    if (mode === 7) transposeCount(r0, r1, cols, indptr, indices, job.counts!.subarray(t * cols));
    else transposeFill(r0, r1, indptr, indices, data, job.counts!, t * cols, job.tIndices!, job.tData!);
  } else if (mode === 8) {
    if (t === 0) transposeStarts(np, cols, job.counts!, job.tIndptr!);
  } else if (mode === 10) {
    const c0 = t * chunk, G = job.G!;
    if (c0 < cols) for (let i = 0; i < rows; i++) parts[t * rows + i] = dotAt(Math.min(chunk, cols - c0), G, i * np + c0, x, c0);
  } else if (mode === 11) {
    const r0 = t * chunk, G = job.G!;
    if (r0 < rows) gemm(true, false, cols, cols, Math.min(chunk, rows - r0), 1, G.subarray(r0 * cols), cols, G.subarray(r0 * cols), cols, 0, parts.subarray(t * cols * cols), cols);
  } else if (mode === 12) {
    const q0 = t * chunk;
    if (q0 < rows) valueRange(data, q0, Math.min(rows, q0 + chunk), parts, 2 * t);
  } else if (t < np) {
    scatterRows(mode === 2, pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), cols, indptr, indices, data, x, partOf(t, cols, y, parts));
  }
}

/**
 * The single-vector CSR products a Lanczos run needs on top of linalg's
 * kernels (assembly/csr-vector.ts; a module that has them exports them from
 * its assembly/index.ts). Views as LinalgKernels'.
 */
export interface CsrVectorKernels {
  /** y (rows) = A x for CSR A, one vector (spmm with k = 1 pays a call per nonzero). O(nnz + rows). */
  csrMatvec(rows: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void;
  /**
   * y (cols) = Aᵀ x for CSR A (rows x cols), one vector, the rows cut into np
   * pieces of about equal nonzeros, each scattered into its own vector (y, then
   * parts: (np - 1) cols scratch) and the pieces summed in order: the bits
   * depend on np, never on the threads that ran the pieces. O(nnz + rows + np cols).
   */
  csrMatvecT(rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array): void;
  /** y (cols) = Aᵀ (A x) for CSR A (rows x cols) in one pass over A: each row's dot product with x, then the row scattered scaled by it, in np pieces as csrMatvecT. O(nnz + rows + np cols). */
  csrGramMatvec(rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array): void;
  /**
   * Set by withParallelCsr (threads-csr.ts) where the pool splits them; the
   * Lanczos code runs the same pieces in loops otherwise (lanczos-pool.ts).
   * gemvPieces: parts[t rows + i] = row i of G (row stride ldg) times x over
   * the coordinates [t chunk, (t + 1) chunk) of cols, one dot per row.
   */
  gemvPieces?(rows: number, cols: number, chunk: number, G: Float64Array, ldg: number, x: Float64Array, parts: Float64Array): void;
  /** csrGramMatvec with `meanwhile` run on this thread while the pool makes the pieces (it must not touch x, y or parts); threaded instances only. */
  csrGramMatvecWith?(
    rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array,
    meanwhile: () => void,
  ): void;
  /** parts[t] (cols x cols) = W_tᵀ W_t for the row pieces W_t = rows [t chunk, (t + 1) chunk) of W (rows x cols), each one gemm. */
  gramPieces?(rows: number, cols: number, chunk: number, W: Float64Array, parts: Float64Array): void;
  /** [the largest |x_i|, the smallest nonzero |x_i| (infinity when none)] over the first n entries of x. */
  valueRange?(n: number, x: Float64Array): [number, number];
  /**
   * The transpose of A (rows x cols) into tIndptr (cols + 1), tIndices and
   * tData, in np pieces of rows (counts: np cols scratch); the same transpose
   * for any np. `values`, when given, fills `data` first (on the pool, while
   * the pieces count the structure).
   */
  csrTranspose?(
    rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array,
    tIndptr: Int32Array, tIndices: Int32Array, tData: Float64Array, counts: Int32Array, values?: () => void,
  ): void;
}

/** The kernel set a Lanczos SVD runs on: linalg's and the CSR products. */
export type LanczosKernels = LinalgKernels & CsrVectorKernels;

/** The twins of the CSR products, to spread into a package's plain-TypeScript kernel set. */
export const jsCsrVectorKernels: CsrVectorKernels = { csrMatvec, csrMatvecT, csrGramMatvec };
