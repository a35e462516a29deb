// The `dtype` option of the entry points whose results go on to a GPU
// (TensorFlow.js, WebGL): every kernel computes in f64; with
// `dtype: "float32"` the finished result's Float64Arrays are converted once,
// each entry rounded to the nearest float32 (Math.fround). One helper for
// every package (docs/ARCHITECTURE.md, "Inputs").
import { LowrankError } from "./errors.js";
import { label } from "./input-checks.js";
import { opt, type OptionCheck } from "./options.js";

/** The element type of a result's floating-point arrays. */
export type Dtype = "float64" | "float32";

/** The `dtype` option check: "float64" or "float32" (anything else is INVALID_ARGUMENT). */
export const DTYPE: OptionCheck<Dtype> = opt.oneOf(["float64", "float32"] as const);

/** The `dtype` option, shared by the entry points that offer it. */
export interface DtypeOption<D extends Dtype = Dtype> {
  /**
   * Element type of the result's floating-point arrays: "float64" (default)
   * or "float32" (Float32Array, each entry the float32 nearest the f64
   * result, for TensorFlow.js or WebGL). The computation is in f64 either way.
   */
  dtype?: D;
}

/** T with every Float64Array in it (at any depth of plain objects and arrays) a Float32Array. */
export type AsFloat32<T> = T extends Float64Array
  ? Float32Array
  : T extends (...args: never[]) => unknown
    ? T
    : T extends readonly (infer U)[]
      ? AsFloat32<U>[]
      : T extends ArrayBufferView
        ? T
        : T extends object
          ? { [K in keyof T]: AsFloat32<T[K]> }
          : T;

/** The result type for a dtype: T for "float64" (or none), {@link AsFloat32} of T for "float32". */
export type WithDtype<T, D extends Dtype | undefined> = D extends "float32" ? AsFloat32<T> : T;

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

function toF32(x: Float64Array, fn: string): Float32Array {
  // The engine's conversion rounds to nearest (Math.fround) in one native pass; then one scan for an
  // entry that became infinite or NaN (values beyond F32_MAX + half an ulp round to Infinity).
  const y = new Float32Array(x);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v - v !== 0 && Number.isFinite(x[i])) {
      throw new LowrankError("NON_FINITE", `${fn}: an entry of the result (${x[i]}) is beyond the float32 range (${F32_MAX.toPrecision(2)}); use dtype "float64"`);
    }
  }
  return y;
}

function isPlain(x: object): boolean {
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

function cast(x: unknown, fn: string, seen: Map<object, unknown>): unknown {
  if (x === null || typeof x !== "object") return x;
  // Shared parts stay shared in the copy (and a cycle ends), each array converted once.
  if (seen.has(x)) return seen.get(x);
  if (x instanceof Float64Array) {
    const y = toF32(x, fn);
    seen.set(x, y);
    return y;
  }
  if (ArrayBuffer.isView(x)) return x;
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    seen.set(x, out);
    for (const v of x) out.push(cast(v, fn, seen));
    return out;
  }
  if (!isPlain(x)) return x;
  const out: Record<string, unknown> = {};
  seen.set(x, out);
  for (const [k, v] of Object.entries(x)) out[k] = cast(v, fn, seen);
  return out;
}

/**
 * The result in the requested dtype: itself for "float64" or undefined; for
 * "float32" a copy in which every Float64Array (in plain objects and arrays,
 * at any depth) is a Float32Array of the same entries rounded to the nearest
 * float32 (the same values as Math.fround). Other arrays (indices, counts),
 * class instances and scalars are kept. One pass over the result's
 * floating-point entries. Errors: INVALID_ARGUMENT for another dtype;
 * NON_FINITE when a finite entry lies beyond the float32 range
 * (|x| > 3.4e38), naming `fn`.
 *
 * @example
 * const r = castResult({ kind: "svd", s: new Float64Array([1 / 3]) }, "float32"); // r.s: Float32Array
 */
export function castResult<T, D extends Dtype | undefined>(result: T, dtype: D, fn = "castResult"): WithDtype<T, D> {
  const name = label(fn);
  if (dtype !== undefined) DTYPE(dtype, `${name}: dtype`);
  if (dtype !== "float32") return result as WithDtype<T, D>;
  return cast(result, name, new Map()) as WithDtype<T, D>;
}
