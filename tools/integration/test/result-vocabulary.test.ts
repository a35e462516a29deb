// One vocabulary for results across packages: every factorisation,
// decomposition and sampling result is plain data with a string `kind` and
// `version: 1`, survives structuredClone, and with `dtype: "float32"` holds
// no Float64Array anywhere (what a TensorFlow.js / WebGL consumer needs); an
// unknown dtype is INVALID_ARGUMENT everywhere.
import { eigh, gemm, LowrankError, qr, svd, type DenseMatrix } from "@lowrank/linalg";
import { complete } from "@lowrank/matrix-completion";
import { leverageScores, lewisWeights, sample } from "@lowrank/sensitivity-sampling";
import { EvolvingSvd, truncatedSvd } from "@lowrank/svd-update";
import { cp, reconstruct, tensorRing, tensorTrain, tucker } from "@lowrank/tensor-network";
import { describe, expect, it } from "vitest";

function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  });
}

const A: DenseMatrix = { rows: 40, cols: 6, data: seeded(240, 1) };
const S = gemm(A, A, { transA: true });
const X = { shape: [6, 5, 4], data: seeded(120, 2) };

/** The typed arrays in a result, by constructor name, at any depth. */
function arrayKinds(x: unknown, out = new Set<string>()): Set<string> {
  if (ArrayBuffer.isView(x)) out.add(x.constructor.name);
  else if (Array.isArray(x)) x.forEach((v) => arrayKinds(v, out));
  else if (x !== null && typeof x === "object") Object.values(x).forEach((v) => arrayKinds(v, out));
  return out;
}

type Dt = "float64" | "float32";
const entries: [string, (dtype: Dt) => unknown][] = [
  ["svd", (dtype) => svd(A, { dtype })],
  ["eigh", (dtype) => eigh(S, { dtype })],
  ["qr", (dtype) => qr(A, { dtype })],
  ["truncatedSvd", (dtype) => truncatedSvd(A, { rank: 3, dtype })],
  ["tucker", (dtype) => tucker(X, { rank: 2, dtype })],
  ["cp", (dtype) => cp(X, { rank: 2, seed: 1, dtype })],
  ["tensorTrain", (dtype) => tensorTrain(X, { maxRank: 2, dtype })],
  ["tensorRing", (dtype) => tensorRing(X, { rank: [2, 2, 2], dtype })],
  ["leverageScores", (dtype) => leverageScores(A, { dtype })],
  ["lewisWeights", (dtype) => lewisWeights(A, 1, { dtype })],
];

describe("results across packages", () => {
  it("carry a kind and version 1, and survive structuredClone", async () => {
    const es = await EvolvingSvd.create(A, { rank: 3 });
    const model = await complete({ rows: 5, cols: 5, rowIndex: [0, 1, 2, 3, 4, 0], colIndex: [0, 1, 2, 3, 4, 4], values: [1, 2, 3, 4, 5, 2] }, { rank: 1, maxIter: 2 });
    const results: unknown[] = [sample(new Float64Array(40).fill(1), 5, { seed: 1 }), es.factors(), es.save(), model.toJSON(), model.factors()];
    for (const [, f] of entries) results.push(await f("float64"));
    for (const r of results) {
      const o = r as { kind: unknown; version: unknown };
      expect(typeof o.kind, JSON.stringify(o.kind)).toBe("string");
      expect(o.version, String(o.kind)).toBe(1);
      expect(structuredClone(r)).toEqual(r);
    }
  });

  it('with dtype "float32" hold Float32Arrays and no Float64Array; an unknown dtype is INVALID_ARGUMENT', async () => {
    for (const [name, f] of entries) {
      const r = await f("float32");
      const kinds = arrayKinds(r);
      expect(kinds.has("Float64Array"), name).toBe(false);
      expect(kinds.has("Float32Array"), name).toBe(true);
      let err: unknown = null;
      try {
        await f("float16" as Dt);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(LowrankError);
      expect((err as LowrankError).code, name).toBe("INVALID_ARGUMENT");
    }
    expect(arrayKinds(reconstruct(await tucker(X, { rank: 2 }), { dtype: "float32" }))).toEqual(new Set(["Float32Array"]));
    expect(arrayKinds(gemm(A, A, { transA: true, dtype: "float32" }))).toEqual(new Set(["Float32Array"]));
  });
});
