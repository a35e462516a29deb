// Saving and loading results. Every result is plain data (objects, numbers
// and typed arrays), so structuredClone and postMessage copy it as it is.
// JSON.stringify would turn a typed array into {"0": ...}: `serialize` writes
// a JSON-safe form (each typed array as base64 of its little-endian bytes,
// bit-exact, -0 and all) with the result's `kind` and a format `version`,
// and `deserialize` turns it back.
import { checkResultVersion, decodeTypedArrays as decode, encodeTypedArrays as encode, LowrankError, readSerialized } from "@lowrank/linalg";

/** The format version of results (every result's `version` field) and of `serialize`'s output. */
export const RESULT_FORMAT_VERSION = 1;

/** `serialize`'s output: JSON-safe plain data. */
export interface SerializedResult {
  kind: string;
  version: number;
  /** The result's fields, typed arrays as `{ $typed: "Float64Array", base64 }`. */
  data: Record<string, unknown>;
}

/**
 * A result (of `sample`, `coreset`, `leverageScores`, `lewisWeights`, ...) as
 * JSON-safe data: `kind` (the result's own, or the one given, e.g.
 * "lewis-weights"), `version`, and its fields with every typed array as base64
 * of its little-endian bytes. `deserialize` restores it bit for bit.
 * Errors: INVALID_ARGUMENT for a non-object, a result without a kind, or
 * one whose `version` is newer than this package reads.
 *
 * @example
 * const text = JSON.stringify(serialize(coreset(A, b, { p: 1, size: 200 })));
 * const again = deserialize(text); // typed arrays back, bit-identical
 */
export function serialize(result: object, kind?: string): SerializedResult {
  if (result === null || typeof result !== "object" || Array.isArray(result) || ArrayBuffer.isView(result)) {
    throw new LowrankError("INVALID_ARGUMENT", "serialize: expected a result object");
  }
  const k = kind ?? (result as { kind?: unknown }).kind;
  if (typeof k !== "string" || k === "") throw new LowrankError("INVALID_ARGUMENT", "serialize: the result has no kind; pass one, e.g. serialize(r, \"lewis-weights\")");
  checkResultVersion(result, RESULT_FORMAT_VERSION, "@lowrank/sensitivity-sampling", "serialize");
  const data = encode(result, 0) as Record<string, unknown>;
  delete data.kind;
  delete data.version;
  return { kind: k, version: RESULT_FORMAT_VERSION, data };
}

/**
 * The result `serialize` saved (from the object or its JSON text), with its
 * `kind` and `version` fields. Errors: INVALID_ARGUMENT for a damaged form or
 * a format version newer than this package reads.
 */
export function deserialize<T extends object = Record<string, unknown>>(json: SerializedResult | string): T & { kind: string; version: number } {
  const o = readSerialized(json, RESULT_FORMAT_VERSION, "@lowrank/sensitivity-sampling");
  if (typeof o.kind !== "string" || o.kind === "") throw new LowrankError("INVALID_ARGUMENT", "deserialize: kind must be a non-empty string");
  return { ...(decode(o.data, 0) as object), kind: o.kind, version: o.version } as T & { kind: string; version: number };
}
