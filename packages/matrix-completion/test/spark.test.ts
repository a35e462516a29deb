// Spark ALS models in and out: a model directory in the layout of Spark's
// ALSModel.save, built here with the Parquet writer and Spark's schema, loads
// into a CompletionModel that predicts uᵀv exactly; models written back read
// back bit-identical.
import { describe, expect, it } from "vitest";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { complete, CompletionModel, foldIn, parseRatings } from "../src/index.js";
import { readSparkAls, readSparkAlsMetadata, writeSparkAls } from "../src/spark/index.js";
import { codeOf } from "./helpers.js";
import { dot, sparkDirectory, sparkSide } from "./spark-fixture.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const K = 6;
const users = sparkSide(40, K, 11), items = sparkSide(25, K, 12);

const bits = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A factor table of written files as { ids, float32 features } in file order. */
async function table(files: Map<string, Uint8Array>, folder: string): Promise<{ ids: number[]; features: Float32Array; codecs: string[] }> {
  const ids: number[] = [], feats: number[] = [], codecs: string[] = [];
  const names = [...files.keys()].filter((p) => p.startsWith(folder + "/") && !/\/[._]/.test(p)).sort();
  for (const name of names) {
    const b = files.get(name)!;
    const file = b.slice().buffer;
    codecs.push(...parquetMetadata(file).row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec)));
    for (const row of await parquetReadObjects({ file })) {
      ids.push(row.id as number);
      feats.push(...(row.features as number[]));
    }
  }
  return { ids, features: Float32Array.from(feats), codecs };
}

describe("readSparkAls: a Spark ALSModel directory", async () => {
  const files = sparkDirectory(K, users, items);
  const model = await readSparkAls(files);

  it("loads as a CompletionModel: users are rows, items columns, in part-file order, with the Spark ids attached", () => {
    expect(model).toBeInstanceOf(CompletionModel);
    expect([model.rows, model.cols, model.rank, model.method]).toEqual([40, 25, K, "als"]);
    expect(model.ids!.rowIds).toEqual(users.ids.map(String));
    expect(model.ids!.colIds).toEqual(items.ids.map(String));
    expect(Array.from(model.U)).toEqual(users.features.flat());
    expect(Array.from(model.V)).toEqual(items.features.flat());
    expect(model.regularization).toEqual({ lambda: 0.1, biasLambda: 0, weighted: true, biases: false });
    expect(model.globalMean).toBe(0);
    expect(model.observed.cols.length).toBe(0);
  });

  it("predicts uᵀv exactly, for every user and item", () => {
    for (let i = 0; i < users.ids.length; i++) {
      for (let j = 0; j < items.ids.length; j++) {
        expect(Object.is(model.predict(i, j), dot(users.features[i], items.features[j]))).toBe(true);
      }
    }
  });

  it("recommends the items of largest uᵀv, best first", () => {
    for (const i of [0, 17, 39]) {
      const expected = items.features.map((v, j) => ({ j, s: dot(users.features[i], v) })).sort((a, b) => b.s - a.s || a.j - b.j).slice(0, 5);
      const rec = model.recommend(i, 5, { exclude: "none" });
      expect(Array.from(rec.items)).toEqual(expected.map((e) => e.j));
      expect(Array.from(rec.scores)).toEqual(expected.map((e) => e.s));
      // No observed entries are known, so the default exclusion excludes nothing.
      expect(model.recommend(i, 5)).toEqual(rec);
    }
  });

  it("folds a new user in with Spark's per-observation ridge: (Σ v vᵀ + λ n I) u = Σ r v", async () => {
    const m = await readSparkAls(files, { lambda: 0.05 });
    const cols = [2, 9, 14], vals = [4, 1, 5];
    const bigger = foldIn(m, { colIndex: cols, values: vals });
    const u = bigger.U.subarray(40 * K);
    // Residual of the normal equations at the solution.
    for (let a = 0; a < K; a++) {
      let r = 0.05 * cols.length * u[a];
      for (let q = 0; q < cols.length; q++) {
        const v = items.features[cols[q]];
        r += v[a] * (dot(v, Array.from(u)) - vals[q]);
      }
      expect(Math.abs(r)).toBeLessThan(1e-12);
    }
  });

  it("reads the metadata: class, uid, params, rank", () => {
    const meta = readSparkAlsMetadata(files);
    expect(meta.rank).toBe(K);
    expect(meta.uid).toBe("als_5f0c2d9e7a1b");
    expect(meta.paramMap.userCol).toBe("userId");
    expect(meta.defaultParamMap.blockSize).toBe(4096);
  });

  it("accepts a plain object of files and a directory prefix (a zipped model folder)", async () => {
    const prefixed = Object.fromEntries([...files].map(([p, b]) => [`./als-model/${p}`, b.slice().buffer]));
    const again = await readSparkAls(prefixed);
    expect(bits(again.U).equals(bits(model.U))).toBe(true);
    expect(bits(again.V).equals(bits(model.V))).toBe(true);
    const deeper = new Map([...files].map(([p, b]) => [`C:\\exports\\models\\als\\${p.replace(/\//g, "\\")}`, b]));
    deeper.set("C:\\exports\\README.txt", new Uint8Array(3));
    expect(bits((await readSparkAls(deeper)).U).equals(bits(model.U))).toBe(true);
  });
});

