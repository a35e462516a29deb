// Spark ALS interop beyond the main layout test: files from another Parquet
// writer (DuckDB: optional id, optional elements, dictionary pages, other
// codecs), Spark's legacy two-level list, a codec needing a decompressor,
// malformed directories and their LowrankError codes, and the Node helpers.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parquetWriteBuffer } from "hyparquet-writer";
import { CompletionModel } from "../src/index.js";
import { loadSparkAls, readSparkAls, saveSparkAls } from "../src/spark/index.js";
import { codeOf } from "./helpers.js";
import { dot, sparkDirectory, sparkMetadata, sparkPart, sparkSchema, sparkSide } from "./spark-fixture.js";

// Written by DuckDB 1.x from a table (id INTEGER NOT NULL, features FLOAT[]) with COPY ... (FORMAT parquet):
// users (snappy) and items (uncompressed, and zstd) hold ids 5, 2, 9 with features
// [0.5, -1.25, 3], [1, 2, 0.1], [0, 0.001, 7.5] (DuckDB stores the literal -0.0 as +0); the dictionary
// file holds 300 rows, id 2i + 1 with features [(i % 4) - 1.5, (i % 3) / 4, 0 - (i % 5)], its floats
// dictionary-encoded.
const DUCK_USERS_SNAPPY =
  "UEFSMRUAFSQVKCwVBhUAFQYVBgAAEkQCAAAABgEFAAAAAgAAAAkAAAAVABWeARVwLBUSFQAVBhUGAABPHCEAAABBtgEAcgEApAIAAAASAwAAAD" +
  "8AAKC/AABAQAAAgD8AAABAzczMPQAAAABvEoM6AADwQBUCGVw1ABgNZHVja2RiX3NjaGVtYRUEABUCJQIYAmlkJSIANQIYCGZlYXR1cmVzFQIV" +
  "BgA1BBgEbGlzdBUCABUIJQIYB2VsZW1lbnQAFgYZHBksJgAcFQIZFQAZGAJpZBUCFgYWRhZKJgg8GAQJAAAAGAQCAAAAFgAoBAkAAAAYBAIAAA" +
  "AREQAAACYAHBUIGRUAGTgIZmVhdHVyZXMEbGlzdAdlbGVtZW50FQIWEhbCARaUASZSPBgEAADwQBgEAACgvxYAKAQAAPBAGAQAAKC/EREAAAAW" +
  "iAIWBiYIFt4BACgoRHVja0RCIHZlcnNpb24gdjEuNS42IChidWlsZCAwNjljYzlmOWI1KRksHAAAHAAAABQBAABQQVIx";

const DUCK_ITEMS_PLAIN =
  "UEFSMRUAFSQVJCwVBhUAFQYVBgAAAgAAAAYBBQAAAAIAAAAJAAAAFQAVngEVngEsFRIVABUGFQYAACEAAABBtgEAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAACAAAAEgMAAAA/AACgvwAAQEAAAIA/AAAAQM3MzD0AAAAAbxKDOgAA8EAVAhlcNQAYDWR1Y2tkYl9zY2hlbWEVBAAVAiUC" +
  "GAJpZCUiADUCGAhmZWF0dXJlcxUCFQYANQQYBGxpc3QVAgAVCCUCGAdlbGVtZW50ABYGGRwZLCYAHBUCGRUAGRgCaWQVABYGFkYWRiYIPBgECQ" +
  "AAABgEAgAAABYAKAQJAAAAGAQCAAAAEREAAAAmABwVCBkVABk4CGZlYXR1cmVzBGxpc3QHZWxlbWVudBUAFhIWxAEWxAEmTjwYBAAA8EAYBAAA" +
  "oL8WACgEAADwQBgEAACgvxERAAAAFooCFgYmCBaKAgAoKER1Y2tEQiB2ZXJzaW9uIHYxLjUuNiAoYnVpbGQgMDY5Y2M5ZjliNSkZLBwAABwAAA" +
  "AUAQAAUEFSMQ==";

