// The one input layer of lowrank: every public entry point of every package
// turns its matrix, vector, tensor and sparse arguments into our plain shapes
// here, so every package accepts the same forms and refuses the same things
// with the same codes. The accepted forms are listed in linalg's README
// ("Inputs"); docs/ARCHITECTURE.md says where this sits.
import { LowrankError } from "./errors.js";
import type { CsrMatrix, DenseMatrix, Tensor } from "./types.js";

/**
 * Most entries one array may hold, on both backends: 2^29 doubles (4 GiB),
 * what wasm32 memory can address. The js backend keeps the same limit so that
 * a size the wasm path refuses is never allocated and left to run for minutes.
 */
export const MAX_ENTRIES = 2 ** 29;

/** Most entries of all arrays a single call may allocate together (8 GiB of doubles on the js backend). */
export const MAX_TOTAL_ENTRIES = 2 ** 30;

type Numeric = ArrayLike<number>;

/** Numeric typed arrays we read (every kind but the BigInt ones). */
function isNumericTypedArray(x: unknown): x is Numeric {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

function isBigIntArray(x: unknown): boolean {
  return x instanceof BigInt64Array || x instanceof BigUint64Array;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === "object") return `an object with keys [${Object.keys(x as object).slice(0, 6).join(", ")}]`;
  return `${typeof x} ${String(x).slice(0, 40)}`;
}

/**
 * Throws TOO_LARGE when `count` entries cannot be allocated (over
 * {@link MAX_ENTRIES}, or not a finite count). Call it with every size a
 * function is about to allocate, before allocating.
 *
 * @example
 * checkSize(rows * cols, "result");
 */
export function checkSize(count: number, name: string, limit = MAX_ENTRIES): void {
  if (!(count <= limit)) {
    throw new LowrankError("TOO_LARGE", `${name} would need ${count} entries; at most ${limit} fit (4 GiB of doubles per array)`);
  }
}

/** A non-negative integer dimension, else SHAPE. */
export function checkDim(n: unknown, name: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new LowrankError("SHAPE", `${name} must be a non-negative integer, got ${typeof n === "number" ? n : describe(n)}`);
  }
  if (n > MAX_ENTRIES) throw new LowrankError("TOO_LARGE", `${name} = ${n} is larger than any array lowrank can hold (${MAX_ENTRIES})`);
  return n;
}

/**
 * The values of a numeric array as a Float64Array: the array itself when it
 * already is one (no copy), else a converted copy. Accepts number[] and every
 * numeric typed array; refuses BigInt arrays, array-likes that are not arrays,
 * non-number entries (INVALID_ARGUMENT) and NaN/Infinity (NON_FINITE, unless
 * `finite: false`). O(n).
 */
export function asF64(x: unknown, name: string, opts: { finite?: boolean } = {}): Float64Array {
  let out: Float64Array;
  if (x instanceof Float64Array) out = x;
  else if (isBigIntArray(x)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} is a BigInt array; pass numbers (Float64Array, number[] or another numeric typed array)`);
  } else if (isNumericTypedArray(x)) {
    checkSize(x.length, name);
    out = Float64Array.from(x);
  } else if (Array.isArray(x)) {
    checkSize(x.length, name);
    out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== "number") throw new LowrankError("INVALID_ARGUMENT", `${name}[${i}] is ${describe(v)}, not a number`);
      out[i] = v;
    }
  } else {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a Float64Array, number[] or numeric typed array, got ${describe(x)}`);
  }
  checkSize(out.length, name);
  if (opts.finite !== false) checkFiniteValues(out, name);
  return out;
}

/** Throws NON_FINITE naming the first NaN or Infinity. O(n). */
export function checkFiniteValues(data: Numeric, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `${name} has ${v} at flat index ${i}; remove NaN/Infinity before calling`);
  }
}

/**
 * Integer indices as an Int32Array, each checked integral and in [0, bound)
 * whatever the array type (a Float64Array of 1.5 is refused, so is -0.0 only
 * when it is not zero). Errors: INVALID_ARGUMENT (not a numeric array), INDEX.
 * O(n).
 */
