// The directory layout of a Spark MLlib ALSModel as its save() writes it, on an
// in-memory map of relative paths to bytes (docs/ARCHITECTURE.md,
// "@lowrank/matrix-completion: Spark ALS models"):
//
//   metadata/part-00000     one JSON line: class, timestamp, sparkVersion, uid,
//                           paramMap, defaultParamMap, and the rank at top level
//   userFactors/*.parquet   id: required int32, features: optional LIST of required float
//   itemFactors/*.parquet   the same schema
//
// Names starting with "_" or "." (_SUCCESS, .crc checksums) are bookkeeping
// that Spark's readers skip; so do we.
import { LowrankError } from "@lowrank/linalg";

/** The class name Spark writes into an ALS model's metadata. */
export const ALS_MODEL_CLASS = "org.apache.spark.ml.recommendation.ALSModel";

/** The files of a model directory: relative path ("userFactors/part-00000-….snappy.parquet") to bytes. */
export type SparkFiles =
  | ReadonlyMap<string, Uint8Array | ArrayBuffer>
  | Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** The parameters an ALSModel carries (the training parameters regParam, maxIter, ... stay with the estimator). */
export interface SparkAlsParams {
  userCol?: string;
  itemCol?: string;
  predictionCol?: string;
  coldStartStrategy?: "nan" | "drop";
  blockSize?: number;
}

/** The metadata JSON of a saved ALSModel. */
export interface SparkAlsMetadata {
  class: string;
  /** Milliseconds since 1970 when the model was saved. */
  timestamp: number;
  sparkVersion: string;
  uid: string;
  /** Parameters set explicitly. */
  paramMap: Record<string, unknown>;
  /** Parameters left at their defaults (written by Spark 2.4 and later). */
  defaultParamMap: Record<string, unknown>;
  rank: number;
}

/** The defaults Spark 3 and 4 record for an ALSModel's parameters. */
export const DEFAULT_PARAMS: Readonly<Required<SparkAlsParams>> = {
  blockSize: 4096, coldStartStrategy: "nan", itemCol: "item", predictionCol: "prediction", userCol: "user",
};

/** The Parquet schema Spark writes for a factor table (non-legacy three-level list). */
export const FACTOR_SCHEMA = [
  { name: "spark_schema", num_children: 2 },
  { name: "id", type: "INT32", repetition_type: "REQUIRED" },
  { name: "features", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "FLOAT", repetition_type: "REQUIRED" },
] as const;

/** Spark's own description of the same table, kept in the file's key-value metadata (Spark prefers it when present). */
export const ROW_METADATA = JSON.stringify({
  type: "struct",
  fields: [
    { name: "id", type: "integer", nullable: false, metadata: {} },
    { name: "features", type: { type: "array", elementType: "float", containsNull: false }, nullable: true, metadata: {} },
  ],
});

export function sparkError(code: ConstructorParameters<typeof LowrankError>[0], where: string, msg: string): LowrankError {
  return new LowrankError(code, `${where}: ${msg}`);
}

const hidden = (name: string) => name.startsWith("_") || name.startsWith(".");

function asBytes(where: string, path: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw sparkError("INVALID_ARGUMENT", where, `files["${path}"] must be a Uint8Array or an ArrayBuffer, got ${v === null ? "null" : typeof v}`);
}

/**
 * The files as a Map with normalised paths ("\" to "/", no leading "./" or
 * "/"), relative to the model directory: when the paths carry the folders
 * above it ("models/als/metadata/part-00000", a zipped directory), the one
 * prefix before metadata/ is removed, and files outside it are left out.
 */