const DUCK_ITEMS_ZSTD =
  "UEFSMRUAFRwVLiwVBBUAFQYVBgAAKLUv/SAOcQAAAgAAAAQBAgAAAAkAAAAVABWGARVmLBUMFQAVBhUGAAAotS/9IENVAQAUAiEAAABBNgACAA" +
  "AADAMAAIA/AAAAQM3MzD1vEoM6AADwQAIApAqCCLYVAhlcNQAYDWR1Y2tkYl9zY2hlbWEVBAAVAiUCGAJpZCUiADUCGAhmZWF0dXJlcxUCFQYA" +
  "NQQYBGxpc3QVAgAVCCUCGAdlbGVtZW50ABYEGRwZLCYAHBUCGRUAGRgCaWQVDBYEFj4WUCYIPBgECQAAABgEAgAAABYAKAQJAAAAGAQCAAAAER" +
  "EAAAAmABwVCBkVABk4CGZlYXR1cmVzBGxpc3QHZWxlbWVudBUMFgwWqgEWigEmWDwYBAAA8EAYBAAAAAAWACgEAADwQBgEAAAAABERAAAAFugB" +
  "FgQmCBbaAQAoKER1Y2tEQiB2ZXJzaW9uIHYxLjUuNiAoYnVpbGQgMDY5Y2M5ZjliNSkZLBwAABwAAAAUAQAAUEFSMQ==";

