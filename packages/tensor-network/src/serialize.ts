// Saving and loading decompositions. Results are plain objects of typed
// arrays, so structuredClone copies them as they are; JSON.stringify would
// turn a Float64Array into {"0": ...}, so `serialize` writes a JSON-safe form
// (each typed array as base64 of its little-endian bytes, bit-exact, -0 and
// all) tagged with the decomposition's `kind` and a format `version`, and
// `deserialize` turns it back. `reconstruct` and the other entry points
// accept both the live and the deserialized form.
import { LowrankError } from "@lowrank/linalg";
import type { Decomposition } from "./types.js";

/** The newest format version `serialize` writes and `deserialize` reads. */
export const DECOMPOSITION_FORMAT_VERSION = 1;

/** What a decomposition is, as its `kind` field names it. */
export type DecompositionKind = "tucker" | "cp" | "tensor-network" | "general-network";

/** `serialize`'s output: JSON-safe plain data. */
export interface SerializedDecomposition {
  kind: DecompositionKind;
  version: number;
  /** The decomposition's fields, typed arrays as `{ $typed: "Float64Array", base64 }`. */
  data: Record<string, unknown>;
}

const TYPED = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

/** The kind of a decomposition from its `kind` field or, for objects saved without one, from its fields. */
export function decompositionKind(d: unknown): DecompositionKind | undefined {
  if (d === null || typeof d !== "object") return undefined;
  const o = d as Record<string, unknown>;
  if (typeof o.kind === "string") return (["tucker", "cp", "tensor-network", "general-network"] as const).find((k) => k === o.kind);
  if ("core" in o) return "tucker";
  if ("edgeRanks" in o) return "general-network";
  if ("weights" in o) return "cp";
  if ("cores" in o) return "tensor-network";
  return undefined;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function encode(x: unknown, depth: number): unknown {
  if (depth > 64) throw new LowrankError("INVALID_ARGUMENT", "serialize: the object is nested too deeply");
  if (ArrayBuffer.isView(x)) {
    const name = (Object.keys(TYPED) as TypedName[]).find((n) => x instanceof TYPED[n]);
    if (name === undefined) throw new LowrankError("INVALID_ARGUMENT", `serialize: cannot save a ${x.constructor.name}`);
    const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
    if (!littleEndian()) swap(bytes, TYPED[name].BYTES_PER_ELEMENT);
    let s = "";
    for (let q = 0; q < bytes.length; q += 0x8000) s += String.fromCharCode(...bytes.subarray(q, q + 0x8000));
    return { $typed: name, base64: btoa(s) };
  }
  if (Array.isArray(x)) return x.map((v) => encode(v, depth + 1));
  if (x !== null && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (typeof v !== "function" && v !== undefined) out[k] = encode(v, depth + 1);
    return out;
  }
  if (typeof x === "bigint" || typeof x === "symbol") throw new LowrankError("INVALID_ARGUMENT", `serialize: cannot save a ${typeof x}`);
  return x;
}

function swap(bytes: Uint8Array, w: number): void {
  if (w === 1) return;
  for (let q = 0; q < bytes.length; q += w) bytes.subarray(q, q + w).reverse();
}

function decode(x: unknown, depth: number): unknown {
  if (depth > 64) throw new LowrankError("INVALID_ARGUMENT", "deserialize: the object is nested too deeply");
  if (Array.isArray(x)) return x.map((v) => decode(v, depth + 1));
  if (x !== null && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (typeof o.$typed === "string") {
      const Ctor = Object.prototype.hasOwnProperty.call(TYPED, o.$typed) ? TYPED[o.$typed as TypedName] : undefined;
      if (Ctor === undefined || typeof o.base64 !== "string") throw new LowrankError("INVALID_ARGUMENT", `deserialize: bad typed array entry (${String(o.$typed)})`);
      let s: string;
      try {
        s = atob(o.base64);
      } catch {
        throw new LowrankError("INVALID_ARGUMENT", "deserialize: a typed array's base64 is corrupted");
      }
      if (s.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new LowrankError("INVALID_ARGUMENT", `deserialize: a ${o.$typed} of ${s.length} bytes (truncated?)`);
      const bytes = new Uint8Array(s.length);
      for (let q = 0; q < s.length; q++) bytes[q] = s.charCodeAt(q);
      if (!littleEndian()) swap(bytes, Ctor.BYTES_PER_ELEMENT);
      return new Ctor(bytes.buffer);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v, depth + 1);
    return out;
  }
  return x;
}

/**
 * A decomposition as JSON-safe data (`kind`, `version`, and its fields with
 * every typed array as base64 of its little-endian bytes): `JSON.stringify`
 * it, store it, and `deserialize` restores the decomposition bit for bit.
 * Errors: INVALID_ARGUMENT for something that is not a decomposition.
 *
 * @example
 * const text = JSON.stringify(serialize(await tucker(X, { rank: 4 })));
 * const Y = reconstruct(deserialize(text));
 */
export function serialize(d: Decomposition | object): SerializedDecomposition {
  const kind = decompositionKind(d);
  if (kind === undefined) throw new LowrankError("INVALID_ARGUMENT", "serialize: expected a Tucker, CP, tensor train / ring or general network decomposition");
  const data = encode(d, 0) as Record<string, unknown>;
  delete data.kind;
  return { kind, version: DECOMPOSITION_FORMAT_VERSION, data };
}

/**
 * The decomposition `serialize` saved (from the object or its JSON text), with
 * its `kind` field; typed arrays come back as they were. Errors:
 * INVALID_ARGUMENT for a damaged form, an unknown kind or a format version
 * newer than this package reads.
 */
export function deserialize(json: SerializedDecomposition | string): Decomposition & { kind: DecompositionKind } {
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
  if (o.version > DECOMPOSITION_FORMAT_VERSION) {
    throw new LowrankError("INVALID_ARGUMENT", `deserialize: format version ${o.version} is newer than this library reads (up to ${DECOMPOSITION_FORMAT_VERSION}); upgrade @lowrank/tensor-network`);
  }
  const kind = decompositionKind({ kind: o.kind });
  if (kind === undefined) throw new LowrankError("INVALID_ARGUMENT", `deserialize: unknown kind ${JSON.stringify(o.kind) ?? "undefined"}`);
  if (o.data === null || typeof o.data !== "object" || Array.isArray(o.data)) throw new LowrankError("INVALID_ARGUMENT", "deserialize: data must be an object");
  return { ...(decode(o.data, 0) as object), kind } as Decomposition & { kind: DecompositionKind };
}
