// Observed entries: validation of the COO input and the two CSR indexes
// (by row and by column) every method iterates over.
import { LowrankError } from "@lowrank/linalg";

/**
 * Observed entries in coordinate form: value `values[q]` at row `rowIndex[q]`,
 * column `colIndex[q]` of a `rows x cols` matrix. Each position at most once.
 */
export interface Observations {
  rows: number;
  cols: number;
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/**
 * The observations indexed both ways. By row: row i's entries are positions
 * rowPtr[i] .. rowPtr[i+1] of rowCols / rowVals, columns ascending (and
 * rowOf[q] is the row of position q, for COO loops). By column likewise, rows
 * ascending.
 */
export interface RatingIndex {
  rows: number;
  cols: number;
  nnz: number;
  rowPtr: Int32Array;
  rowCols: Int32Array;
  rowVals: Float64Array;
  rowOf: Int32Array;
  colPtr: Int32Array;
  colRows: Int32Array;
  colVals: Float64Array;
  maxRowCount: number;
  maxColCount: number;
}

/** Largest entry count of one wasm32 Float64Array. */
const MAX_ENTRIES = 2 ** 28;

function toI32(a: ArrayLike<number>, name: string): Int32Array {
  if (a instanceof Int32Array) return a;
  if (a == null || typeof a.length !== "number") throw new LowrankError("SHAPE", `${name} must be an Int32Array or an array of integers`);
  const out = new Int32Array(a.length);
  for (let q = 0; q < a.length; q++) {
    const v = a[q];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new LowrankError("INDEX", `${name}[${q}] = ${v} is not a 32-bit integer`);
    out[q] = v;
  }
  return out;
}

function toF64(a: ArrayLike<number>, name: string): Float64Array {
  if (a instanceof Float64Array) return a;
  if (a == null || typeof a.length !== "number") throw new LowrankError("SHAPE", `${name} must be a Float64Array or an array of numbers`);
  return Float64Array.from(a);
}

/**
 * Checks observations and returns them with typed arrays. Errors: SHAPE (bad
 * dims, lengths differ), EMPTY (no entries, or a zero dimension), INDEX (an
 * index negative, fractional or out of range), NON_FINITE, TOO_LARGE. O(nnz).
 *
 * @example
 * checkObservations({ rows: 2, cols: 2, rowIndex: [0, 1], colIndex: [1, 0], values: [5, 3] }, "obs");
 */
export function checkObservations(
  obs: { rows: number; cols: number; rowIndex: ArrayLike<number>; colIndex: ArrayLike<number>; values: ArrayLike<number> },
  name: string,
  opts: { allowEmpty?: boolean } = {},
): Observations {
  if (obs == null || typeof obs !== "object") throw new LowrankError("SHAPE", `${name} must be { rows, cols, rowIndex, colIndex, values }`);
  const { rows, cols } = obs;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new LowrankError("SHAPE", `${name}.rows and ${name}.cols must be non-negative integers, got ${rows} x ${cols}`);
  }
  if (rows === 0 || cols === 0) throw new LowrankError("EMPTY", `${name} describes an empty ${rows} x ${cols} matrix`);
  if (rows > MAX_ENTRIES || cols > MAX_ENTRIES) throw new LowrankError("TOO_LARGE", `${name} is ${rows} x ${cols}; at most ${MAX_ENTRIES} rows and columns`);
  const rowIndex = toI32(obs.rowIndex, `${name}.rowIndex`);
  const colIndex = toI32(obs.colIndex, `${name}.colIndex`);
  const values = toF64(obs.values, `${name}.values`);
  const nnz = values.length;
  if (rowIndex.length !== nnz || colIndex.length !== nnz) {
    throw new LowrankError("SHAPE", `${name}: rowIndex, colIndex and values must have the same length (got ${rowIndex.length}, ${colIndex.length}, ${nnz})`);
  }
  if (nnz === 0 && !opts.allowEmpty) throw new LowrankError("EMPTY", `${name} has no observed entries`);
  if (nnz > MAX_ENTRIES) throw new LowrankError("TOO_LARGE", `${name} has ${nnz} entries; at most ${MAX_ENTRIES} fit in wasm32 memory`);
  for (let q = 0; q < nnz; q++) {
    const i = rowIndex[q], j = colIndex[q], v = values[q];
    if (!(i >= 0 && i < rows)) throw new LowrankError("INDEX", `${name}.rowIndex[${q}] = ${i} is outside [0, ${rows})`);
    if (!(j >= 0 && j < cols)) throw new LowrankError("INDEX", `${name}.colIndex[${q}] = ${j} is outside [0, ${cols})`);
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `${name}.values[${q}] = ${v}; remove NaN/Infinity before calling`);
  }
  return { rows, cols, rowIndex, colIndex, values };
}

