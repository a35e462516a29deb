import { describe, expect, it } from "vitest";
import { LowrankError } from "@lowrank/linalg";
import { complete, CompletionModel, MODEL_FORMAT_VERSION, parseRatings } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const full = syntheticRatings({ seed: 3 }).observations; // 943 x 1682, 100k ratings

function samePredictions(a: CompletionModel, b: CompletionModel): void {
  expect(b.rows).toBe(a.rows);
  expect(b.cols).toBe(a.cols);
  const pa = a.predictMany(full.rowIndex, full.colIndex), pb = b.predictMany(full.rowIndex, full.colIndex);
  expect(Buffer.from(pb.buffer).equals(Buffer.from(pa.buffer))).toBe(true);
  expect(Buffer.from(b.U.buffer).equals(Buffer.from(a.U.buffer))).toBe(true);
  expect(Buffer.from(b.V.buffer).equals(Buffer.from(a.V.buffer))).toBe(true);
  expect(b.recommend(5, 10)).toEqual(a.recommend(5, 10));
  expect(b.history).toEqual(a.history);
  expect(b.regularization).toEqual(a.regularization);
}

function refused(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(LowrankError);
  expect((err as LowrankError).code).toBe("INVALID_ARGUMENT");
  expect((err as Error).message).toMatch(pattern);
}

describe("saving and loading", async () => {
  const model = await complete(full, { rank: 10, lambda: 0.1, maxIter: 4 });

  it("a model fitted on 100k ratings round-trips through JSON text, structuredClone and bytes, predicting bit-identically", () => {
    const text = JSON.stringify(model);
    const json = model.toJSON();
    expect(json.kind).toBe("completion-model");
    expect(json.version).toBe(MODEL_FORMAT_VERSION);
    samePredictions(model, CompletionModel.fromJSON(text));
    samePredictions(model, CompletionModel.fromJSON(JSON.parse(text)));
    samePredictions(model, CompletionModel.fromJSON(structuredClone(json)));
    const bytes = model.toBytes();
    expect(bytes.length).toBeLessThan(text.length);
    samePredictions(model, CompletionModel.fromBytes(bytes));
    samePredictions(model, CompletionModel.fromBytes(bytes.slice().buffer));
    // A Node Buffer at an offset into a larger pool.
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    samePredictions(model, CompletionModel.fromBytes(pooled));
  });

  it("keeps how the fit ended (converged, residual) in both forms; older saves without it load as not converged", () => {
    expect(model.converged).toBe(false); // maxIter 4 stopped it
    for (const loaded of [CompletionModel.fromJSON(JSON.stringify(model)), CompletionModel.fromBytes(model.toBytes())]) {
      expect(loaded.converged).toBe(model.converged);
      expect(loaded.residual).toBe(model.residual);
    }
    const json = model.toJSON();
    expect(json.status).toEqual({ converged: false, residual: model.residual });
    const older = { ...json };
    delete older.status;
    const loaded = CompletionModel.fromJSON(older);
    expect(loaded.converged).toBe(false);
    expect(loaded.residual).toBe(model.history[model.history.length - 1].trainRmse);
    refused(() => CompletionModel.fromJSON({ ...json, status: { converged: "yes", residual: 1 } } as never), /status/);
  });

  it("a model fitted on the js backend (altmin) round-trips the same way", async () => {
    const m = await complete(full, { rank: 6, method: "altmin", maxIter: 2, backend: "js" });
    samePredictions(m, CompletionModel.fromJSON(JSON.stringify(m)));
    samePredictions(m, CompletionModel.fromBytes(m.toBytes()));
  });

  it("keeps the ids of parseRatings when the model holds them", async () => {
    const text = "u1\tm1\t4\nu2\tm2\t3\nu1\tm2\t5\nu3\tm1\t2\nu3\tm3\t1\nu2\tm3\t4\n";
    const parsed = parseRatings(text);
    const m = (await complete(parsed.observations, { rank: 1, maxIter: 3 })).withIds(parsed);
    expect(m.ids).toEqual({ rowIds: ["u1", "u2", "u3"], colIds: ["m1", "m2", "m3"] });
    for (const back of [CompletionModel.fromJSON(JSON.stringify(m)), CompletionModel.fromBytes(m.toBytes())]) {
      expect(back.ids).toEqual(m.ids);
      expect(back.predict(1, 2)).toBe(m.predict(1, 2));
    }
    expect(CompletionModel.fromBytes(model.toBytes()).ids).toBeNull();
    expect(() => m.withIds({ rowIds: ["a"], colIds: ["b"] })).toThrow(LowrankError);
  });

  it("refuses a format from the future, and truncated or corrupted input, with INVALID_ARGUMENT", () => {
    const json = model.toJSON();
    refused(() => CompletionModel.fromJSON({ ...json, version: MODEL_FORMAT_VERSION + 1 }), /newer/);
    refused(() => CompletionModel.fromJSON({ ...json, kind: "tucker" } as never), /kind/);
    refused(() => CompletionModel.fromJSON({ ...json, U: json.U.slice(1) }), /U has/);
    refused(() => CompletionModel.fromJSON({ ...json, V: [null, ...json.V.slice(1)] } as never), /V\[0\]/);
    refused(() => CompletionModel.fromJSON({ ...json, method: "svd" } as never), /not valid/);
    refused(() => CompletionModel.fromJSON(JSON.stringify(json).slice(0, 100)), /not JSON/);
    for (const x of [null, undefined, 3, [], "null", "{}"]) refused(() => CompletionModel.fromJSON(x as never), /fromJSON/);

    const bytes = model.toBytes();
    const future = bytes.slice();
    new DataView(future.buffer).setUint16(4, MODEL_FORMAT_VERSION + 1, true);
    refused(() => CompletionModel.fromBytes(future), /newer/);
    for (const n of [0, 3, 7, 20, 39, 40, 1000, bytes.length - 1]) refused(() => CompletionModel.fromBytes(bytes.slice(0, n)), /truncated|magic/);
    refused(() => CompletionModel.fromBytes(new Uint8Array([...bytes, 0])), /trailing/);
    for (const at of [41, 100, 5000, bytes.length - 1]) {
      const c = bytes.slice();
      c[at] ^= 0x10;
      refused(() => CompletionModel.fromBytes(c), /corrupted/);
    }
    const head = bytes.slice();
    head[9] ^= 1; // rows
    refused(() => CompletionModel.fromBytes(head), /corrupted|truncated|trailing/);
    for (const x of [null, undefined, "LRCM", [1, 2], new Float64Array(8), {}]) refused(() => CompletionModel.fromBytes(x as never), /fromBytes/);
  });
});

