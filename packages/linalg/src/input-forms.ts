// Readers of the foreign input forms (ml-matrix Matrix, ndarray-like objects
// with strides, nested arrays) into our plain C-order data, for input.ts.
import { LowrankError } from "./errors.js";
import {
  asF64, checkDim, checkFiniteValues, checkSize, describe, isBigIntArray, isNumericTypedArray, isObject, type Numeric,
} from "./input-checks.js";

export interface NdarrayLike {
  shape: ArrayLike<number>;
  stride?: ArrayLike<number>;
  offset?: number;
  data: unknown;
}

/** ml-matrix's Matrix (and its views): `rows`, `columns`, `get(i, j)`. */
export function isMlMatrix(x: unknown): x is { rows: number; columns: number; get(i: number, j: number): number; to1DArray?: () => number[] } {
  return isObject(x) && typeof x.columns === "number" && typeof x.rows === "number" && typeof x.get === "function";
}

export function isNdarray(x: unknown): x is NdarrayLike {
  return isObject(x) && (Array.isArray(x.shape) || isNumericTypedArray(x.shape)) && "data" in x && ("stride" in x || "offset" in x);
}

/** Reads an ndarray-like (shape, stride, offset, data) into C order, honouring the strides. O(size). */
export function fromStrided(x: NdarrayLike, name: string, finite: boolean): { shape: number[]; data: Float64Array } {
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
export function fromNested(x: unknown[], name: string, finite: boolean): { shape: number[]; data: Float64Array } {
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

