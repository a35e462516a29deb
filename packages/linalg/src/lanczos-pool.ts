// The Lanczos SVD's dense work in fixed pieces (docs/ARCHITECTURE.md,
// "Threads"): Gram-Schmidt's coefficients h = V w as partial sums over pieces
// of coordinates, CholeskyQR's Gram WᵀW as partial Grams over pieces of rows,
// each partial added in piece order, and the transpose of the input written
// into the run's workspace. The pieces depend on the sizes only, never on the
// thread count; a kernel set split over the pool (withParallelCsr,
// threads-csr.ts) computes each piece with the same kernel call as the loops
// here, so a run has the same bits on one thread as on any number.
import type { LanczosKernels } from "./kernels/csr-vector.js";
import { csrTask } from "./kernels/csr-vector.js";
import type { CsrMatrix } from "./types.js";
import type { Workspace } from "./workspace.js";

/** Coordinates per piece of Gram-Schmidt's coefficients: at least this many (a multiple of 4, the SIMD lanes), at most COEF_MAX pieces. */
const COEF_MIN = 512, COEF_MAX = 64;
/** Rows per piece of CholeskyQR's Gram: at least this many, at most GRAM_MAX pieces, and their partial Grams at most GRAM_DOUBLES doubles in all. */
const GRAM_MIN = 256, GRAM_MAX = 32, GRAM_DOUBLES = 1 << 19;
/** Nonzeros per piece of a transpose split over the pool, and the most pieces. */
const TRANSPOSE_NNZ = 1 << 15, TRANSPOSE_MAX = 8;

/** A partition of `len` items into `count` pieces of `chunk` (the last shorter). */
export interface Pieces {
  chunk: number;
  count: number;
}

/** Pieces of coordinates for Gram-Schmidt over vectors of length n. O(1). */
export function coefPieces(n: number): Pieces {
  const chunk = Math.max(COEF_MIN, 4 * Math.ceil(n / (4 * COEF_MAX)));
  return { chunk, count: Math.max(1, Math.ceil(n / chunk)) };
}

/** Pieces of rows for the Gram of an m x k block. O(1). */
export function gramPieces(m: number, k: number): Pieces {
  const most = Math.max(1, Math.min(GRAM_MAX, Math.floor(GRAM_DOUBLES / Math.max(1, k * k))));
  const chunk = Math.max(GRAM_MIN, Math.ceil(m / most));
  return { chunk, count: Math.max(1, Math.ceil(m / chunk)) };
}

/** Pieces of rows (about equal nonzeros) of a transpose split over the pool; the transpose is the same for any count. O(1). */
export function transposePieces(nnz: number): number {
  return Math.max(1, Math.min(TRANSPOSE_MAX, Math.ceil(nnz / TRANSPOSE_NNZ)));
}

/**
 * h (j) = G w for the first j rows of G (row stride ldg, length n), summed
 * as partial products over coefPieces(n) pieces of coordinates (each one
 * gemv per piece, into `parts`, at least count j doubles) added in piece
 * order. O(j n).
 */
export function pieceCoefs(K: LanczosKernels, j: number, n: number, G: Float64Array, ldg: number, w: Float64Array, h: Float64Array, parts: Float64Array): void {
  const { chunk, count } = coefPieces(n);
  if (count === 1) return K.gemv(false, j, n, 1, G, ldg, w, 0, h);
  if (K.gemvPieces) K.gemvPieces(j, n, chunk, G, ldg, w, parts);
  else for (let t = 0; t < count; t++) {
    const c0 = t * chunk;
    K.gemv(false, j, Math.min(chunk, n - c0), 1, G.subarray(c0), ldg, w.subarray(c0), 0, parts.subarray(t * j, (t + 1) * j));
  }
  addPieces(count, j, parts, h);
}

/** G (k x k) = Wᵀ W for W m x k, as partial Grams over gramPieces(m, k) row pieces (into `parts`: count k² doubles) added in piece order. O(m k²). */
export function pieceGram(K: LanczosKernels, m: number, k: number, W: Float64Array, G: Float64Array, parts: Float64Array): void {
  const { chunk, count } = gramPieces(m, k);
  if (count === 1) return K.gemm(true, false, k, k, m, 1, W, k, W, k, 0, G, k);
  if (K.gramPieces) K.gramPieces(m, k, chunk, W, parts);
  else for (let t = 0; t < count; t++) {
    const r0 = t * chunk, Wt = W.subarray(r0 * k);
    K.gemm(true, false, k, k, Math.min(chunk, m - r0), 1, Wt, k, Wt, k, 0, parts.subarray(t * k * k, (t + 1) * k * k), k);
  }
  addPieces(count, k * k, parts, G);
}

/** out (len) = parts[0] + parts[1] + ... (left to right; each part len doubles). O(count len). */
function addPieces(count: number, len: number, parts: Float64Array, out: Float64Array): void {
  for (let i = 0; i < len; i++) out[i] = parts[i];
  for (let t = 1; t < count; t++) {
    const off = t * len;
    for (let i = 0; i < len; i++) out[i] += parts[off + i];
  }
}

/** Doubles of `parts` pieceCoefs needs for up to j rows. */
export function coefPartsSize(j: number, n: number): number {
  const { count } = coefPieces(n);
  return count > 1 ? count * j : 0;
}

/** Doubles of `parts` pieceGram needs. */
export function gramPartsSize(m: number, k: number): number {
  const { count } = gramPieces(m, k);
  return count > 1 ? count * k * k : 0;
}

/** The transposed CSR arrays of a rows x cols matrix (cols + 1, nnz, nnz). */
export interface CsrArrays {
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/**
 * Aᵀ (A rows x cols) into `out`, views of ws, with its values written by
 * `values` (given a view of nnz doubles to fill from A's): on the pool when
 * the kernel set splits it (csrTranspose; A first copied into ws, freed
 * after; `values` runs while the pool counts the structure), else in one pass
 * here (the twin's code, as one piece). Either way the transpose of
 * csr-transpose.ts. O(nnz + rows + cols).
 */
export function transposeInto(ws: Workspace<LanczosKernels>, A: CsrMatrix, values: (x: Float64Array) => void, out: CsrArrays): void {
  const K = ws.kernels, rows = A.rows, cols = A.cols, nnz = A.indptr[rows];
  if (K.csrTranspose) {
    const np = transposePieces(nnz);
    ws.scoped(() => {
      const indptr = ws.i32(rows + 1), indices = ws.scratchI32(nnz), vals = ws.scratch(nnz), counts = ws.scratchI32(np * cols);
      indptr.set(A.indptr.subarray(0, rows + 1));
      indices.set(A.indices.subarray(0, nnz));
      K.csrTranspose!(rows, cols, np, indptr, indices, vals, out.indptr, out.indices, out.data, counts, () => values(vals));
    });
    return;
  }
  const counts = new Int32Array(cols), none = new Float64Array(0), data = new Float64Array(nnz);
  values(data);
  const job = { mode: 7, rows, cols, np: 1, chunk: 0, indptr: A.indptr, indices: A.indices, data, x: none, y: none, parts: none, counts, tIndptr: out.indptr, tIndices: out.indices, tData: out.data };
  for (const mode of [7, 8, 9]) csrTask({ ...job, mode }, 0);
}
