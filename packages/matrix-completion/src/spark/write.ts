// Writing a CompletionModel in the layout of Spark's ALSModel.save (see
// layout.ts), so that ALSModel.load reads it. Spark holds float32 factors:
// each float64 factor is rounded to the nearest float32 (Math.fround).
import { LowrankError, opt } from "@lowrank/linalg";
import { parquetWriteBuffer } from "hyparquet-writer";
import { CompletionModel } from "../model.js";
import { readOpts } from "../options.js";
import { FACTOR_SCHEMA, metadataLine, randomHex, randomUuid, ROW_METADATA, sparkError, type SparkAlsParams } from "./layout.js";

/** Options of {@link writeSparkAls}. */
export interface WriteSparkAlsOptions {
  /**
   * Write a model that has a global mean or biases anyway, without them
   * (Spark's ALS has none, so its predictions are then uᵀv alone). Default
   * false: such a model is refused with INVALID_ARGUMENT.
   */
  dropBiases?: boolean;
  /** Parquet compression: "snappy" (Spark's default) or "none". */
  compression?: "snappy" | "none";
  /** The model's uid (default "als_" and 12 random hex digits, as Spark names them). */
  uid?: string;
  /** Save time in ms since 1970 (default now). */
  timestamp?: number;
  /** The sparkVersion recorded (default "3.5.0"). The metadata is for Spark 3 and 4: its defaults include blockSize, which Spark 2 does not know. */
  sparkVersion?: string;
  /** ALSModel parameters to record as set (userCol, itemCol, predictionCol, coldStartStrategy, blockSize). */
  params?: SparkAlsParams;
}

const nonEmpty = (what: string) => (v: unknown, path: string): string => {
  if (typeof v !== "string" || v === "") throw new LowrankError("INVALID_ARGUMENT", `${path} must be a non-empty string (${what}), got ${v === null ? "null" : typeof v}`);
  return v;
};

const WRITE_OPTIONS = {
  dropBiases: opt.boolean(),
  compression: opt.oneOf(["snappy", "none"] as const),
  uid: nonEmpty("the model's uid"),
  timestamp: opt.int({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  sparkVersion: nonEmpty('e.g. "3.5.0"'),
  params: opt.object({
    userCol: nonEmpty("a column name"),
    itemCol: nonEmpty("a column name"),
    predictionCol: nonEmpty("a column name"),
    coldStartStrategy: opt.oneOf(["nan", "drop"] as const),
    blockSize: opt.int({ min: 1 }),
  }),
};

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/** The Spark ids of one side: the model's ids when it holds them (each an int32 in canonical decimal form), else 0..n-1. */
function sparkIds(where: string, ids: readonly string[] | undefined, n: number, side: string): Int32Array {
  const out = new Int32Array(n);
  if (!ids) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const s = ids[i], v = Number(s);
    if (!/^-?\d+$/.test(s) || String(v) !== s || v < INT32_MIN || v > INT32_MAX) {
      throw sparkError("INVALID_ARGUMENT", where, `${side} id ${JSON.stringify(s)} (index ${i}) is not a 32-bit integer: Spark's ALS ids are ints; attach integer ids with model.withIds(...) first`);
    }
    if (seen.has(v)) throw sparkError("INDEX", where, `${side} id ${s} appears more than once`);
    seen.add(v);
    out[i] = v;
  }
  return out;
}

/** One factor table as a Parquet file with Spark's schema. */
function factorTable(where: string, ids: Int32Array, X: Float64Array, k: number, side: string, codec: "SNAPPY" | "UNCOMPRESSED", sparkVersion: string): Uint8Array {
  const features: number[][] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const row = new Array<number>(k);
    for (let t = 0; t < k; t++) {
      const f = Math.fround(X[i * k + t]);
      if (f - f !== 0) throw sparkError("NON_FINITE", where, `${side} factor (${i}, ${t}) = ${X[i * k + t]} is beyond float32 range`);
      row[t] = f;
    }
    features[i] = row;
  }
  const buffer = parquetWriteBuffer({
    columnData: [
      // Plain encoding: the writer's dictionary keys would merge -0 with 0.
      { name: "id", data: ids, encoding: "PLAIN", offsetIndex: false },
      { name: "features", data: features, encoding: "PLAIN", offsetIndex: false },
    ],
    schema: FACTOR_SCHEMA.map((e) => ({ ...e })) as never,
    codec,
    kvMetadata: [
      { key: "org.apache.spark.version", value: sparkVersion },
      { key: "org.apache.spark.sql.parquet.row.metadata", value: ROW_METADATA },
    ],
    createdBy: "@lowrank/matrix-completion (hyparquet-writer)",
  });
  return new Uint8Array(buffer);
}