describe("writeSparkAls", async () => {
  it("writes Spark's layout: metadata JSON line with the rank at top level, one snappy part per table with Spark's schema", async () => {
    const model = new CompletionModel("als", 3, 2, 2, Float64Array.of(1, -0, 3, 4, 5, 6), Float64Array.of(0.5, -1, 2, 0.25),
      new Float64Array(3), new Float64Array(2), 0, [-Number.MAX_VALUE, Number.MAX_VALUE], [],
      { lambda: 0.1, biasLambda: 0, weighted: true, biases: false }, { ptr: new Int32Array(4), cols: new Int32Array(0) });
    const files = writeSparkAls(model, { uid: "als_0123456789ab", timestamp: 5, params: { userCol: "u" } });
    const paths = [...files.keys()];
    expect(paths.filter((p) => p.startsWith("metadata/"))).toEqual(["metadata/part-00000", "metadata/_SUCCESS"]);
    const part = paths.find((p) => p.startsWith("userFactors/part-00000-"))!;
    expect(part).toMatch(/^userFactors\/part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/);
    const line = new TextDecoder().decode(files.get("metadata/part-00000"));
    expect(line.endsWith("}\n")).toBe(true);
    expect(JSON.parse(line)).toEqual({
      class: "org.apache.spark.ml.recommendation.ALSModel", timestamp: 5, sparkVersion: "3.5.0", uid: "als_0123456789ab",
      paramMap: { userCol: "u" },
      defaultParamMap: { blockSize: 4096, coldStartStrategy: "nan", itemCol: "item", predictionCol: "prediction", userCol: "user" },
      rank: 2,
    });
    const md = parquetMetadata(files.get(part)!.slice().buffer);
    expect(md.schema.map((e) => [e.name, e.type, e.repetition_type, e.converted_type])).toEqual([
      ["spark_schema", undefined, undefined, undefined],
      ["id", "INT32", "REQUIRED", undefined],
      ["features", undefined, "OPTIONAL", "LIST"],
      ["list", undefined, "REPEATED", undefined],
      ["element", "FLOAT", "REQUIRED", undefined],
    ]);
    expect(md.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec))).toEqual(["SNAPPY", "SNAPPY"]);
    const row = JSON.parse(md.key_value_metadata!.find((kv) => kv.key === "org.apache.spark.sql.parquet.row.metadata")!.value!);
    expect(row.fields[1].type).toEqual({ type: "array", elementType: "float", containsNull: false });
    const none = writeSparkAls(model, { compression: "none" });
    expect(Object.is((await readSparkAls(none)).U[1], -0)).toBe(true); // the sign of zero survives
    expect([...none.keys()].some((p) => /^itemFactors\/part-00000-.*-c000\.parquet$/.test(p))).toBe(true);
  });

  it("keeps -0 apart from 0 in repetitive factors (plain encoding: a dictionary would merge them)", async () => {
    const U = Float64Array.from({ length: 60 }, (_, q) => (q % 3 === 0 ? -0 : q % 3 === 1 ? 0 : 1));
    const model = new CompletionModel("als", 20, 1, 3, U, Float64Array.of(1, 2, 3), new Float64Array(20), new Float64Array(1), 0,
      [-Number.MAX_VALUE, Number.MAX_VALUE], [], { lambda: 0.1, biasLambda: 0, weighted: true, biases: false }, { ptr: new Int32Array(21), cols: new Int32Array(0) });
    const back = await readSparkAls(writeSparkAls(model));
    expect(bits(back.U).equals(bits(U))).toBe(true);
  });

  it("a model loaded from Spark and written back gives identical Parquet values; reading that back gives the same model", async () => {
    const files = sparkDirectory(K, users, items);
    const model = await readSparkAls(files);
    const out = writeSparkAls(model);
    for (const folder of ["userFactors", "itemFactors"]) {
      const a = await table(files, folder), b = await table(out, folder);
      expect(b.ids).toEqual(a.ids);
      expect(bits(b.features).equals(bits(a.features))).toBe(true);
    }
    const again = await readSparkAls(out);
    expect(bits(again.U).equals(bits(model.U))).toBe(true);
    expect(bits(again.V).equals(bits(model.V))).toBe(true);
    expect(again.ids).toEqual(model.ids);
  });

  it("a lowrank model written and read back equals its float32-rounded self bit for bit (ids from parseRatings kept)", async () => {
    const syn = syntheticRatings({ seed: 5, users: 120, items: 90, ratings: 3000 }).observations;
    const text = Array.from(syn.values, (v, q) => `${1000 + syn.rowIndex[q] * 3}\t${50 + syn.colIndex[q]}\t${v}`).join("\n");
    const parsed = parseRatings(text);
    const model = (await complete(parsed.observations, { rank: 4, lambda: 0.1, biases: false, maxIter: 3 })).withIds(parsed);
    for (const compression of ["snappy", "none"] as const) {
      const back = await readSparkAls(writeSparkAls(model, { compression }));
      expect(bits(back.U).equals(bits(model.U.map(Math.fround)))).toBe(true);
      expect(bits(back.V).equals(bits(model.V.map(Math.fround)))).toBe(true);
      expect(back.ids).toEqual(model.ids);
      // Predictions are those of the rounded factors (the fitted model also clamps; Spark does not).
      expect(back.predict(3, 7)).toBe(dot(Array.from(back.U.subarray(12, 16)), Array.from(back.V.subarray(28, 32))));
    }
  });

  it("refuses biases unless dropBiases, ids that are not int32, and factors beyond float32 range", async () => {
    const syn = syntheticRatings({ seed: 6, users: 60, items: 40, ratings: 1200 }).observations;
    const biased = await complete(syn, { rank: 3, lambda: 0.1, maxIter: 2 });
    expect(await codeOf(() => writeSparkAls(biased))).toBe("INVALID_ARGUMENT");
    const dropped = await readSparkAls(writeSparkAls(biased, { dropBiases: true }));
    expect(dropped.predict(1, 2)).toBe(dot(Array.from(dropped.U.subarray(3, 6)), Array.from(dropped.V.subarray(6, 9))));
    expect(dropped.ids!.rowIds[5]).toBe("5"); // no ids: the indices are the Spark ids
    const plain = await complete(syn, { rank: 3, lambda: 0.1, maxIter: 2, biases: false });
    const named = (rowIds: string[]) => plain.withIds({ rowIds, colIds: plain.ids?.colIds ?? Array.from({ length: 40 }, (_, j) => String(j)) });
    const rows = Array.from({ length: 60 }, (_, i) => String(i));
    expect(await codeOf(() => writeSparkAls(named(rows.map((s, i) => (i === 7 ? "u7" : s)))))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => writeSparkAls(named(rows.map((s, i) => (i === 7 ? "007" : s)))))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => writeSparkAls(named(rows.map((s, i) => (i === 7 ? "2147483648" : s)))))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => writeSparkAls(named(rows.map((s, i) => (i === 7 ? "3" : s)))))).toBe("INDEX");
    expect(await codeOf(() => writeSparkAls(named(rows.map((s, i) => (i === 7 ? "-2147483648" : s)))))).toBe("none");
    const huge = new CompletionModel("als", 1, 1, 1, Float64Array.of(1e300), Float64Array.of(1), new Float64Array(1), new Float64Array(1), 0,
      [-Number.MAX_VALUE, Number.MAX_VALUE], [], { lambda: 0, biasLambda: 0, weighted: true, biases: false }, { ptr: new Int32Array(2), cols: new Int32Array(0) });
    expect(await codeOf(() => writeSparkAls(huge))).toBe("NON_FINITE");
    expect(await codeOf(() => writeSparkAls({} as CompletionModel))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => writeSparkAls(plain, { compression: "gzip" as never }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => writeSparkAls(plain, { params: { regParam: 0.1 } as never }))).toBe("INVALID_ARGUMENT");
  });
});