const DUCK_DICT_SNAPPY =
  "UEFSMRUAFe4SFfYSLBXYBBUAFQYVBgAAtwkoAwAAANgEAQEAAAABC/SnBAUAAAAHAAAACQAAAAsAAAANAAAADwAAABEAAAATAAAAFQAAABcAAA" +
  "AZAAAAGwAAAB0AAAAfAAAAIQAAACMAAAAlAAAAJwAAACkAAAArAAAALQAAAC8AAAAxAAAAMwAAADUAAAA3AAAAOQAAADsAAAA9AAAAPwAAAEEA" +
  "AABDAAAARQAAAEcAAABJAAAASwAAAE0AAABPAAAAUQAAAFMAAABVAAAAVwAAAFkAAABbAAAAXQAAAF8AAABhAAAAYwAAAGUAAABnAAAAaQAAAG" +
  "sAAABtAAAAbwAAAHEAAABzAAAAdQAAAHcAAAB5AAAAewAAAH0AAAB/AAAAgQAAAIMAAACFAAAAhwAAAIkAAACLAAAAjQAAAI8AAACRAAAAkwAA" +
  "AJUAAACXAAAAmQAAAJsAAACdAAAAnwAAAKEAAACjAAAApQAAAKcAAACpAAAAqwAAAK0AAACvAAAAsQAAALMAAAC1AAAAtwAAALkAAAC7AAAAvQ" +
  "AAAL8AAADBAAAAwwAAAMUAAADHAAAAyQAAAMsAAADNAAAAzwAAANEAAADTAAAA1QAAANcAAADZAAAA2wAAAN0AAADfAAAA4QAAAOMAAADlAAAA" +
  "5wAAAOkAAADrAAAA7QAAAO8AAADxAAAA8wAAAPUAAAD3AAAA+QAAAPsAAAD9AAAA/wAAAAEBAAADAQAABQEAAAcBAAAJAQAACwEAAA0BAAAPAQ" +
  "AAEQEAABMBAAAVAQAAFwEAABkBAAAbAQAAHQEAAB8BAAAhAQAAIwEAACUBAAAnAQAAKQEAACsBAAAtAQAALwEAADEBAAAzAQAANQEAADcBAAA5" +
  "AQAAOwEAAD0BAAA/AQAAQQEAAEMBAABFAQAARwEAAEkBAABLAQAATQEAAE8BAABRAQAAUwEAAFUBAABXAQAAWQEAAFsBAABdAQAAXwEAAGEBAA" +
  "BjAQAAZQEAAGcBAABpAQAAawEAAG0BAABvAQAAcQEAAHMBAAB1AQAAdwEAAHkBAAB7AQAAfQEAAH8BAACBAQAAgwEAAIUBAACHAQAAiQEAAIsB" +
  "AACNAQAAjwEAAJEBAACTAQAAlQEAAJcBAACZAQAAmwEAAJ0BAACfAQAAoQEAAKMBAAClAQAApwEAAKkBAACrAQAArQEAAK8BAACxAQAAswEAAL" +
  "UBAAC3AQAAuQEAALsBAAC9AQAAvwEAAMEBAADDAQAAxQEAAMcBAADJAQAAywEAAM0BAADPAQAA0QEAANMBAADVAQAA1wEAANkBAADbAQAA3QEA" +
  "AN8BAADhAQAA4wEAAOUBAADnAQAA6QEAAOsBAADtAQAA7wEAAPEBAADzAQAA9QEAAPcBAAD5AQAA+wEAAP0BAAD/AQAAAQIAAAMCAAAFAgAABw" +
  "IAAAkCAAALAgAADQIAAA8CAAARAgAAEwIAABUCAAAXAgAAGQIAABsCAAAdAgAAHwIAACECAAAjAgAAJQIAACcCAAApAgAAKwIAAC0CAAAvAgAA" +
  "MQIAADMCAAA1AgAANwIAADkCAAA7AgAAPQIAAD8CAABBAgAAQwIAAEUCAABHAgAASQIAAEsCAABNAgAATwIAAFECAABTAgAAVQIAAFcCAAAVBB" +
  "VQFUxMFRQVAAAAKBAAAMC/AAkBHL8AAIA+AACAARBAPwAAAMAAAMA/AABAwAAAgMAVABWoChXmAiwViA4VBBUGFQYAAJQFHIQAAABBtm3bcgMA" +
  "AEF2HwAI27ZBekEAANtCYwAA3TpxAPBlAwAAAIgOAwRBECFDVXaBMCkVFXRjUCiRNXFFECaDVXkRMCRlFXiTUCFBNXaFECkTVXRhMCiVFXFDUC" +
  "aBNXkVECRjVXiRMCFFFXaDUCkRNXRlECiTVXFBMCaFFXkTUCRhNXiVECFDiloAAEH+WwBmWwCWWgAEQXHKtgCWWwCWWgAAQe5rASlrBHkV7pEB" +
  "FUAcHAAAHBwAABwcAAAAAYwFMDGCUCwK0LGAAiKoohGoAUAZAQQSCAwhVIAwxcAVAhlcNQAYDWR1Y2tkYl9zY2hlbWEVBAAVAiUCGAJpZCUiAD" +
  "UCGAhmZWF0dXJlcxUCFQYANQQYBGxpc3QVAgAVCCUCGAdlbGVtZW50ABbYBBkcGSwmABwVAhkVABkYAmlkFQIW2AQWlhMWnhMmCDwYBFcCAAAY" +
  "BAEAAAAWACgEVwIAABgEAQAAABERAAAAJgAcFQgZFQQZOAhmZWF0dXJlcwRsaXN0B2VsZW1lbnQVAhaIDha6Cxb0AyaMFCamExwYBAAAwD8YBA" +
  "AAgMAWABYUGAQAAMA/GAQAAIDAEREAJpoXFV4AABbQHhbYBCYIFpIXACgoRHVja0RCIHZlcnNpb24gdjEuNS42IChidWlsZCAwNjljYzlmOWI1" +
  "KRksHAAAHAAAACUBAABQQVIx";

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));
const F = Math.fround;
const DUCK_ROWS = [[0.5, -1.25, 3], [1, 2, F(0.1)], [0, F(0.001), 7.5]];

function directory(users: Uint8Array, items: Uint8Array, rank = 3): Map<string, Uint8Array> {
  return new Map([
    ["metadata/part-00000", sparkMetadata(rank)],
    ["userFactors/part-00000-a-c000.snappy.parquet", users],
    ["itemFactors/part-00000-a-c000.snappy.parquet", items],
  ]);
}

