// Builds Spark ALSModel directories in memory for the spark tests, with the
// Parquet writer directly and the schema Spark writes (not through
// writeSparkAls, so that the reader is tested against an independent build).
import { parquetWriteBuffer } from "hyparquet-writer";

export const SPARK_CLASS = "org.apache.spark.ml.recommendation.ALSModel";

/** Spark's factor-table schema: required int32 id, optional three-level LIST of required float. */
export function sparkSchema(element: "FLOAT" | "DOUBLE" = "FLOAT", id: "INT32" | "INT64" = "INT32") {
  return [
    { name: "spark_schema", num_children: 2 },
    { name: "id", type: id, repetition_type: "REQUIRED" },
    { name: "features", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", type: element, repetition_type: "REQUIRED" },
  ];
}

export interface PartOptions {
  codec?: "SNAPPY" | "UNCOMPRESSED" | "GZIP";
  compressors?: Record<string, (input: Uint8Array) => Uint8Array>;
  element?: "FLOAT" | "DOUBLE";
  id?: "INT32" | "INT64";
  rowGroupSize?: number;
  nullableElements?: boolean;
}

/** One Parquet part file of a factor table. */
export function sparkPart(ids: readonly number[], features: readonly (readonly number[] | null)[], o: PartOptions = {}): Uint8Array {
  const schema = sparkSchema(o.element, o.id);
  if (o.nullableElements) schema[4].repetition_type = "OPTIONAL";
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "id", data: o.id === "INT64" ? ids.map((v) => BigInt(v)) : Int32Array.from(ids) },
      { name: "features", data: features.map((f) => (f === null ? null : Array.from(f))) },
    ],
    schema: schema as never,
    codec: o.codec ?? "SNAPPY",
    compressors: o.compressors as never,
    rowGroupSize: o.rowGroupSize,
    kvMetadata: [{ key: "org.apache.spark.version", value: "3.5.1" }],
  });
  return new Uint8Array(buf);
}

/** The metadata line Spark 3.5 writes for an ALSModel of this rank. */
export function sparkMetadata(rank: number | undefined, cls = SPARK_CLASS): Uint8Array {
  const m: Record<string, unknown> = {
    class: cls, timestamp: 1733500000000, sparkVersion: "3.5.1", uid: "als_5f0c2d9e7a1b",
    paramMap: { userCol: "userId", itemCol: "movieId", coldStartStrategy: "drop" },
    defaultParamMap: { blockSize: 4096, coldStartStrategy: "nan", itemCol: "item", predictionCol: "prediction", userCol: "user" },
  };
  if (rank !== undefined) m.rank = rank;
  return new TextEncoder().encode(JSON.stringify(m) + "\n");
}

/** A deterministic generator of float32 values in (-1, 1). */
export function floats(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return Math.fround((s / 2 ** 32) * 2 - 1);
  };
}

export interface SparkSide {
  ids: number[];
  features: number[][];
}

/** A side of `n` rows with shuffled, sparse ids and random float32 features. */
export function sparkSide(n: number, k: number, seed: number): SparkSide {
  const rnd = floats(seed);
  const ids = Array.from({ length: n }, (_, i) => 7 * i + 3 + (i % 5));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(((rnd() + 1) / 2) * (i + 1)) % (i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return { ids, features: ids.map(() => Array.from({ length: k }, rnd)) };
}

/**
 * A model directory as Spark writes it: metadata/part-00000 and _SUCCESS,
 * each factor table split over `parts` part files (plus one empty part, as
 * an empty partition gives), _SUCCESS and .crc checksum files.
 */
export function sparkDirectory(k: number, users: SparkSide, items: SparkSide, parts = 3, o: PartOptions = {}): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set("metadata/part-00000", sparkMetadata(k));
  files.set("metadata/_SUCCESS", new Uint8Array(0));
  files.set("metadata/.part-00000.crc", new Uint8Array([1, 2, 3]));
  for (const [folder, side] of [["userFactors", users], ["itemFactors", items]] as const) {
    const per = Math.ceil(side.ids.length / parts);
    for (let p = 0; p < parts; p++) {
      const name = `part-0000${p}-1b7c3e4f-9a2d-4c1e-8f3b-2d6e5a4c3b1a-c000.snappy.parquet`;
      files.set(`${folder}/${name}`, sparkPart(side.ids.slice(p * per, (p + 1) * per), side.features.slice(p * per, (p + 1) * per), o));
      files.set(`${folder}/.${name}.crc`, new Uint8Array([9, 9]));
    }
    files.set(`${folder}/part-0000${parts}-1b7c3e4f-9a2d-4c1e-8f3b-2d6e5a4c3b1a-c000.snappy.parquet`, sparkPart([], [], o));
    files.set(`${folder}/_SUCCESS`, new Uint8Array(0));
  }
  return files;
}

/** uᵀv in float64 over the float32 factors, summed in order (what the model must predict). */
export function dot(u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let t = 0; t < u.length; t++) s += u[t] * v[t];
  return s;
}
