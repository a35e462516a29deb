// Reading a Spark ALSModel directory (see layout.ts) into a CompletionModel.
// Spark stores each factor as float32; reading widens it to float64, which is
// exact, so a prediction here is the dot product of exactly Spark's numbers.
import { checkSize, LowrankError, opt } from "@lowrank/linalg";
import { parquetMetadata, parquetReadObjects, parquetSchema, type SchemaTree } from "hyparquet";
import { CompletionModel } from "../model.js";
import { readOpts } from "../options.js";
import { normaliseFiles, parseMetadata, partFiles, sparkError, type SparkAlsMetadata, type SparkFiles } from "./layout.js";
import { checkPages } from "./pages.js";

/** A decompressor for a codec hyparquet does not decode itself (it decodes SNAPPY and UNCOMPRESSED). */
export type SparkDecompressor = (input: Uint8Array, outputLength: number) => Uint8Array;

/** Options of {@link readSparkAls}. */
export interface ReadSparkAlsOptions {
  /**
   * The ridge `foldIn` uses for new rows, per observation as Spark's regParam
   * (a Spark model does not record its regParam). Default 0.1, Spark's default.
   */
  lambda?: number;
  /**
   * Decompressors by codec name ("GZIP", "ZSTD", "BROTLI", "LZ4", "LZ4_RAW")
   * for models saved with spark.sql.parquet.compression.codec other than
   * snappy or none, e.g. those of the hyparquet-compressors package.
   */
  compressors?: Partial<Record<string, SparkDecompressor>>;
}

const READ_OPTIONS = {
  lambda: opt.number({ min: 0, max: 1e100 }),
  compressors: opt.any<Partial<Record<string, SparkDecompressor>>>(),
};

/** One factor table: ids in file order and the features, row-major. */
interface FactorTable {
  ids: number[];
  features: Float64Array;
}

function leaves(t: SchemaTree): SchemaTree[] {
  return t.children.length === 0 ? [t] : t.children.flatMap(leaves);
}

/** Refuses a part file whose schema is not Spark's id / features table (either list encoding Spark writes). */
function checkSchema(where: string, path: string, tree: SchemaTree): void {
  const find = (name: string) => tree.children.find((c) => c.element.name === name);
  const id = find("id"), features = find("features");
  if (!id || !features) {
    throw sparkError("INVALID_ARGUMENT", where, `${path} has columns ${tree.children.map((c) => c.element.name).join(", ") || "none"}; a Spark factor table has id and features`);
  }
  if (id.children.length > 0 || id.element.type !== "INT32" || id.element.repetition_type === "REPEATED") {
    throw sparkError("INVALID_ARGUMENT", where, `${path}: id must be an int32 column, got ${id.element.type ?? "a group"}`);
  }
  const isList = features.element.converted_type === "LIST" || features.element.logical_type?.type === "LIST";
  const leaf = leaves(features);
  if (!isList || leaf.length !== 1 || leaf[0].element.type !== "FLOAT") {
    throw sparkError("INVALID_ARGUMENT", where, `${path}: features must be a list of float (array<float>), got ${isList ? `a list of ${leaf.map((l) => l.element.type).join(", ")}` : features.element.type ?? "a group that is not a list"}`);
  }
}

function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  return b.slice().buffer as ArrayBuffer;
}