describe("files from another Parquet writer (DuckDB)", () => {
  it("reads snappy and uncompressed files with optional id and optional elements, predicting uᵀv exactly", async () => {
    const model = await readSparkAls(directory(bytes(DUCK_USERS_SNAPPY), bytes(DUCK_ITEMS_PLAIN)));
    expect(model.ids).toEqual({ rowIds: ["5", "2", "9"], colIds: ["5", "2", "9"] });
    expect(Array.from(model.U)).toEqual(DUCK_ROWS.flat());
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(model.predict(i, j)).toBe(dot(DUCK_ROWS[i], DUCK_ROWS[j]));
  });

  it("reads dictionary-encoded features", async () => {
    const model = await readSparkAls(directory(bytes(DUCK_DICT_SNAPPY), bytes(DUCK_ITEMS_PLAIN)));
    expect(model.rows).toBe(300);
    for (let i = 0; i < 300; i++) {
      expect(model.ids!.rowIds[i]).toBe(String(2 * i + 1));
      expect(Array.from(model.U.subarray(3 * i, 3 * i + 3))).toEqual([(i % 4) - 1.5, (i % 3) * 0.25, 0 - (i % 5)]);
    }
  });

  it("a codec hyparquet does not decode (zstd) is INVALID_ARGUMENT naming it, unless a decompressor is given", async () => {
    const files = directory(bytes(DUCK_USERS_SNAPPY), bytes(DUCK_ITEMS_ZSTD));
    await expect(readSparkAls(files)).rejects.toThrow(/itemFactors\/part-00000-a-c000.snappy.parquet is not a readable Parquet file.*ZSTD/);
    expect(await codeOf(() => readSparkAls(files))).toBe("INVALID_ARGUMENT");
    // GZIP through the compressors option (node:zlib here; hyparquet-compressors in a browser).
    const side = sparkSide(8, 3, 4);
    const gz = sparkPart(side.ids, side.features, { codec: "GZIP", compressors: { GZIP: (b) => new Uint8Array(gzipSync(b)) } });
    const gzFiles = directory(gz, gz);
    expect(await codeOf(() => readSparkAls(gzFiles))).toBe("INVALID_ARGUMENT");
    const model = await readSparkAls(gzFiles, { compressors: { GZIP: (b) => new Uint8Array(gunzipSync(b)) } });
    expect(Array.from(model.V)).toEqual(side.features.flat());
  });
});

