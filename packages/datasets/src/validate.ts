import { LowrankError } from "@lowrank/linalg";

// Argument checks shared by every generator and loader, so that bad input
// always surfaces as a typed LowrankError rather than a RangeError or NaN.

export function checkPositiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

export function checkNonNegativeInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

export function checkNonNegative(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

export function checkSeed(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new LowrankError("INVALID_ARGUMENT", `seed must be a finite number, got ${String(v)}`);
  }
  return v;
}

export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new LowrankError("SHAPE", `${name} must be a non-empty array of positive integers`);
  }
  for (const n of shape) checkPositiveInt(`${name} entry`, n);
  return shape.slice();
}

/** Product of the entries; throws TOO_LARGE past what a Float64Array can hold. */
export function checkedSize(name: string, dims: readonly number[]): number {
  let size = 1;
  for (const n of dims) size *= n;
  if (size > 2 ** 31 - 1) {
    throw new LowrankError("TOO_LARGE", `${name} has ${size} entries; at most 2^31 - 1 fit in one array`);
  }
  return size;
}
