// Float32 predictions and factors from a CompletionModel (for TensorFlow.js /
// WebGL): `predictMany(..., { dtype })` and `factors({ dtype })`, on models
// fitted on both backends.
import { describe, expect, it } from "vitest";
import { complete, CompletionModel } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";
import { expectCode } from "@lowrank/test-utils";

const small = syntheticRatings({ users: 60, items: 80, ratings: 1500, seed: 5 }).observations;

function expectRounded(f64: Float64Array, f32: unknown, what: string): void {
  expect(f32, what).toBeInstanceOf(Float32Array);
  expect(Array.from(f32 as Float32Array), what).toEqual(Array.from(f64, Math.fround));
}

describe("CompletionModel float32 outputs", () => {
  for (const backend of ["wasm", "js"] as const) {
    it(`predictMany and factors give Math.fround of the f64 values (${backend})`, async () => {
      const model = await complete(small, { rank: 3, lambda: 0.1, maxIter: 3, backend });
      const rows = [0, 59, 7, 30], cols = [79, 0, 7, 41];
      const p64 = model.predictMany(rows, cols), p32 = model.predictMany(rows, cols, { dtype: "float32" });
      expectRounded(p64, p32, "predictMany");
      expect(model.predictMany(rows, cols, { dtype: "float64" })).toEqual(p64);
      const f = model.factors(), g = model.factors({ dtype: "float32" });
      expect([f.kind, f.version, f.U.rows, f.U.cols, f.V.rows, f.V.cols]).toEqual(["completion-factors", 1, 60, 3, 80, 3]);
      expect(Array.from(f.U.data)).toEqual(Array.from(model.U));
      expectRounded(f.U.data, g.U.data, "U");
      expectRounded(f.V.data, g.V.data, "V");
      expectRounded(f.rowBias, g.rowBias, "rowBias");
      expectRounded(f.colBias, g.colBias, "colBias");
      expect([g.kind, g.version, g.globalMean, g.clip]).toEqual([f.kind, 1, f.globalMean, f.clip]);
      // The parts are copies: changing them leaves the model as it was.
      f.U.data.fill(0);
      expect(model.predictMany(rows, cols)).toEqual(p64);
      // What a GPU consumer (TensorFlow.js's float32 tensors) checks.
      expect(g.U.data instanceof Float32Array && p32 instanceof Float32Array).toBe(true);
      expect(structuredClone(g)).toEqual(g);
    });
  }

  it("an unknown dtype or option is INVALID_ARGUMENT", async () => {
    const model = await complete(small, { rank: 2, maxIter: 2 });
    for (const bad of ["float16", "F32", 32, null]) {
      await expectCode(() => model.predictMany([0], [0], { dtype: bad as never }), "INVALID_ARGUMENT");
      await expectCode(() => model.factors({ dtype: bad as never }), "INVALID_ARGUMENT");
    }
    await expectCode(() => model.factors({ type: "float32" } as never), "INVALID_ARGUMENT");
    // The saved form carries kind and version, and a newer version is refused.
    const json = model.toJSON();
    expect([json.kind, json.version]).toEqual(["completion-model", 1]);
    await expectCode(() => CompletionModel.fromJSON({ ...json, version: 2 }), "INVALID_ARGUMENT");
  });
});
