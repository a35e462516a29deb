// The one input layer of lowrank: every public entry point of every package
// turns its matrix, vector, tensor and sparse arguments into our plain shapes
// here, so every package accepts the same forms and refuses the same things
// with the same codes. The accepted forms are listed in linalg's README
// ("Inputs"); docs/ARCHITECTURE.md says where this sits.
import { LowrankError } from "./errors.js";
import {
  asF64, asIndices, checkDim, checkFiniteValues, checkSize, describe, isNumericTypedArray, isObject, label, MAX_ENTRIES,
  type InputOptions, type Numeric,
} from "./input-checks.js";
import { fromNested, fromStrided, isMlMatrix, isNdarray } from "./input-forms.js";
import type { CsrMatrix, DenseMatrix, Tensor } from "./types.js";

export {
  asF64, asIndices, checkDim, checkFiniteValues, checkSize, MAX_ENTRIES, MAX_TOTAL_ENTRIES, type InputOptions,
} from "./input-checks.js";

/**
 * Any accepted matrix as our plain row-major `{ rows, cols, data }`. Accepts:
 * `{ rows, cols, data }` with data a number[] or numeric typed array (no copy
 * when it is a Float64Array), an ml-matrix `Matrix` (`rows`, `columns`,
 * `get`), `number[][]` (or an array of typed-array rows), and 2-D
 * ndarray-like objects (`shape`, `stride`, `offset`, `data`; strides honoured,
 * so a transposed view reads as the transpose). Errors: INVALID_ARGUMENT
 * (another kind of value), SHAPE (dimensions that do not match the data),
 * EMPTY (a zero dimension, unless allowEmpty), NON_FINITE, TOO_LARGE. O(size).
 *
 * @example
 * asMatrix([[1, 2], [3, 4]], "A"); // { rows: 2, cols: 2, data: Float64Array [1, 2, 3, 4] }
 */
export function asMatrix(x: unknown, name: string, opts: InputOptions = {}): DenseMatrix {
  name = label(name);
  opts ??= {};
  const finite = opts.finite !== false;
  let rows: number, cols: number, data: Float64Array;
  if (Array.isArray(x)) {
    if (x.length > 0 && !(Array.isArray(x[0]) || isNumericTypedArray(x[0]))) {
      throw new LowrankError("INVALID_ARGUMENT", `${name} is a flat array; pass number[][] (one array per row) or { rows, cols, data }`);
    }
    const t = fromNested(x, name, finite);
    rows = t.shape[0];
    cols = t.shape.length > 1 ? t.shape[1] : 0;
    if (t.shape.length > 2) throw new LowrankError("SHAPE", `${name} is nested ${t.shape.length} deep; a matrix is number[][]`);
    data = t.data;
  } else if (isMlMatrix(x)) {
    rows = checkDim(x.rows, `${name}.rows`);
    cols = checkDim(x.columns, `${name}.columns`);
    checkSize(rows * cols, name);
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const v = x.get(i, j);
      if (typeof v !== "number") throw new LowrankError("INVALID_ARGUMENT", `${name}.get(${i}, ${j}) is ${describe(v)}, not a number`);
      data[i * cols + j] = v;
    }
    if (finite) checkFiniteValues(data, name);
  } else if (isNdarray(x)) {
    const t = fromStrided(x, name, finite);
    if (t.shape.length !== 2) throw new LowrankError("SHAPE", `${name} has shape [${t.shape}]; a matrix has two dimensions`);
    [rows, cols] = t.shape;
    data = t.data;
  } else if (isObject(x) && "rows" in x && "cols" in x && "data" in x) {
    rows = checkDim(x.rows, `${name}.rows`);
    cols = checkDim(x.cols, `${name}.cols`);
    checkSize(rows * cols, name);
    data = asF64(x.data, `${name}.data`, { finite: false });
    if (data.length !== rows * cols) {
      throw new LowrankError("SHAPE", `${name}.data has ${data.length} entries, expected rows * cols = ${rows} * ${cols} = ${rows * cols}`);
    }
    if (finite) checkFiniteValues(data, name);
    if (data === x.data && Object.keys(x).length === 3) {
      if (!opts.allowEmpty && (rows === 0 || cols === 0)) throw new LowrankError("EMPTY", `${name} is empty (${rows} x ${cols})`);
      return x as unknown as DenseMatrix;
    }
  } else {
    throw new LowrankError(
      "INVALID_ARGUMENT",
      `${name} must be a matrix: { rows, cols, data }, number[][], an ml-matrix Matrix or a 2-D ndarray; got ${describe(x)}`,
    );
  }
  if (!opts.allowEmpty && (rows === 0 || cols === 0)) throw new LowrankError("EMPTY", `${name} is empty (${rows} x ${cols})`);
  return { rows, cols, data };
}

/**
 * Any accepted vector as a Float64Array: number[], a numeric typed array (no
 * copy for Float64Array), or a 1-D ndarray-like (strides honoured). `length`
 * demands an exact length (SHAPE otherwise). Errors as {@link asMatrix}.
 *
 * @example
 * asVector([1, 2, 3], "x", { length: 3 });
 */
export function asVector(x: unknown, name: string, opts: InputOptions & { length?: number } = {}): Float64Array {
  name = label(name);
  opts ??= {};
  const finite = opts.finite !== false;
  let v: Float64Array;
  if (isNdarray(x) && !Array.isArray(x)) {
    const t = fromStrided(x, name, finite);
    if (t.shape.length !== 1) throw new LowrankError("SHAPE", `${name} has shape [${t.shape}]; a vector has one dimension`);
    v = t.data;
  } else v = asF64(x, name, { finite });
  if (opts.length !== undefined && v.length !== opts.length) {
    throw new LowrankError("SHAPE", `${name} has length ${v.length}, expected ${String(opts.length)}`);
  }
  if (!opts.allowEmpty && v.length === 0) throw new LowrankError("EMPTY", `${name} is empty`);
  return v;
}