async function readTable(
  where: string, files: Map<string, Uint8Array>, folder: string, rank: number,
  compressors: Partial<Record<string, SparkDecompressor>> | undefined,
): Promise<FactorTable> {
  const parts = partFiles(files, folder);
  if (parts.length === 0) throw sparkError("INVALID_ARGUMENT", where, `no ${folder}/part-* file: the model directory is incomplete`);
  const ids: number[] = [];
  const chunks: Float64Array[] = [];
  const seen = new Set<number>();
  for (const [path, bytes] of parts) {
    const file = arrayBufferOf(bytes);
    let rows: Record<string, unknown>[];
    try {
      const metadata = parquetMetadata(file);
      checkSchema(where, path, parquetSchema(metadata));
      checkPages(file, metadata, compressors);
      rows = await parquetReadObjects({ file, metadata, columns: ["id", "features"], compressors: compressors as never });
    } catch (e) {
      if (e instanceof LowrankError) throw e;
      throw sparkError("INVALID_ARGUMENT", where, `${path} is not a readable Parquet file (${(e as Error).message})`);
    }
    checkSize((ids.length + rows.length) * rank, `${where}: ${folder}`);
    const block = new Float64Array(rows.length * rank);
    for (let r = 0; r < rows.length; r++) {
      const { id, features } = rows[r];
      if (typeof id !== "number" || !Number.isInteger(id)) throw sparkError("INVALID_ARGUMENT", where, `${path} row ${r}: id is ${id === null ? "null" : typeof id}`);
      if (seen.has(id)) throw sparkError("INDEX", where, `${folder}: id ${id} appears more than once`);
      seen.add(id);
      if (!Array.isArray(features)) throw sparkError("INVALID_ARGUMENT", where, `${folder}: id ${id} has no features (null)`);
      if (features.length !== rank) throw sparkError("SHAPE", where, `${folder}: id ${id} has ${features.length} features, the metadata's rank is ${rank}`);
      for (let t = 0; t < rank; t++) {
        const v = features[t];
        if (typeof v !== "number") throw sparkError("INVALID_ARGUMENT", where, `${folder}: id ${id} feature ${t} is ${v === null ? "null" : typeof v}`);
        if (v - v !== 0) throw sparkError("NON_FINITE", where, `${folder}: id ${id} feature ${t} is ${v}`);
        block[r * rank + t] = v;
      }
      ids.push(id);
    }
    chunks.push(block);
  }
  if (ids.length === 0) throw sparkError("EMPTY", where, `${folder} has no rows`);
  const features = new Float64Array(ids.length * rank);
  let at = 0;
  for (const c of chunks) {
    features.set(c, at);
    at += c.length;
  }
  return { ids, features };
}

/**
 * The metadata of a saved Spark ALSModel (class, uid, sparkVersion,
 * paramMap, defaultParamMap, rank). INVALID_ARGUMENT when metadata/ is
 * missing, is not JSON, names another class or has no rank.
 */
export function readSparkAlsMetadata(files: SparkFiles): SparkAlsMetadata {
  return parseMetadata("readSparkAlsMetadata", normaliseFiles("readSparkAlsMetadata", files));
}

/**
 * A Spark MLlib ALSModel, as `ALSModel.save(path)` wrote it, as a
 * CompletionModel: `files` maps each path relative to the model directory
 * ("metadata/part-00000", "userFactors/part-00000-….snappy.parquet", ...)
 * to its bytes. Rows are the users and columns the items, in the order of
 * their part files (sorted by name) and of the rows inside each; the Spark
 * ids are attached as `model.ids` (rowIds[i] = String(user id of row i)).
 * The model predicts uᵀv exactly (float32 factors widened to float64, no
 * biases, no clamping), holds no observed entries (pass `exclude` to
 * `recommend`), and folds new users in with ridge `lambda` · n (ALS-WR).
 *
 * Errors: INVALID_ARGUMENT (no metadata, another class, no rank, a part
 * file that is not Parquet or not Spark's schema, null ids or features, a
 * codec without a decompressor), SHAPE (features of a length other than the
 * rank), NON_FINITE (NaN or infinite features), INDEX (an id twice), EMPTY,
 * TOO_LARGE.
 *
 * @example
 * const model = await readSparkAls(filesFromZip);
 * model.recommend(model.ids.rowIds.indexOf("42"), 10, { exclude: "none" });
 */
export async function readSparkAls(files: SparkFiles, options: ReadSparkAlsOptions = {}): Promise<CompletionModel> {
  const where = "readSparkAls";
  const o = readOpts(where, options, READ_OPTIONS);
  if (o.compressors !== undefined && (o.compressors === null || typeof o.compressors !== "object")) {
    throw sparkError("INVALID_ARGUMENT", where, "compressors must be an object of codec name -> function");
  }
  const map = normaliseFiles(where, files);
  const meta = parseMetadata(where, map);
  const k = meta.rank;
  const users = await readTable(where, map, "userFactors", k, o.compressors);
  const items = await readTable(where, map, "itemFactors", k, o.compressors);
  const rows = users.ids.length, cols = items.ids.length;
  return new CompletionModel(
    "als", rows, cols, k, users.features, items.features, new Float64Array(rows), new Float64Array(cols), 0,
    [-Number.MAX_VALUE, Number.MAX_VALUE], [],
    { lambda: o.lambda ?? 0.1, biasLambda: 0, weighted: true, biases: false },
    { ptr: new Int32Array(rows + 1), cols: new Int32Array(0) },
    { rowIds: users.ids.map(String), colIds: items.ids.map(String) },
  );
}