describe("Spark's other layouts", () => {
  it("reads the legacy two-level list (spark.sql.parquet.writeLegacyFormat) and uncompressed parts in several row groups", async () => {
    const side = sparkSide(30, 4, 8);
    const legacy = parquetWriteBuffer({
      columnData: [{ name: "id", data: Int32Array.from(side.ids) }, { name: "features", data: side.features }],
      schema: [
        { name: "spark_schema", num_children: 2 },
        { name: "id", type: "INT32", repetition_type: "REQUIRED" },
        { name: "features", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
        { name: "bag", repetition_type: "REPEATED", num_children: 1 },
        { name: "array", type: "FLOAT", repetition_type: "OPTIONAL" },
      ],
    });
    const plain = sparkPart(side.ids, side.features, { codec: "UNCOMPRESSED", rowGroupSize: 7 });
    const model = await readSparkAls(directory(new Uint8Array(legacy), plain, 4));
    expect(Array.from(model.U)).toEqual(side.features.flat());
    expect(Array.from(model.V)).toEqual(side.features.flat());
  });
});

describe("malformed directories", () => {
  const K = 3;
  const u = sparkSide(6, K, 1), v = sparkSide(5, K, 2);
  const good = () => sparkDirectory(K, u, v, 2);
  const edit = (f: (m: Map<string, Uint8Array>) => void) => {
    const m = good();
    f(m);
    return m;
  };
  const userPart = "userFactors/part-00000-1b7c3e4f-9a2d-4c1e-8f3b-2d6e5a4c3b1a-c000.snappy.parquet";
  const cases: [string, unknown, string, RegExp][] = [
    ["no metadata", edit((m) => m.delete("metadata/part-00000")), "INVALID_ARGUMENT", /no metadata\/part-\*/],
    ["metadata not JSON", edit((m) => m.set("metadata/part-00000", new TextEncoder().encode("{rank: 3"))), "INVALID_ARGUMENT", /not a JSON line/],
    ["another class", edit((m) => m.set("metadata/part-00000", sparkMetadata(K, "org.apache.spark.ml.feature.PCAModel"))), "INVALID_ARGUMENT", /PCAModel, not/],
    ["no rank", edit((m) => m.set("metadata/part-00000", sparkMetadata(undefined))), "INVALID_ARGUMENT", /rank as a positive integer/],
    ["rank mismatch", edit((m) => m.set("metadata/part-00000", sparkMetadata(K + 1))), "SHAPE", /has 3 features, the metadata's rank is 4/],
    ["NaN feature", edit((m) => m.set(userPart, sparkPart([1, 2], [[0, 1, 2], [3, NaN, 4]]))), "NON_FINITE", /feature 1 is NaN/],
    ["infinite feature", edit((m) => m.set(userPart, sparkPart([1, 2], [[0, 1, 2], [3, Infinity, 4]]))), "NON_FINITE", /feature 1 is Infinity/],
    ["null features", edit((m) => m.set(userPart, sparkPart([1, 2], [[0, 1, 2], null]))), "INVALID_ARGUMENT", /no features \(null\)/],
    ["null element", edit((m) => m.set(userPart, sparkPart([1], [[0, null as never, 2]], { nullableElements: true }))), "INVALID_ARGUMENT", /feature 1 is null/],
    ["features of double", edit((m) => m.set(userPart, sparkPart([1], [[0, 1, 2]], { element: "DOUBLE" }))), "INVALID_ARGUMENT", /list of DOUBLE/],
    ["id of int64", edit((m) => m.set(userPart, sparkPart([1], [[0, 1, 2]], { id: "INT64" }))), "INVALID_ARGUMENT", /int32 column, got INT64/],
    ["features not a list", edit((m) => m.set(userPart, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "id", data: Int32Array.of(1), type: "INT32" }, { name: "features", data: [1.5], type: "FLOAT" }] })))), "INVALID_ARGUMENT", /array<float>\), got FLOAT/],
    ["no features column", edit((m) => m.set(userPart, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "id", data: Int32Array.of(1), type: "INT32" }] })))), "INVALID_ARGUMENT", /has columns id;/],
    ["an id twice", edit((m) => m.set(userPart, sparkPart([u.ids[5], 99], [[0, 1, 2], [1, 1, 1]]))), "INDEX", /more than once/],
    ["not Parquet", edit((m) => m.set(userPart, new TextEncoder().encode("id,features\n1,\"[0,1,2]\""))), "INVALID_ARGUMENT", /not a readable Parquet file/],
    ["truncated Parquet", edit((m) => m.set(userPart, m.get(userPart)!.subarray(0, 60))), "INVALID_ARGUMENT", /not a readable Parquet file/],
    ["no itemFactors", edit((m) => { for (const p of [...m.keys()]) if (p.startsWith("itemFactors/")) m.delete(p); }), "INVALID_ARGUMENT", /no itemFactors\/part-\*/],
    ["no users at all", edit((m) => { for (const p of [...m.keys()]) if (p.startsWith("userFactors/part")) m.set(p, sparkPart([], [])); }), "EMPTY", /userFactors has no rows/],
    ["bytes of the wrong kind", edit((m) => m.set(userPart, "PAR1" as never)), "INVALID_ARGUMENT", /must be a Uint8Array or an ArrayBuffer/],
    ["not a map", [["metadata/part-00000", sparkMetadata(K)]], "INVALID_ARGUMENT", /got an array/],
    ["null", null, "INVALID_ARGUMENT", /got null/],
  ];
  it.each(cases)("%s", async (_name, files, code, message) => {
    expect(await codeOf(() => readSparkAls(files as Map<string, Uint8Array>))).toBe(code);
    await expect(readSparkAls(files as Map<string, Uint8Array>)).rejects.toThrow(message);
  });

  it("a damaged page header or level run is INVALID_ARGUMENT at once (the Parquet decoder alone loops forever on the first)", async () => {
    const files = sparkDirectory(3, sparkSide(12, 3, 21), sparkSide(9, 3, 22), 2);
    const path = "userFactors/part-00001-1b7c3e4f-9a2d-4c1e-8f3b-2d6e5a4c3b1a-c000.snappy.parquet";
    const hung = files.get(path)!.slice();
    hung[65] ^= 248; // found by the contract suite's damaged-bytes property
    const t = performance.now();
    await expect(readSparkAls(new Map([...files, [path, hung]]))).rejects.toThrow(/\[INVALID_ARGUMENT\].*damaged page/);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it("the good directory loads, and options are checked", async () => {
    expect((await readSparkAls(good())).rows).toBe(6);
    expect(await codeOf(() => readSparkAls(good(), { regParam: 0.1 } as never))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => readSparkAls(good(), { lambda: -1 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => readSparkAls(good(), { compressors: 5 as never }))).toBe("INVALID_ARGUMENT");
  });
});

describe("loadSparkAls / saveSparkAls (Node)", () => {
  const root = mkdtempSync(join(tmpdir(), "lowrank-spark-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const U = Float64Array.from({ length: 12 }, (_, q) => Math.sin(q + 1));
  const V = Float64Array.from({ length: 15 }, (_, q) => Math.cos(q + 1) / 3);
  const model = new CompletionModel("als", 4, 5, 3, U, V, new Float64Array(4), new Float64Array(5), 0, [-Number.MAX_VALUE, Number.MAX_VALUE], [],
    { lambda: 0.1, biasLambda: 0, weighted: true, biases: false }, { ptr: new Int32Array(5), cols: new Int32Array(0) },
    { rowIds: ["10", "-3", "7", "2147483647"], colIds: ["0", "1", "2", "3", "4"] });

  it("saves Spark's layout to a directory and loads it back, float32-rounded bit for bit; .crc and _SUCCESS files are skipped", async () => {
    const dir = join(root, "model");
    await saveSparkAls(model, dir, { compression: "none" });
    expect(readdirSync(dir).sort()).toEqual(["itemFactors", "metadata", "userFactors"]);
    expect(readdirSync(join(dir, "metadata")).sort()).toEqual(["_SUCCESS", "part-00000"]);
    writeFileSync(join(dir, "userFactors", ".part-00000.crc"), "x");
    const back = await loadSparkAls(dir);
    expect(Array.from(back.U)).toEqual(Array.from(U, F));
    expect(back.ids).toEqual(model.ids);
  });

  it("refuses an existing directory unless overwrite, and then replaces its model folders", async () => {
    const dir = join(root, "again");
    await saveSparkAls(model, dir);
    expect(await codeOf(() => saveSparkAls(model, dir))).toBe("INVALID_ARGUMENT");
    await saveSparkAls(model, dir, { overwrite: true, uid: "als_000000000001" });
    expect(readdirSync(join(dir, "userFactors")).filter((n) => n.startsWith("part-")).length).toBe(1);
    expect((await loadSparkAls(dir)).rows).toBe(4);
  });

  it("names the directory in its errors", async () => {
    await expect(loadSparkAls(join(root, "missing"))).rejects.toThrow(/loadSparkAls: .*missing/);
    expect(await codeOf(() => loadSparkAls(join(root, "missing")))).toBe("INVALID_ARGUMENT");
    const dir = join(root, "broken");
    await saveSparkAls(model, dir);
    rmSync(join(dir, "metadata"), { recursive: true });
    await expect(loadSparkAls(dir)).rejects.toThrow(/\[INVALID_ARGUMENT\] loadSparkAls: .*broken: no metadata/);
    expect(await codeOf(() => loadSparkAls(""))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => saveSparkAls(model, dir, { overwrite: "yes" as never }))).toBe("INVALID_ARGUMENT");
  });
});
