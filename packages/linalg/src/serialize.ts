// JSON-safe forms of results that hold typed arrays, shared by every
// package's `serialize` / `deserialize`: JSON.stringify would turn a
// Float64Array into {"0": ...}, so each typed array is written as base64 of
// its little-endian bytes (bit-exact, -0 and all) and read back as the same
// kind of array.
import { decodeBase64, encodeBase64 } from "./base64.js";
import { LowrankError } from "./errors.js";
import { label } from "./input-checks.js";

const TYPED = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function swap(bytes: Uint8Array, w: number): void {
  if (w === 1) return;
  for (let q = 0; q < bytes.length; q += w) bytes.subarray(q, q + w).reverse();
}

/**
 * `x` with every typed array replaced by `{ $typed, base64 }` (functions and
 * undefined fields dropped). Errors: INVALID_ARGUMENT for BigInt arrays,
 * bigint or symbol values, or nesting deeper than 64. O(size).
 */
export function encodeTypedArrays(x: unknown, depth = 0): unknown {
  // typeof: the function is exported, and a depth that is not a number (NaN) would never stop the recursion.
  if (typeof depth !== "number" || !(depth <= 64)) throw new LowrankError("INVALID_ARGUMENT", typeof depth === "number" && depth > 64 ? "serialize: the object is nested too deeply" : "serialize: depth must be a number");
  if (ArrayBuffer.isView(x)) {
    const name = (Object.keys(TYPED) as TypedName[]).find((n) => x instanceof TYPED[n]);
    if (name === undefined) throw new LowrankError("INVALID_ARGUMENT", `serialize: cannot save a ${x.constructor.name}`);
    const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
    if (!littleEndian()) swap(bytes, TYPED[name].BYTES_PER_ELEMENT);
    return { $typed: name, base64: encodeBase64(bytes) };
  }
  if (Array.isArray(x)) return x.map((v) => encodeTypedArrays(v, depth + 1));
  if (x !== null && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (typeof v !== "function" && v !== undefined) out[k] = encodeTypedArrays(v, depth + 1);
    return out;
  }
  if (typeof x === "bigint" || typeof x === "symbol") throw new LowrankError("INVALID_ARGUMENT", `serialize: cannot save a ${typeof x}`);
  return x;
}

/**
 * The inverse of {@link encodeTypedArrays}. Errors: INVALID_ARGUMENT for a
 * damaged entry (unknown array kind, corrupted base64, a byte count that is
 * not a whole number of elements) or nesting deeper than 64. O(size).
 */
export function decodeTypedArrays(x: unknown, depth = 0): unknown {
  // typeof: the function is exported, and a depth that is not a number (NaN) would never stop the recursion.
  if (typeof depth !== "number" || !(depth <= 64)) throw new LowrankError("INVALID_ARGUMENT", typeof depth === "number" && depth > 64 ? "deserialize: the object is nested too deeply" : "deserialize: depth must be a number");
  if (Array.isArray(x)) return x.map((v) => decodeTypedArrays(v, depth + 1));
  if (x !== null && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (typeof o.$typed === "string") {
      const Ctor = Object.prototype.hasOwnProperty.call(TYPED, o.$typed) ? TYPED[o.$typed as TypedName] : undefined;
      if (Ctor === undefined || typeof o.base64 !== "string") throw new LowrankError("INVALID_ARGUMENT", `deserialize: bad typed array entry (${String(o.$typed)})`);
      const bytes = decodeBase64(o.base64);
      if (bytes === null) throw new LowrankError("INVALID_ARGUMENT", "deserialize: a typed array's base64 is corrupted");
      if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new LowrankError("INVALID_ARGUMENT", `deserialize: a ${o.$typed} of ${bytes.length} bytes (truncated?)`);
      if (!littleEndian()) swap(bytes, Ctor.BYTES_PER_ELEMENT);
      return new Ctor(bytes.buffer as ArrayBuffer);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeTypedArrays(v, depth + 1);
    return out;
  }
  return x;
}

/**
 * Reads the envelope every package's `deserialize` takes: the object or its
 * JSON text, with an integer `version` in [1, maxVersion] and an object
 * `data` (still encoded). Errors: INVALID_ARGUMENT naming what is wrong, and
 * for a newer version, which package to upgrade.
 */
export function readSerialized(json: unknown, maxVersion: number, pkg: string): { kind: unknown; version: number; data: Record<string, unknown> } {
  let j: unknown = json;
  if (typeof j === "string") {
    try {
      j = JSON.parse(j);
    } catch (e) {
      throw new LowrankError("INVALID_ARGUMENT", `deserialize: not valid JSON (${(e as Error).message})`);
    }
  }
  if (j === null || typeof j !== "object" || Array.isArray(j)) throw new LowrankError("INVALID_ARGUMENT", "deserialize: expected serialize()'s object");
  const o = j as Record<string, unknown>;
  if (typeof o.version !== "number" || !Number.isInteger(o.version) || o.version < 1) {
    throw new LowrankError("INVALID_ARGUMENT", `deserialize: format version ${String(o.version)} is not a valid version`);
  }
  if (o.version > maxVersion) {
    throw new LowrankError("INVALID_ARGUMENT", `deserialize: format version ${o.version} is newer than this library reads (up to ${maxVersion}); upgrade ${pkg}`);
  }
  if (o.data === null || typeof o.data !== "object" || Array.isArray(o.data)) throw new LowrankError("INVALID_ARGUMENT", "deserialize: data must be an object");
  return { kind: o.kind, version: o.version, data: o.data as Record<string, unknown> };
}

/**
 * The `version` every result of every package carries beside its `kind`
 * (decompositions, factorisations, sampling results): the layout of its
 * fields. A reader refuses a newer one.
 */
export const RESULT_VERSION = 1;

/**
 * Checks a result's own `version` field before it is read or saved: absent
 * (an object built by hand) or an integer in [1, maxVersion] is accepted; a
 * newer version is INVALID_ARGUMENT naming the package to upgrade, anything
 * else INVALID_ARGUMENT. Returns the version (maxVersion when absent).
 */
export function checkResultVersion(x: unknown, maxVersion: number, pkg: string, fn: string): number {
  fn = label(fn);
  if (typeof maxVersion !== "number" || !Number.isInteger(maxVersion) || maxVersion < 1) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: maxVersion must be a positive integer`);
  }
  pkg = typeof pkg === "string" ? pkg : "the package";
  if (x === null || typeof x !== "object" || !("version" in x) || (x as { version?: unknown }).version === undefined) return maxVersion;
  const v = (x as { version: unknown }).version;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: the result's version ${typeof v === "number" ? v : typeof v} is not a valid version`);
  }
  if (v > maxVersion) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: the result has version ${v}, newer than this library reads (up to ${maxVersion}); upgrade ${pkg}`);
  }
  return v;
}