/** Counting-sort pointer array: ptr[i] = number of keys < i. */
function pointers(n: number, keys: Int32Array): Int32Array {
  const ptr = new Int32Array(n + 1);
  for (let q = 0; q < keys.length; q++) ptr[keys[q] + 1]++;
  for (let i = 0; i < n; i++) ptr[i + 1] += ptr[i];
  return ptr;
}

/**
 * Builds both CSR indexes of checked observations by two stable counting
 * sorts, and rejects duplicate positions with INDEX (duplicates are not
 * summed: a rating given twice is more likely a data error than a sum).
 * O(nnz + rows + cols).
 *
 * @example
 * const ix = indexObservations(checkObservations(obs, "obs"));
 * ix.rowCols.subarray(ix.rowPtr[0], ix.rowPtr[1]); // columns observed in row 0, ascending
 */
export function indexObservations(obs: Observations): RatingIndex {
  const { rows, cols, rowIndex, colIndex, values } = obs;
  const nnz = values.length;
  // Sort by column first, then stably by row: each row's columns come out ascending.
  const byCol = new Int32Array(nnz);
  const cp = pointers(cols, colIndex);
  const fill = cp.slice(0, cols);
  for (let q = 0; q < nnz; q++) byCol[fill[colIndex[q]]++] = q;
  const rowPtr = pointers(rows, rowIndex);
  const rowCols = new Int32Array(nnz), rowVals = new Float64Array(nnz), rowOf = new Int32Array(nnz);
  const next = rowPtr.slice(0, rows);
  for (let t = 0; t < nnz; t++) {
    const q = byCol[t];
    const i = rowIndex[q];
    const at = next[i]++;
    rowCols[at] = colIndex[q];
    rowVals[at] = values[q];
    rowOf[at] = i;
  }
  let maxRowCount = 0;
  for (let i = 0; i < rows; i++) {
    const s = rowPtr[i], e = rowPtr[i + 1];
    maxRowCount = Math.max(maxRowCount, e - s);
    for (let a = s + 1; a < e; a++) {
      if (rowCols[a] === rowCols[a - 1]) {
        throw new LowrankError("INDEX", `position (${i}, ${rowCols[a]}) is observed more than once; duplicates are rejected, not summed`);
      }
    }
  }
  // Column index from the row index: scanning rows in order keeps each column's rows ascending.
  const colPtr = cp;
  const colRows = new Int32Array(nnz), colVals = new Float64Array(nnz);
  const cnext = colPtr.slice(0, cols);
  let maxColCount = 0;
  for (let j = 0; j < cols; j++) maxColCount = Math.max(maxColCount, colPtr[j + 1] - colPtr[j]);
  for (let a = 0; a < nnz; a++) {
    const at = cnext[rowCols[a]]++;
    colRows[at] = rowOf[a];
    colVals[at] = rowVals[a];
  }
  return { rows, cols, nnz, rowPtr, rowCols, rowVals, rowOf, colPtr, colRows, colVals, maxRowCount, maxColCount };
}