export function normaliseFiles(where: string, files: unknown): Map<string, Uint8Array> {
  let entries: [string, unknown][];
  if (files instanceof Map) entries = [...files.entries()];
  else if (files !== null && typeof files === "object" && !Array.isArray(files) && !ArrayBuffer.isView(files)) entries = Object.entries(files);
  else throw sparkError("INVALID_ARGUMENT", where, `files must be a Map or an object of relative path -> bytes, got ${files === null ? "null" : Array.isArray(files) ? "an array" : typeof files}`);
  const out = new Map<string, Uint8Array>();
  for (const [key, v] of entries) {
    if (typeof key !== "string") throw sparkError("INVALID_ARGUMENT", where, "every path must be a string");
    const path = key.replace(/\\/g, "/").replace(/^(\.?\/)+/, "");
    out.set(path, asBytes(where, key, v));
  }
  // The model directory is the folder holding metadata/: strip what precedes it when that is one prefix.
  const roots = new Set<string>();
  for (const p of out.keys()) {
    const at = p.lastIndexOf("metadata/");
    if (at >= 0 && (at === 0 || p[at - 1] === "/") && !p.slice(at + 9).includes("/")) roots.add(p.slice(0, at));
  }
  if (roots.size !== 1 || roots.has("")) return out;
  const [root] = roots;
  return new Map([...out].filter(([p]) => p.startsWith(root)).map(([p, b]) => [p.slice(root.length), b]));
}

/** The data files directly inside `folder` (hidden names skipped), sorted by name. */
export function partFiles(files: Map<string, Uint8Array>, folder: string): [string, Uint8Array][] {
  const parts: [string, Uint8Array][] = [];
  for (const [path, bytes] of files) {
    if (!path.startsWith(folder + "/")) continue;
    const name = path.slice(folder.length + 1);
    if (name.includes("/") || name === "" || hidden(name)) continue;
    parts.push([path, bytes]);
  }
  return parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const plainObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);

/** Parses the metadata folder: the first line of its first non-empty part file. */
export function parseMetadata(where: string, files: Map<string, Uint8Array>): SparkAlsMetadata {
  const parts = partFiles(files, "metadata").filter(([, b]) => b.length > 0);
  if (parts.length === 0) {
    throw sparkError("INVALID_ARGUMENT", where, "no metadata/part-* file: not a saved Spark model directory (expected metadata/, userFactors/ and itemFactors/)");
  }
  const [path, bytes] = parts[0];
  let json: unknown;
  try {
    const line = new TextDecoder("utf-8", { fatal: true }).decode(bytes).split("\n")[0];
    json = JSON.parse(line);
  } catch (e) {
    throw sparkError("INVALID_ARGUMENT", where, `${path} is not a JSON line (${(e as Error).message})`);
  }
  if (!plainObject(json)) throw sparkError("INVALID_ARGUMENT", where, `${path} must hold a JSON object`);
  if (json.class !== ALS_MODEL_CLASS) {
    throw sparkError("INVALID_ARGUMENT", where, `${path} describes ${typeof json.class === "string" ? json.class : "no class"}, not ${ALS_MODEL_CLASS}`);
  }
  const rank = json.rank;
  if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 1) {
    throw sparkError("INVALID_ARGUMENT", where, `${path} must give the rank as a positive integer, got ${rank === undefined ? "none" : JSON.stringify(rank)}`);
  }
  const paramMap = plainObject(json.paramMap) ? json.paramMap : {};
  const defaultParamMap = plainObject(json.defaultParamMap) ? json.defaultParamMap : {};
  return {
    class: json.class, rank, paramMap: { ...paramMap }, defaultParamMap: { ...defaultParamMap },
    timestamp: typeof json.timestamp === "number" ? json.timestamp : NaN,
    sparkVersion: typeof json.sparkVersion === "string" ? json.sparkVersion : "",
    uid: typeof json.uid === "string" ? json.uid : "",
  };
}

/** The metadata line Spark writes (keys in Spark's order), with its trailing newline. */
export function metadataLine(m: { timestamp: number; sparkVersion: string; uid: string; paramMap: SparkAlsParams; rank: number }): string {
  return JSON.stringify({
    class: ALS_MODEL_CLASS, timestamp: m.timestamp, sparkVersion: m.sparkVersion, uid: m.uid,
    paramMap: m.paramMap, defaultParamMap: DEFAULT_PARAMS, rank: m.rank,
  }) + "\n";
}

/** Random lowercase hex digits (crypto when the platform has it). */
export function randomHex(n: number): string {
  const bytes = new Uint8Array(Math.ceil(n / 2));
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let q = 0; q < bytes.length; q++) bytes[q] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, n);
}

/** A version-4 UUID string, as Spark puts in its part-file names. */
export function randomUuid(): string {
  const h = randomHex(32).split("");
  h[12] = "4";
  h[16] = "89ab"[parseInt(h[16], 16) & 3];
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
