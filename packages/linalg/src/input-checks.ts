// The checks under the input layer (input.ts): size limits, dimensions,
// numeric arrays and index arrays, shared by every reader and by the packages'
// own argument checks. docs/ARCHITECTURE.md ("Inputs") says where this sits.
import { LowrankError } from "./errors.js";

/**
 * Most entries one array may hold, on both backends: 2^29 doubles (4 GiB),
 * what wasm32 memory can address. The js backend keeps the same limit so that
 * a size the wasm path refuses is never allocated and left to run for minutes.
 */
export const MAX_ENTRIES = 2 ** 29;

/** Most entries of all arrays a single call may allocate together (8 GiB of doubles on the js backend). */
export const MAX_TOTAL_ENTRIES = 2 ** 30;

export type Numeric = ArrayLike<number>;

/** Numeric typed arrays we read (every kind but the BigInt ones). */
export function isNumericTypedArray(x: unknown): x is Numeric {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

export function isBigIntArray(x: unknown): boolean {
  return x instanceof BigInt64Array || x instanceof BigUint64Array;
}

/** A short description of a value for error messages. */
export function describe(x: unknown): string {
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
  name = label(name);
  if (typeof limit !== "number") throw new LowrankError("INVALID_ARGUMENT", `${name}: the limit must be a number, got ${describe(limit)}`);
  // Infinity (a product that overflowed) is TOO_LARGE below; NaN, negative and fractional counts are not counts.
  if (typeof count !== "number" || !(count >= 0) || (Number.isFinite(count) && !Number.isInteger(count))) {
    throw new LowrankError("INVALID_ARGUMENT", `${name}: a count of entries must be an integer >= 0, got ${typeof count === "number" ? count : describe(count)}`);
  }
  if (!(count <= limit)) {
    throw new LowrankError("TOO_LARGE", `${name} would need ${count} entries; at most ${limit} fit (4 GiB of doubles per array)`);
  }
}

/** A non-negative integer dimension, else SHAPE. */
export function checkDim(n: unknown, name: string): number {
  name = label(name);
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
  name = label(name);
  opts ??= {};
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
  name = label(name);
  if (!(Array.isArray(data) || isNumericTypedArray(data))) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a number[] or numeric typed array, got ${describe(data)}`);
  }
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
  name = label(name);
  if (typeof bound !== "number" || !(bound >= 0)) throw new LowrankError("INVALID_ARGUMENT", `${name}: the bound must be a number >= 0, got ${describe(bound)}`);
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

/** The name an error message uses for an argument: `name` when it is a string (the readers are exported; a caller may pass anything). */
export function label(name: unknown): string {
  return typeof name === "string" ? name : typeof name === "number" ? String(name) : "input";
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object";
}
