// Saving and loading decompositions. Results are plain objects of typed
// arrays, so structuredClone copies them as they are; JSON.stringify would
// turn a Float64Array into {"0": ...}, so `serialize` writes a JSON-safe form
// (each typed array as base64 of its little-endian bytes, bit-exact, -0 and
// all) tagged with the decomposition's `kind` and a format `version`, and
// `deserialize` turns it back. `reconstruct` and the other entry points
// accept both the live and the deserialized form.
import { checkResultVersion, decodeTypedArrays as decode, encodeTypedArrays as encode, LowrankError, readSerialized, RESULT_VERSION } from "@lowrank/linalg";
import type { CoreShapeResult } from "./core-shape.js";
import type { GeneralSearchResult, SearchStructureResult } from "./search-structure.js";
import type { Decomposition, DecompositionKind } from "./types.js";

export type { DecompositionKind };

/** What `serialize` saves: a decomposition, or a `coreShape` / `searchStructure` result. */
export type SavedResult = Decomposition | CoreShapeResult | SearchStructureResult | GeneralSearchResult;
/** The `kind` of a {@link SavedResult}. */
export type SavedKind = SavedResult["kind"];
const RESULT_KINDS = ["core-shape", "structure-search"] as const;

/** The newest format version `serialize` writes and `deserialize` reads. */
export const DECOMPOSITION_FORMAT_VERSION = 1;

/** `serialize`'s output: JSON-safe plain data. */
export interface SerializedDecomposition<K extends SavedKind = SavedKind> {
  kind: K;
  version: number;
  /** The decomposition's fields, typed arrays as `{ $typed: "Float64Array", base64 }`. */
  data: Record<string, unknown>;
}

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

/** The kind of anything `serialize` saves: a decomposition's, or a search result's `kind` field. */
function savedKind(d: unknown): SavedKind | undefined {
  const k = d !== null && typeof d === "object" ? (d as { kind?: unknown }).kind : undefined;
  return RESULT_KINDS.find((r) => r === k) ?? decompositionKind(d);
}

/**
 * A decomposition (or a `coreShape` / `searchStructure` result) as JSON-safe data (`kind`, `version`, and its fields with
 * every typed array as base64 of its little-endian bytes): `JSON.stringify`
 * it, store it, and `deserialize` restores the decomposition bit for bit.
 * Errors: INVALID_ARGUMENT for something that is not a decomposition, or
 * one whose `version` is newer than this package reads.
 *
 * @example
 * const text = JSON.stringify(serialize(await tucker(X, { rank: 4 })));
 * const Y = reconstruct(deserialize(text));
 */
export function serialize<K extends SavedKind>(d: SavedResult & { kind: K }): SerializedDecomposition<K>;
export function serialize(d: object): SerializedDecomposition<DecompositionKind>;
export function serialize(d: SavedResult | object): SerializedDecomposition {
  const kind = savedKind(d);
  if (kind === undefined) throw new LowrankError("INVALID_ARGUMENT", "serialize: expected a Tucker, CP, tensor train / ring or general network decomposition, or a coreShape / searchStructure result");
  checkResultVersion(d, RESULT_VERSION, "@lowrank/tensor-network", "serialize");
  const data = encode(d, 0) as Record<string, unknown>;
  delete data.kind;
  delete data.version;
  return { kind, version: DECOMPOSITION_FORMAT_VERSION, data };
}

/**
 * The decomposition (or search result) `serialize` saved (from the object or
 * its JSON text), with its `kind` and `version` fields; typed arrays come back
 * as they were. From JSON text the type is a decomposition unless you name
 * another, e.g. `deserialize<CoreShapeResult>(text)`. Errors:
 * INVALID_ARGUMENT for a damaged form, an unknown kind or a format version
 * newer than this package reads.
 */
export function deserialize<T extends SavedResult = Decomposition>(json: SerializedDecomposition<DecompositionKind> | string): NoInfer<T>;
export function deserialize(json: SerializedDecomposition<"core-shape">): CoreShapeResult;
export function deserialize(json: SerializedDecomposition<"structure-search">): SearchStructureResult | GeneralSearchResult;
export function deserialize(json: SerializedDecomposition): SavedResult;
export function deserialize(json: SerializedDecomposition | string): SavedResult {
  const o = readSerialized(json, DECOMPOSITION_FORMAT_VERSION, "@lowrank/tensor-network");
  const kind = savedKind({ kind: o.kind });
  if (kind === undefined) throw new LowrankError("INVALID_ARGUMENT", `deserialize: unknown kind ${JSON.stringify(o.kind) ?? "undefined"}`);
  return { ...(decode(o.data, 0) as object), kind, version: RESULT_VERSION } as SavedResult;
}
