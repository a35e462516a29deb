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
  const q = opts.limit ? firstBeyond(values, VALUE_LIMIT) : -1;
  if (q >= 0) {
    throw new LowrankError("TOO_LARGE", `${name}.values[${q}] = ${values[q]}: complete fits values up to ${VALUE_LIMIT} in magnitude (their squared errors must stay finite); rescale the data`);
  }
  return { rows, cols, rowIndex, colIndex, values };
}

// The O(nnz) passes below are each a small function of one loop: on a first large call V8 compiles a hot loop
// on the fly (on-stack replacement), and the cost of that compile grows with the function around the loop.

/** The first q with |values[q]| > limit, or -1. O(nnz). */
function firstBeyond(values: Float64Array, limit: number): number {
  for (let q = 0; q < values.length; q++) if (Math.abs(values[q]) > limit) return q;
  return -1;
}

/** The smallest and largest value ([Infinity, -Infinity] if there are none). O(nnz). */
export function valueRange(values: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let q = 0; q < values.length; q++) {
    const v = values[q];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Counting-sort pointer array: ptr[i] = number of keys < i. */
function pointers(n: number, keys: Int32Array): Int32Array {
  const ptr = new Int32Array(n + 1);
  for (let q = 0; q < keys.length; q++) ptr[keys[q] + 1]++;
  for (let i = 0; i < n; i++) ptr[i + 1] += ptr[i];
  return ptr;
}

/** Each observation's row and value at its column's next slot (input order within a column): rows[at], vals[at]. */
function scatterByCol(colIndex: Int32Array, rowIndex: Int32Array, values: Float64Array, next: Int32Array, rows: Int32Array, vals: Float64Array): void {
  for (let q = 0; q < colIndex.length; q++) {
    const at = next[colIndex[q]]++;
    rows[at] = rowIndex[q];
    vals[at] = values[q];
  }
}

/** The row index from entries grouped by column (columns in turn): each row's columns come out ascending. */
function fillRows(
  colPtr: Int32Array, cols: number, byColRows: Int32Array, byColVals: Float64Array, next: Int32Array,
  rowCols: Int32Array, rowVals: Float64Array, rowOf: Int32Array,
): void {
  for (let j = 0; j < cols; j++) {
    for (let t = colPtr[j], e = colPtr[j + 1]; t < e; t++) {
      const i = byColRows[t], at = next[i]++;
      rowCols[at] = j;
      rowVals[at] = byColVals[t];
      rowOf[at] = i;
    }
  }
}

/** The first position a with rowCols[a] equal to rowCols[a - 1] in the same row (a repeated position), or -1. */
function firstRepeat(rowCols: Int32Array, rowOf: Int32Array): number {
  for (let a = 1; a < rowCols.length; a++) if (rowCols[a] === rowCols[a - 1] && rowOf[a] === rowOf[a - 1]) return a;
  return -1;
}

/** The column index from the row index: scanning rows in order keeps each column's rows ascending. */
function fillCols(rowCols: Int32Array, rowVals: Float64Array, rowOf: Int32Array, next: Int32Array, colRows: Int32Array, colVals: Float64Array): void {
  for (let a = 0; a < rowCols.length; a++) {
    const at = next[rowCols[a]]++;
    colRows[at] = rowOf[a];
    colVals[at] = rowVals[a];
  }
}

/** The largest ptr[i + 1] - ptr[i], i < n. */
function maxCount(ptr: Int32Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c = Math.max(c, ptr[i + 1] - ptr[i]);
  return c;
}

/** The two indexes' pointers (row i's entries at rowPtr[i] .. rowPtr[i + 1], likewise by column) and longest row and column. */
export interface IndexCounts {
  rows: number;
  cols: number;
  nnz: number;
  rowPtr: Int32Array;
  colPtr: Int32Array;
  maxRowCount: number;
  maxColCount: number;
}

/** The pointers of both indexes of checked observations, before any entry is placed. O(nnz + rows + cols). */
export function countObservations(obs: Observations): IndexCounts {
  const { rows, cols, rowIndex, colIndex } = obs;
  const rowPtr = pointers(rows, rowIndex), colPtr = pointers(cols, colIndex);
  return { rows, cols, nnz: obs.values.length, rowPtr, colPtr, maxRowCount: maxCount(rowPtr, rows), maxColCount: maxCount(colPtr, cols) };
}

/** The arrays of both indexes that hold one entry per observation (see RatingIndex). */
export type IndexArrays = Pick<RatingIndex, "rowCols" | "rowVals" | "rowOf" | "colRows" | "colVals">;

/**
 * Places the observations in both indexes (arrays of nnz entries each, e.g. views of a run's workspace) by counting
 * sorts: grouped by column (into colRows and colVals, as scratch), then by row in column order (each row's columns
 * ascending), then by column again in row order (each column's rows ascending); each pass reads its input in order.
 * Rejects duplicate positions with INDEX (duplicates are not summed: a rating given twice is more likely a data error
 * than a sum). O(nnz + rows + cols).
 */
export function fillIndex(obs: Observations, c: IndexCounts, out: IndexArrays): void {
  const { rowIndex, colIndex, values } = obs;
  const { rowCols, rowVals, rowOf, colRows, colVals } = out;
  scatterByCol(colIndex, rowIndex, values, c.colPtr.slice(0, c.cols), colRows, colVals);
  fillRows(c.colPtr, c.cols, colRows, colVals, c.rowPtr.slice(0, c.rows), rowCols, rowVals, rowOf);
  const a = firstRepeat(rowCols, rowOf);
  if (a >= 0) throw new LowrankError("INDEX", `position (${rowOf[a]}, ${rowCols[a]}) is observed more than once; duplicates are rejected, not summed`);
  fillCols(rowCols, rowVals, rowOf, c.colPtr.slice(0, c.cols), colRows, colVals);
}

/**
 * Builds both CSR indexes of checked observations in new arrays (countObservations, then fillIndex). INDEX on a
 * repeated position. O(nnz + rows + cols).
 *
 * @example
 * const ix = indexObservations(checkObservations(obs, "obs"));
 * ix.rowCols.subarray(ix.rowPtr[0], ix.rowPtr[1]); // columns observed in row 0, ascending
 */
export function indexObservations(obs: Observations): RatingIndex {
  const c = countObservations(obs), nnz = c.nnz;
  const out = { rowCols: new Int32Array(nnz), rowVals: new Float64Array(nnz), rowOf: new Int32Array(nnz), colRows: new Int32Array(nnz), colVals: new Float64Array(nnz) };
  fillIndex(obs, c, out);
  return { ...c, ...out };
}