/**
 * Any accepted tensor as our plain C-order `{ shape, data }`: `{ shape, data }`
 * itself (data a number[] or numeric typed array), an ndarray-like with
 * `stride`/`offset` (strides honoured: a transposed view is read as the
 * transpose, never as if it were contiguous), rectangular nested arrays, an
 * ml-matrix `Matrix` or a `{ rows, cols, data }` matrix (order 2). Errors as
 * {@link asMatrix}; `order` demands that many modes (SHAPE otherwise).
 *
 * @example
 * asTensor({ shape: [2, 3, 4], data: new Float64Array(24) }, "X");
 */
export function asTensor(x: unknown, name: string, opts: InputOptions & { order?: number } = {}): Tensor {
  name = label(name);
  opts ??= {};
  const finite = opts.finite !== false;
  let shape: number[], data: Float64Array;
  if (Array.isArray(x)) ({ shape, data } = fromNested(x, name, finite));
  else if (isNdarray(x)) ({ shape, data } = fromStrided(x, name, finite));
  else if (isObject(x) && "shape" in x && "data" in x) {
    if (!(Array.isArray(x.shape) || isNumericTypedArray(x.shape))) {
      throw new LowrankError("SHAPE", `${name}.shape must be an array of dimensions, got ${describe(x.shape)}`);
    }
    shape = Array.from(x.shape as Numeric, (d, i) => checkDim(d, `${name}.shape[${i}]`));
    const size = shape.reduce((a, b) => a * b, 1);
    checkSize(size, name);
    data = asF64(x.data, `${name}.data`, { finite: false });
    if (data.length !== size) throw new LowrankError("SHAPE", `${name}.data has ${data.length} entries, expected ${shape.join(" x ")} = ${size}`);
    if (finite) checkFiniteValues(data, name);
    if (data === x.data && Array.isArray(x.shape) && shape.every((d, i) => d === (x.shape as number[])[i])) {
      if (opts.order !== undefined && shape.length !== opts.order) {
        throw new LowrankError("SHAPE", `${name} has ${shape.length} modes, expected ${String(opts.order)}`);
      }
      if (!opts.allowEmpty && (shape.length === 0 || shape.includes(0))) throw new LowrankError("EMPTY", `${name} is empty (shape [${shape}])`);
      return { shape, data };
    }
  } else if (isMlMatrix(x) || (isObject(x) && "rows" in x && "cols" in x)) {
    const m = asMatrix(x, name, opts);
    ({ data } = m);
    shape = [m.rows, m.cols];
  } else {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a tensor: { shape, data }, an ndarray or nested arrays; got ${describe(x)}`);
  }
  if (opts.order !== undefined && shape.length !== opts.order) throw new LowrankError("SHAPE", `${name} has ${shape.length} modes, expected ${String(opts.order)}`);
  if (!opts.allowEmpty && (shape.length === 0 || shape.includes(0))) throw new LowrankError("EMPTY", `${name} is empty (shape [${shape}])`);
  return { shape, data };
}

/**
 * A CSR matrix `{ rows, cols, indptr, indices, data }` checked whole: indptr
 * integral, starting at 0 and non-decreasing to nnz; column indices integral
 * and in [0, cols) whatever their array type; values finite. Index arrays of
 * any numeric type are converted to Int32Array, values to Float64Array (no
 * copy when they already are). Errors: INVALID_ARGUMENT, SHAPE, INDEX,
 * NON_FINITE, EMPTY, TOO_LARGE. O(rows + nnz).
 *
 * @example
 * asCsr({ rows: 2, cols: 2, indptr: [0, 1, 2], indices: [1, 0], data: [5, 6] }, "A");
 */
export function asCsr(x: unknown, name: string, opts: InputOptions = {}): CsrMatrix {
  name = label(name);
  opts ??= {};
  if (!isObject(x) || !("indptr" in x) || !("indices" in x) || !("data" in x)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a CSR matrix { rows, cols, indptr, indices, data }, got ${describe(x)}`);
  }
  const rows = checkDim(x.rows, `${name}.rows`);
  const cols = checkDim(x.cols, `${name}.cols`);
  if (!opts.allowEmpty && (rows === 0 || cols === 0)) throw new LowrankError("EMPTY", `${name} is empty (${rows} x ${cols})`);
  const nnzBound = Math.min(MAX_ENTRIES, rows * cols) + 1;
  const indptr = asIndices(x.indptr, `${name}.indptr`, nnzBound);
  if (indptr.length !== rows + 1) throw new LowrankError("SHAPE", `${name}.indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}`);
  if (indptr[0] !== 0) throw new LowrankError("SHAPE", `${name}.indptr must start at 0, got ${indptr[0]}`);
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1] < indptr[i]) throw new LowrankError("SHAPE", `${name}.indptr decreases at row ${i} (${indptr[i]} then ${indptr[i + 1]})`);
  }
  const nnz = indptr[rows];
  const indices = asIndices(x.indices, `${name}.indices`, cols);
  const data = asF64(x.data, `${name}.data`, { finite: opts.finite });
  if (indices.length !== nnz || data.length !== nnz) {
    throw new LowrankError("SHAPE", `${name}: indptr ends at nnz = ${nnz} but indices has ${indices.length} and data ${data.length} entries`);
  }
  if (indptr === x.indptr && indices === x.indices && data === x.data && Object.keys(x).length === 5) return x as unknown as CsrMatrix;
  return { rows, cols, indptr, indices, data };
}