function hasBiases(m: CompletionModel): boolean {
  return m.globalMean !== 0 || m.rowBias.some((v) => v !== 0) || m.colBias.some((v) => v !== 0);
}

/**
 * The files of `model` in the layout of Spark's `ALSModel.save(path)`, as a
 * Map from path relative to the model directory to bytes: metadata/part-00000
 * (the JSON line with the rank), and userFactors/ and itemFactors/, one
 * Parquet part file each (id int32, features array<float>), with empty
 * _SUCCESS markers. Users are the model's rows, items its columns; the ids
 * written are `model.ids` when held (they must be 32-bit integers, as
 * parseRatings gives for numeric ids), else the indices. Factors are rounded
 * to float32. The clamp range, history and observed entries are not part of
 * Spark's model and are not written.
 *
 * Errors: INVALID_ARGUMENT (not a model; a model with a global mean or
 * biases, unless dropBiases; ids that are not 32-bit integers; options),
 * INDEX (an id twice), NON_FINITE (a factor beyond float32 range).
 *
 * @example
 * const files = writeSparkAls(model, { dropBiases: true });
 * // ALSModel.load(dir) in Spark, after writing each file under dir
 */
export function writeSparkAls(model: CompletionModel, options: WriteSparkAlsOptions = {}): Map<string, Uint8Array> {
  const where = "writeSparkAls";
  const o = readOpts(where, options, WRITE_OPTIONS);
  if (!(model instanceof CompletionModel)) throw sparkError("INVALID_ARGUMENT", where, "model must be a CompletionModel");
  if (!o.dropBiases && hasBiases(model)) {
    throw sparkError("INVALID_ARGUMENT", where, "this model has a global mean or row/column biases, which Spark's ALS model cannot hold. Pass { dropBiases: true } to write the factors alone (predictions are then uᵀv), or fit with { biases: false }");
  }
  const k = model.rank;
  const userIds = sparkIds(where, model.ids?.rowIds, model.rows, "user");
  const itemIds = sparkIds(where, model.ids?.colIds, model.cols, "item");
  const sparkVersion = o.sparkVersion ?? "3.5.0";
  const codec = o.compression === "none" ? "UNCOMPRESSED" : "SNAPPY";
  const name = `part-00000-${randomUuid()}-c000${codec === "SNAPPY" ? ".snappy" : ""}.parquet`;
  const files = new Map<string, Uint8Array>();
  const meta = metadataLine({ timestamp: o.timestamp ?? Date.now(), sparkVersion, uid: o.uid ?? `als_${randomHex(12)}`, paramMap: { ...o.params }, rank: k });
  files.set("metadata/part-00000", new TextEncoder().encode(meta));
  files.set("metadata/_SUCCESS", new Uint8Array(0));
  files.set(`userFactors/${name}`, factorTable(where, userIds, model.U, k, "user", codec, sparkVersion));
  files.set("userFactors/_SUCCESS", new Uint8Array(0));
  files.set(`itemFactors/${name}`, factorTable(where, itemIds, model.V, k, "item", codec, sparkVersion));
  files.set("itemFactors/_SUCCESS", new Uint8Array(0));
  return files;
}
