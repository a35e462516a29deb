// Observed entries: validation of the COO input and the two CSR indexes
// (by row and by column) every method iterates over.
import { asF64, asIndices, checkDim, LowrankError } from "@lowrank/linalg";

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

/** What the entry points accept as observations: index arrays of any numeric type (checked integral and in range), values of any numeric type. */
export interface ObservationsInput {
  rows: number;
  cols: number;
  rowIndex: ArrayLike<number>;
  colIndex: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Largest magnitude of an observed value `complete` fits: the squared errors
 * it sums (the training loss, the RMSEs in `history`) must stay finite for
 * any number of observations a run can hold (2^29 * (2 * 1e140)^2 < 1e300).
 */
export const VALUE_LIMIT = 1e140;

const FIELDS = ["rows", "cols", "rowIndex", "colIndex", "values"] as const;

/**
 * Checks observations and returns them with typed arrays (no copy of arrays
 * that already are Int32Array / Float64Array). Errors: INVALID_ARGUMENT (not
 * an object with rows, cols, rowIndex, colIndex, values; arrays of the wrong
 * kind, BigInt arrays), SHAPE (bad dims, lengths differ), EMPTY (no entries
 * unless allowEmpty, or a zero dimension), INDEX (an index negative,
 * fractional or out of range, whatever its array type), NON_FINITE,
 * TOO_LARGE (dims or lengths past 2^29; with `limit`, a value beyond
 * VALUE_LIMIT). O(nnz).
 *
 * @example
 * checkObservations({ rows: 2, cols: 2, rowIndex: [0, 1], colIndex: [1, 0], values: [5, 3] }, "obs");
 */
export function checkObservations(obs: unknown, name: string, opts: { allowEmpty?: boolean; limit?: boolean } = {}): Observations {
  if (obs === null || typeof obs !== "object" || Array.isArray(obs) || ArrayBuffer.isView(obs)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be { rows, cols, rowIndex, colIndex, values }, got ${obs === null ? "null" : Array.isArray(obs) ? "an array" : typeof obs}`);
  }
  const o = obs as Record<string, unknown>;
  for (const f of FIELDS) {
    if (!(f in o)) throw new LowrankError("INVALID_ARGUMENT", `${name} has no ${f}; observations are { rows, cols, rowIndex, colIndex, values }`);
  }
  const rows = checkDim(o.rows, `${name}.rows`);
  const cols = checkDim(o.cols, `${name}.cols`);
  if (rows === 0 || cols === 0) throw new LowrankError("EMPTY", `${name} describes an empty ${rows} x ${cols} matrix`);
  const rowIndex = asIndices(o.rowIndex, `${name}.rowIndex`, rows);
  const colIndex = asIndices(o.colIndex, `${name}.colIndex`, cols);
  const values = asF64(o.values, `${name}.values`);
  const nnz = values.length;
  if (rowIndex.length !== nnz || colIndex.length !== nnz) {
    throw new LowrankError("SHAPE", `${name}: rowIndex, colIndex and values must have the same length (got ${rowIndex.length}, ${colIndex.length}, ${nnz})`);
  }
  if (nnz === 0 && !opts.allowEmpty) throw new LowrankError("EMPTY", `${name} has no observed entries`);
  if (opts.limit) {
    for (let q = 0; q < nnz; q++) {
      if (Math.abs(values[q]) > VALUE_LIMIT) {
        throw new LowrankError("TOO_LARGE", `${name}.values[${q}] = ${values[q]}: complete fits values up to ${VALUE_LIMIT} in magnitude (their squared errors must stay finite); rescale the data`);
      }
    }
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