export function asIndices(x: unknown, name: string, bound: number): Int32Array {
  let out: Int32Array;
  if (x instanceof Int32Array) out = x;
  else if (isBigIntArray(x)) throw new LowrankError("INVALID_ARGUMENT", `${name} is a BigInt array; pass an Int32Array or number[]`);
  else if (isNumericTypedArray(x) || Array.isArray(x)) {
    checkSize(x.length, name);
    out = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = (x as Numeric)[i];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= bound) {
        throw new LowrankError("INDEX", `${name}[${i}] = ${typeof v === "number" ? v : describe(v)} is not an integer in [0, ${bound})`);
      }
      out[i] = v;
    }
    return out;
  } else {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be an Int32Array or number[] of indices, got ${describe(x)}`);
  }
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v < 0 || v >= bound) throw new LowrankError("INDEX", `${name}[${i}] = ${v} is outside [0, ${bound})`);
  }
  return out;
}

/** Options of the `as*` readers. */
export interface InputOptions {
  /** Accept a zero dimension (default false: EMPTY). */
  allowEmpty?: boolean;
  /** Refuse NaN and Infinity (default true: NON_FINITE). */
  finite?: boolean;
}

interface NdarrayLike {
  shape: ArrayLike<number>;
  stride?: ArrayLike<number>;
  offset?: number;
  data: unknown;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object";
}

/** ml-matrix's Matrix (and its views): `rows`, `columns`, `get(i, j)`. */
function isMlMatrix(x: unknown): x is { rows: number; columns: number; get(i: number, j: number): number; to1DArray?: () => number[] } {
  return isObject(x) && typeof x.columns === "number" && typeof x.rows === "number" && typeof x.get === "function";
}

function isNdarray(x: unknown): x is NdarrayLike {
  return isObject(x) && (Array.isArray(x.shape) || isNumericTypedArray(x.shape)) && "data" in x && ("stride" in x || "offset" in x);
}

/** Reads an ndarray-like (shape, stride, offset, data) into C order, honouring the strides. O(size). */
function fromStrided(x: NdarrayLike, name: string, finite: boolean): { shape: number[]; data: Float64Array } {
  const shape = Array.from(x.shape, (d, i) => checkDim(d, `${name}.shape[${i}]`));
  const order = shape.length;
  const stride = x.stride === undefined ? null : Array.from(x.stride);
  const offset = x.offset ?? 0;
  if (stride && (stride.length !== order || stride.some((s) => typeof s !== "number" || !Number.isInteger(s)))) {
    throw new LowrankError("SHAPE", `${name}.stride must hold ${order} integers, got [${stride.join(", ")}]`);
  }
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw new LowrankError("SHAPE", `${name}.offset must be a non-negative integer, got ${String(offset)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  checkSize(size, name);
  const src = x.data;
  if (!(src instanceof Float64Array || isNumericTypedArray(src) || Array.isArray(src))) {
    if (isBigIntArray(src)) throw new LowrankError("INVALID_ARGUMENT", `${name}.data is a BigInt array; pass numbers`);
    throw new LowrankError("INVALID_ARGUMENT", `${name}.data must be a numeric array, got ${describe(src)}`);
  }
  const st = stride ?? shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  // The lowest and highest flat positions the view touches must lie inside data.
  if (size > 0) {
    let lo = offset, hi = offset;
    for (let a = 0; a < order; a++) {
      const span = (shape[a] - 1) * st[a];
      if (span < 0) lo += span;
      else hi += span;
    }
    if (lo < 0 || hi >= src.length) {
      throw new LowrankError("SHAPE", `${name}: shape [${shape}] with stride [${st}] and offset ${offset} reaches outside its data (length ${src.length})`);
    }
  }
  const contiguous = offset === 0 && src.length === size && st.every((s, a) => shape[a] <= 1 || s === shape.slice(a + 1).reduce((p, q) => p * q, 1));
  if (contiguous) return { shape, data: asF64(src, `${name}.data`, { finite }) };
  const data = new Float64Array(size);
  const idx = new Array<number>(order).fill(0);
  let pos = offset;
  for (let q = 0; q < size; q++) {
    const v = (src as Numeric)[pos];
    if (typeof v !== "number") throw new LowrankError("INVALID_ARGUMENT", `${name}.data[${pos}] is ${describe(v)}, not a number`);
    data[q] = v;
    for (let a = order - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) {
        pos += st[a];
        break;
      }
      pos -= (shape[a] - 1) * st[a];
      idx[a] = 0;
    }
  }
  if (finite) checkFiniteValues(data, name);
  return { shape, data };
}

/** Reads rectangular nested arrays (number[][], number[][][] or arrays of typed arrays) into C order. */
function fromNested(x: unknown[], name: string, finite: boolean): { shape: number[]; data: Float64Array } {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe) || isNumericTypedArray(probe)) {
    shape.push((probe as Numeric).length);
    if (isNumericTypedArray(probe) || (probe as unknown[]).length === 0) break;
    probe = (probe as unknown[])[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  checkSize(size, name);
  const data = new Float64Array(size);
  let q = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") throw new LowrankError("INVALID_ARGUMENT", `${name}${path} is ${describe(node)}, not a number`);
      data[q++] = node;
      return;
    }
    if (isBigIntArray(node)) throw new LowrankError("INVALID_ARGUMENT", `${name}${path} is a BigInt array; pass numbers`);
    if (!(Array.isArray(node) || isNumericTypedArray(node)) || (node as Numeric).length !== shape[depth]) {
      throw new LowrankError("SHAPE", `${name}${path} must have length ${shape[depth]} like the first one (rows of nested arrays must all be the same length), got ${describe(node)}`);
    }
    for (let i = 0; i < shape[depth]; i++) walk((node as Numeric)[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, "");
  if (finite) checkFiniteValues(data, name);
  return { shape, data };
}

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
  const finite = opts.finite !== false;
  let v: Float64Array;
  if (isNdarray(x) && !Array.isArray(x)) {
    const t = fromStrided(x, name, finite);
    if (t.shape.length !== 1) throw new LowrankError("SHAPE", `${name} has shape [${t.shape}]; a vector has one dimension`);
    v = t.data;
  } else v = asF64(x, name, { finite });
  if (opts.length !== undefined && v.length !== opts.length) {
    throw new LowrankError("SHAPE", `${name} has length ${v.length}, expected ${opts.length}`);
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
        throw new LowrankError("SHAPE", `${name} has ${shape.length} modes, expected ${opts.order}`);
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
  if (opts.order !== undefined && shape.length !== opts.order) throw new LowrankError("SHAPE", `${name} has ${shape.length} modes, expected ${opts.order}`);
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
