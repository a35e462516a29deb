// `dtype: "float32"` on the scores (Float32Array for TensorFlow.js / WebGL)
// and the `version` every result carries beside its `kind`, on both backends.
import { LowrankError } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import {
  coreset, deserialize, init, leverageScores, leverageScoresAsync, lewisWeights, lpRegression, lpSensitivities, OnlineLeverageSampler,
  rootLeverageScores, sample, serialize,
} from "../src/index.js";
import { expectCode, randn } from "./helpers.js";

const A = randn(120, 4, 7);

function expectRounded(f64: Float64Array, f32: unknown, what: string): void {
  expect(f32, what).toBeInstanceOf(Float32Array);
  expect(Array.from(f32 as Float32Array), what).toEqual(Array.from(f64, Math.fround));
}

describe("dtype", () => {
  beforeAll(() => init());

  for (const backend of ["wasm", "js"] as const) {
    it(`float32 scores and weights are Math.fround of the float64 ones (${backend})`, async () => {
      const pairs: [string, { scores?: Float64Array; weights?: Float64Array }, Record<string, unknown>][] = [
        ["leverageScores", leverageScores(A, { backend }), leverageScores(A, { backend, dtype: "float32" })],
        ["sketch", leverageScores(A, { backend, method: "sketch", seed: 2 }), leverageScores(A, { backend, method: "sketch", seed: 2, dtype: "float32" })],
        ["leverageScoresAsync", await leverageScoresAsync(A, { backend }), await leverageScoresAsync(A, { backend, dtype: "float32" })],
        ["rootLeverageScores", rootLeverageScores(A, 1, { backend }), rootLeverageScores(A, 1, { backend, dtype: "float32" })],
        ["lewisWeights", await lewisWeights(A, 1, { backend }), await lewisWeights(A, 1, { backend, dtype: "float32" })],
        ["lewisWeights p=5", await lewisWeights(A, 5, { backend }), await lewisWeights(A, 5, { backend, dtype: "float32" })],
      ];
      for (const [name, a, b] of pairs) {
        const key = a.scores ? "scores" : "weights";
        expectRounded(a[key]!, b[key], name);
        // Everything else (kind, version, rank, iterations, ...) is kept as it was.
        for (const [k, v] of Object.entries(a)) if (k !== key) expect(b[k], `${name}.${k}`).toEqual(v);
        expect(b.version, name).toBe(1);
      }
    });

    it(`an unknown dtype is INVALID_ARGUMENT (${backend})`, async () => {
      for (const bad of ["float16", "F32", 32, null]) {
        const dtype = bad as never;
        await expectCode(() => leverageScores(A, { backend, dtype }), "INVALID_ARGUMENT");
        await expectCode(() => leverageScoresAsync(A, { backend, dtype }), "INVALID_ARGUMENT");
        await expectCode(() => rootLeverageScores(A, 1, { backend, dtype }), "INVALID_ARGUMENT");
        await expectCode(() => lewisWeights(A, 1, { backend, dtype }), "INVALID_ARGUMENT");
      }
    });
  }

  it("a float32 result passes a GPU consumer's instanceof Float32Array check and round-trips through serialize", async () => {
    const r = await lewisWeights(A, 1, { dtype: "float32" });
    expect(r.weights instanceof Float32Array).toBe(true);
    const back = deserialize<typeof r>(JSON.stringify(serialize(r)));
    expect(back).toEqual(r);
    expect(back.weights).toBeInstanceOf(Float32Array);
  });
});

describe("version", () => {
  it("every result carries version 1; serialize refuses a result from a future version with INVALID_ARGUMENT", async () => {
    const b = randn(120, 1, 8).data;
    const sampler = await OnlineLeverageSampler.create(4, { seed: 1 });
    const results: { kind: string; version: number }[] = [
      leverageScores(A), rootLeverageScores(A, 1), await lewisWeights(A, 1), await lpSensitivities(A, 1), await lpRegression(A, b, 1),
      sampler.push(A), sample(new Float64Array(120).fill(1), 10, { seed: 1 }), await coreset(A, b, { p: 1, m: 30, seed: 2 }),
    ];
    for (const r of results) {
      expect(r.version, r.kind).toBe(1);
      expect(structuredClone(r), r.kind).toEqual(r);
      expect(deserialize(JSON.stringify(serialize(r))), r.kind).toEqual(r);
      const future = { ...r, version: 2 };
      let err: unknown = null;
      try {
        serialize(future);
      } catch (e) {
        err = e;
      }
      expect(err, r.kind).toBeInstanceOf(LowrankError);
      expect((err as LowrankError).code).toBe("INVALID_ARGUMENT");
      expect((err as Error).message).toMatch(/version 2.*upgrade @lowrank\/sensitivity-sampling/);
    }
  });
});