describe("loading damaged input (fuzz)", async () => {
  const { fc, fcParams, outcome } = await import("@lowrank/test-utils/contract");
  const obs = syntheticRatings({ users: 30, items: 40, ratings: 400, seed: 9 }).observations;
  const small = (await complete(obs, { rank: 3, maxIter: 2 })).withIds({
    rowIds: Array.from({ length: obs.rows }, (_, i) => `u${i}`), colIds: Array.from({ length: obs.cols }, (_, j) => `m${j}`),
  });
  const bytes = small.toBytes();
  const json = small.toJSON();

  function loadsOrRefuses(r: Awaited<ReturnType<typeof outcome>>, what: string): void {
    if (!r.ok) expect(r.code, `${what}: ${r.message}`).toBe("INVALID_ARGUMENT");
  }

  it("flipped, truncated or overwritten bytes: a model or INVALID_ARGUMENT, never another exception", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.option(fc.nat(bytes.length), { nil: undefined }),
      async (edits, cut) => {
        const b = bytes.slice(0, cut ?? bytes.length);
        for (const [at, x] of edits) if (at < b.length) b[at] ^= x;
        loadsOrRefuses(await outcome(() => CompletionModel.fromBytes(b), "fromBytes"), "fromBytes");
      },
    ), fcParams(300));
  });

  it("JSON with a field replaced by anything: a model or INVALID_ARGUMENT", async () => {
    const keys = Object.keys(json) as (keyof typeof json)[];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...keys), fc.anything(), async (key, value) => {
      const j = { ...json, [key]: value };
      loadsOrRefuses(await outcome(() => CompletionModel.fromJSON(j as never), "fromJSON"), `fromJSON ${key}`);
      const text = JSON.stringify(j);
      if (typeof text === "string") loadsOrRefuses(await outcome(() => CompletionModel.fromJSON(text.slice(0, text.length >> 1)), "fromJSON"), "half text");
    }), fcParams(300));
  });
});
