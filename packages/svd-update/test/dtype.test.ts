// truncatedSvd's `dtype: "float32"` (Float32Array factors for TensorFlow.js /
// WebGL) and the `kind` + `version` of its result and of EvolvingSvd's
// factors, on both backends.
import { encodeTypedArrays, decodeTypedArrays } from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import { EvolvingSvd, truncatedSvd } from "../src/index.js";
import { expectCode, sparseRandom } from "./helpers.js";

const A = sparseRandom(60, 40, 0.2, 11);

function expectFround(f64: Float64Array, f32: unknown, what: string): void {
  expect(f32, what).toBeInstanceOf(Float32Array);
  expect(Array.from(f32 as Float32Array), what).toEqual(Array.from(f64, Math.fround));
}

describe("truncatedSvd dtype", () => {
  for (const backend of ["wasm", "js"] as const) {
    for (const method of ["lanczos", "randomized"] as const) {
      it(`float32 factors are Math.fround of the float64 ones, kind and version kept (${method}, ${backend})`, async () => {
        const a = await truncatedSvd(A, { rank: 5, method, seed: 3, backend });
        const b = await truncatedSvd(A, { rank: 5, method, seed: 3, backend, dtype: "float32" });
        expectFround(a.U.data, b.U.data, "U");
        expectFround(a.V.data, b.V.data, "V");
        expectFround(a.s, b.s, "s");
        expectFround(a.residuals, b.residuals, "residuals");
        expect([b.kind, b.version, b.method, b.iterations, b.U.rows, b.U.cols]).toEqual([a.kind, 1, method, a.iterations, 60, 5]);
        expect(a.version).toBe(1);
        // What a GPU consumer (TensorFlow.js's float32 tensors) checks.
        expect(b.U.data instanceof Float32Array && !(a.U.data instanceof Float32Array)).toBe(true);
      });
    }

    it(`an unknown dtype is INVALID_ARGUMENT (${backend})`, async () => {
      for (const bad of ["float16", "f32", 32, null]) {
        await expectCode(() => truncatedSvd(A, { rank: 3, backend, dtype: bad as never }), "INVALID_ARGUMENT");
      }
    });
  }

  it("results round-trip through structuredClone and the JSON-safe form; EvolvingSvd's factors carry kind and version", async () => {
    const r = await truncatedSvd(A, { rank: 4, seed: 1, dtype: "float32" });
    expect(structuredClone(r)).toEqual(r);
    expect(decodeTypedArrays(JSON.parse(JSON.stringify(encodeTypedArrays(r))))).toEqual(r);
    const es = await EvolvingSvd.create(A, { rank: 4, seed: 1 });
    const f = es.factors();
    expect([f.kind, f.version]).toEqual(["svd", 1]);
    expect(structuredClone(f)).toEqual(f);
    const saved = es.save();
    expect([saved.kind, saved.version]).toEqual(["evolving-svd", 1]);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    // Factors from a newer layout are refused; these (version 1) start a new object.
    await expectCode(() => EvolvingSvd.fromFactors({ ...f, version: 2 }), "INVALID_ARGUMENT");
    expect((await EvolvingSvd.fromFactors(f)).factors().s).toEqual(f.s);
  });
});
