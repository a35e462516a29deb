// Results are plain data with kind and version; serialize / deserialize round-trip them through JSON bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import { LowrankError } from "@lowrank/linalg";
import {
  coreset, deserialize, init, leverageScores, lewisWeights, lpRegression, lpSensitivities, OnlineLeverageSampler,
  RESULT_FORMAT_VERSION, rootLeverageScores, sample, serialize,
} from "../src/index.js";
import { randn } from "./helpers.js";

const bytes = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return "none";
  } catch (e) {
    return e instanceof LowrankError ? e.code : `other: ${String(e)}`;
  }
}

describe("serialize / deserialize", () => {
  beforeAll(async () => {
    await init();
  });

  it("sample and coreset results carry kind and version and round-trip through JSON and structuredClone", async () => {
    const A = randn(300, 4, 1), b = randn(300, 1, 2).data;
    const s = sample(new Float64Array(300).fill(1), 40, { seed: 3 });
    expect(s.kind).toBe("sample");
    expect(s.version).toBe(RESULT_FORMAT_VERSION);
    const c = await coreset(A, b, { p: 1, m: 60, seed: 2 });
    expect(c.kind).toBe("coreset");
    for (const r of [s, c] as unknown as Record<string, unknown>[]) {
      const back = deserialize(JSON.stringify(serialize(r)));
      const clone = structuredClone(r);
      for (const [k, v] of Object.entries(r)) {
        if (ArrayBuffer.isView(v)) {
          expect((back[k] as object).constructor).toBe(v.constructor);
          expect(bytes(back[k] as ArrayBufferView)).toEqual(bytes(v));
          expect(bytes(clone[k] as ArrayBufferView)).toEqual(bytes(v));
        } else if (k === "A") {
          expect(bytes((back.A as { data: Float64Array }).data)).toEqual(bytes((v as { data: Float64Array }).data));
        } else expect(back[k]).toEqual(v);
      }
    }
    const lev = leverageScores(A);
    const back = deserialize(JSON.parse(JSON.stringify(serialize(lev))));
    expect(back.kind).toBe("leverage-scores");
    expect(back.version).toBe(RESULT_FORMAT_VERSION);
    expect(bytes(back.scores as Float64Array)).toEqual(bytes(lev.scores));
  });

  it("every result users get back carries its kind, so serialize needs no kind argument", async () => {
    const A = randn(60, 3, 4), b = randn(60, 1, 5).data;
    const sampler = await OnlineLeverageSampler.create(3, { seed: 1 });
    const kinds = [
      leverageScores(A).kind, rootLeverageScores(A, 1).kind, (await lewisWeights(A, 1)).kind,
      (await lpSensitivities(A, 1)).kind, (await lpRegression(A, b, 1)).kind, (await sampler.push(A)).kind,
    ];
    expect(kinds).toEqual(["leverage-scores", "root-leverage-scores", "lewis-weights", "lp-sensitivities", "lp-regression", "online-batch"]);
    expect(deserialize(serialize(await lewisWeights(A, 3))).kind).toBe("lewis-weights");
  });

  it("refuses a future version, damaged forms and kind-less results with INVALID_ARGUMENT", () => {
    const s = serialize(sample(new Float64Array(50).fill(1), 10, { seed: 1 }));
    expect(() => deserialize({ ...s, version: RESULT_FORMAT_VERSION + 1 })).toThrow(/newer than this library reads/);
    for (const bad of [null, 1, "{", [], {}, { ...s, kind: 3 }, { ...s, data: null }, { ...s, data: { w: { $typed: "Float64Array", base64: "!!" } } },
      { ...s, data: { w: { $typed: "Float64Array", base64: "AAA=" } } }, { ...s, data: { w: { $typed: "constructor", base64: "" } } }]) {
      expect(codeOf(() => deserialize(bad as never))).toBe("INVALID_ARGUMENT");
    }
    expect(codeOf(() => serialize({ a: new Float64Array(2) }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => serialize(null as never))).toBe("INVALID_ARGUMENT");
  });
});
