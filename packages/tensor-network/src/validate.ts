import { checkFinite, LowrankError, toF64, type Tensor } from "@lowrank/linalg";

/** Largest entry count a Float64Array may have in wasm32 memory (4 GiB / 8). */
export const MAX_F64 = 2 ** 29;

/**
 * Checks a shape: a non-empty array of positive integers whose product fits
 * wasm32 memory. Returns a copy and the product. Errors: SHAPE, EMPTY, TOO_LARGE. O(N).
 */
export function checkShape(shape: number[], name: string): { shape: number[]; size: number } {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new LowrankError("SHAPE", `${name} must be a non-empty array of dimensions`);
  }
  let size = 1;
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (!(typeof n === "number" && Number.isInteger(n) && n >= 0)) {
      throw new LowrankError("SHAPE", `${name}[${k}] must be a non-negative integer, got ${n}`);
    }
    if (n === 0) throw new LowrankError("EMPTY", `${name} has a zero dimension ([${shape.join(", ")}])`);
    size *= n;
  }
  if (size > MAX_F64) {
    throw new LowrankError("TOO_LARGE", `${name} [${shape.join(", ")}] has ${size} entries; wasm32 memory holds at most ${MAX_F64} doubles`);
  }
  return { shape: shape.slice(), size };
}

/**
 * Checks a tensor's shape and entries and returns it with Float64Array data
 * and a copied shape. Errors: SHAPE (bad shape or data length), EMPTY (a zero
 * dimension), TOO_LARGE (over wasm32 memory), NON_FINITE. O(size).
 */
export function checkTensor(X: Tensor, name: string): Tensor {
  if (X == null || typeof X !== "object") throw new LowrankError("SHAPE", `${name} must be { shape: number[], data: Float64Array }`);
  const { shape, size } = checkShape(X.shape, `${name}.shape`);
  const data = toF64(X.data, `${name}.data`);
  if (data.length !== size) {
    throw new LowrankError("SHAPE", `${name}.data has ${data.length} entries, shape [${shape.join(", ")}] needs ${size}`);
  }
  checkFinite(data, name);
  return { shape, data };
}

/**
 * Checks a tensor with a mask of observed entries (nonzero / true =
 * observed): shape and length as {@link checkTensor}, the mask one entry per
 * tensor entry (SHAPE), at least one observed entry (EMPTY), finite values
 * where observed (NON_FINITE); unobserved entries may hold anything (NaN
 * included). Returns the tensor with Float64Array data and the mask as 0/1 bytes. O(size).
 */
export function checkMaskedTensor(X: Tensor, mask: ArrayLike<number | boolean>, name: string): { X: Tensor; mask: Uint8Array } {
  if (X == null || typeof X !== "object") throw new LowrankError("SHAPE", `${name} must be { shape: number[], data: Float64Array }`);
  const { shape, size } = checkShape(X.shape, `${name}.shape`);
  const data = toF64(X.data, `${name}.data`);
  if (data.length !== size) throw new LowrankError("SHAPE", `${name}.data has ${data.length} entries, shape [${shape.join(", ")}] needs ${size}`);
  if (mask == null || typeof mask.length !== "number" || mask.length !== size) {
    throw new LowrankError("SHAPE", `mask must have one entry per tensor entry (${size}), got ${mask == null ? mask : mask.length}`);
  }
  const m = new Uint8Array(size);
  let observed = 0;
  for (let i = 0; i < size; i++) {
    if (!mask[i]) continue;
    m[i] = 1;
    observed++;
    const v = data[i];
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `${name} has ${v} at observed flat index ${i}`);
  }
  if (observed === 0) throw new LowrankError("EMPTY", "mask observes no entry");
  return { X: { shape, data }, mask: m };
}

/** INVALID_ARGUMENT unless `mode` is an integer in [0, order). */
export function checkMode(mode: number, order: number): number {
  if (!Number.isInteger(mode) || mode < 0 || mode >= order) {
    throw new LowrankError("INVALID_ARGUMENT", `mode must be an integer in [0, ${order}), got ${mode}`);
  }
  return mode;
}

/** A positive integer option, else INVALID_ARGUMENT. */
export function checkPositiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** A finite number >= 0, else INVALID_ARGUMENT. */
export function checkNonNegative(value: number, name: string): number {
  if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/**
 * One rank per mode from a number or an array; RANK when a rank exceeds its
 * dimension, SHAPE on a length mismatch, INVALID_ARGUMENT on a non-positive
 * or fractional rank.
 */
export function checkRanks(rank: number | number[], shape: number[], name = "rank"): number[] {
  const r = typeof rank === "number" ? shape.map(() => rank) : rank;
  if (!Array.isArray(r) || r.length !== shape.length) {
    throw new LowrankError("SHAPE", `${name} must be a number or have one entry per mode (${shape.length})`);
  }
  return r.map((v, k) => {
    checkPositiveInt(v, `${name}[${k}]`);
    if (v > shape[k]) throw new LowrankError("RANK", `${name}[${k}] = ${v} exceeds dimension ${shape[k]} of mode ${k}`);
    return v;
  });
}

/** Product of the entries. */
export function prod(a: number[], from = 0, to = a.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= a[i];
  return p;
}

/** Throws ABORTED when the signal has fired. */
export function checkAbort(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new LowrankError("ABORTED", `${what} aborted`);
}
