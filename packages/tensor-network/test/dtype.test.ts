// `dtype: "float32"` on tucker, cp, tensorTrain, tensorRing and reconstruct
// (Float32Array results for TensorFlow.js / WebGL), and the `version` every
// decomposition carries beside its `kind`, on both backends.
import { beforeAll, describe, expect, it } from "vitest";
import {
  cp, deserialize, init, reconstruct, searchStructure, serialize, tensorRing, tensorTrain, ttAdd, ttRound, ttScale, tucker, type Tensor,
} from "../src/index.js";
import { asyncCodeOf, codeOf, randomTensor } from "./helpers.js";

const X = randomTensor([6, 5, 4], 21);

/** Every Float64Array in `a` is a Float32Array of its Math.fround values at the same place in `b`; returns how many. */
function rounded(a: unknown, b: unknown, path: string): number {
  if (a instanceof Float64Array) {
    expect(b, path).toBeInstanceOf(Float32Array);
    expect(Array.from(b as Float32Array), path).toEqual(Array.from(a, Math.fround));
    return 1;
  }
  if (a === null || typeof a !== "object" || ArrayBuffer.isView(a)) {
    expect(b, path).toEqual(a);
    return 0;
  }
  let n = 0;
  for (const [k, v] of Object.entries(a)) n += rounded(v, (b as Record<string, unknown>)[k], `${path}.${k}`);
  return n;
}

/** What a GPU consumer (TensorFlow.js's float32 tensors) accepts. */
const gpuReady = (t: { data: unknown }) => t.data instanceof Float32Array;

describe("dtype", () => {
  beforeAll(() => init());

  for (const backend of ["wasm", "js"] as const) {
    it(`float32 results are Math.fround of the float64 ones (${backend})`, async () => {
      const calls: [string, (dtype: "float64" | "float32") => Promise<unknown>, number][] = [
        ["tucker", (dtype) => tucker(X, { rank: [3, 2, 2], method: "hooi", maxIter: 3, backend, dtype }), 4],
        ["cp", (dtype) => cp(X, { rank: 2, seed: 1, maxIter: 5, backend, dtype }), 4],
        ["tensorTrain", (dtype) => tensorTrain(X, { maxRank: 3, backend, dtype }), 3],
        ["tensorRing", (dtype) => tensorRing(X, { rank: [2, 2, 2], backend, dtype }), 3],
        ["tensorRing als", (dtype) => tensorRing(X, { rank: [2, 2, 2], method: "als", maxIter: 3, backend, dtype }), 3],
      ];
      for (const [name, call, arrays] of calls) {
        const a = await call("float64"), b = await call("float32");
        expect(rounded(a, b, name), name).toBe(arrays);
        expect((b as { version: number }).version, name).toBe(1);
      }
      const d = await tucker(X, { rank: 2, backend });
      const Y = reconstruct(d, { backend }), Y32 = reconstruct(d, { backend, dtype: "float32" });
      expect(rounded(Y, Y32, "reconstruct")).toBe(1);
      expect(gpuReady(Y32) && !gpuReady(Y)).toBe(true);
      // Completion from a mask alone (a hold-out picks the model, in f64) casts its final result.
      const mask = Uint8Array.from(X.data, (_, i) => (i % 3 === 0 ? 0 : 1));
      const c64 = await cp(X, { mask, backend, seed: 1 }), c32 = await cp(X, { mask, backend, seed: 1, dtype: "float32" });
      expect(rounded(c64, c32, "cp completion")).toBe(4);
      expect(c32.completion).toEqual(c64.completion);
      // A float32 decomposition reads back in (every float32 is a double).
      const d32 = await tucker(X, { rank: 2, backend, dtype: "float32" });
      expect(reconstruct(d32, { backend }).data).toBeInstanceOf(Float64Array);
    });

    it(`an unknown dtype is INVALID_ARGUMENT (${backend})`, async () => {
      for (const bad of ["float16", "F32", 32, null]) {
        const dtype = bad as never;
        expect(await asyncCodeOf(() => tucker(X, { rank: 2, backend, dtype }))).toBe("INVALID_ARGUMENT");
        expect(await asyncCodeOf(() => cp(X, { rank: 2, backend, dtype }))).toBe("INVALID_ARGUMENT");
        expect(await asyncCodeOf(() => tensorTrain(X, { backend, dtype }))).toBe("INVALID_ARGUMENT");
        expect(await asyncCodeOf(() => tensorRing(X, { backend, dtype }))).toBe("INVALID_ARGUMENT");
        expect(codeOf(() => reconstruct({ weights: [1], factors: [[[1]], [[1]]] }, { backend, dtype }))).toBe("INVALID_ARGUMENT");
      }
    });
  }
});

describe("version", () => {
  it("every decomposition an entry point returns carries version 1; it survives serialize, JSON and structuredClone", async () => {
    const tt = await tensorTrain(X, { maxRank: 3 });
    const ring = await searchStructure(X, { method: "greedy", maxEvaluations: 2, alsIter: 2, backend: "js" });
    const general = await searchStructure(X, { method: "greedy", topology: "general", maxEvaluations: 2, alsIter: 2, backend: "js" });
    const all = [
      await tucker(X, { rank: 2 }), await cp(X, { rank: 2, seed: 1 }), tt, await tensorRing(X, { rank: [2, 2, 2] }),
      await tensorRing(X, { rank: [2, 2, 2], method: "als", maxIter: 2 }), ttRound(tt), ttAdd(tt, tt), ttScale(tt, 2), ring.network, general.network,
      await tucker(X, { rank: 2, dtype: "float32" }),
    ];
    for (const d of all) {
      expect([d.kind, d.version]).toEqual([d.kind, 1]);
      const back = deserialize(JSON.stringify(serialize(d)));
      expect(back).toEqual(d);
      expect(structuredClone(d)).toEqual(d);
    }
  });

  it("a decomposition from a future version is refused by serialize and reconstruct with INVALID_ARGUMENT", async () => {
    const d = { ...(await tucker(X, { rank: 2 })), version: 2 };
    expect(codeOf(() => serialize(d))).toBe("INVALID_ARGUMENT");
    expect(() => serialize(d)).toThrow(/upgrade @lowrank\/tensor-network/);
    expect(codeOf(() => reconstruct(d))).toBe("INVALID_ARGUMENT");
    // An envelope from a future format is refused too; one without a version field in its data reads as version 1.
    const s = serialize({ ...d, version: 1 });
    expect(codeOf(() => deserialize({ ...s, version: 2 }))).toBe("INVALID_ARGUMENT");
    expect(deserialize(s).version).toBe(1);
    const bits = (t: Tensor) => Array.from(t.data);
    expect(bits(reconstruct(deserialize(s)))).toEqual(bits(reconstruct({ ...d, version: undefined })));
  });
});
