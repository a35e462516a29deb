// One vocabulary for results across packages: every factorisation,
// decomposition and sampling result is plain data with a string `kind` and
// `version: 1`, survives structuredClone, and with `dtype: "float32"` holds
// no Float64Array anywhere (what a TensorFlow.js / WebGL consumer needs); an
// unknown dtype is INVALID_ARGUMENT everywhere. Every result kind goes
// through JSON and back, bit for bit, by its package's way of saving it.
import { decodeTypedArrays, eigh, encodeTypedArrays, gemm, LowrankError, qr, svd, type DenseMatrix } from "@lowrank/linalg";
import { CompletionModel, complete } from "@lowrank/matrix-completion";
import * as sampling from "@lowrank/sensitivity-sampling";
import { EvolvingSvd, truncatedSvd } from "@lowrank/svd-update";
import * as tn from "@lowrank/tensor-network";
import { describe, expect, it } from "vitest";

const { leverageScores, lewisWeights, sample } = sampling;
const { coreShape, cp, reconstruct, searchStructure, tensorRing, tensorTrain, tucker } = tn;

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

/** Typed arrays as their bytes (so -0 and NaN payloads count), plain values as they are. */
function bits(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return [x.constructor.name, Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))];
  if (Array.isArray(x)) return x.map(bits);
  if (x !== null && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, bits(v)]));
  return x;
}

/** Through JSON text and back, the way the result's package documents. */
type Trip = (r: unknown) => unknown;
const viaLinalg: Trip = (r) => decodeTypedArrays(JSON.parse(JSON.stringify(encodeTypedArrays(r))));
const viaTensorNetwork: Trip = (r) => tn.deserialize<tn.SavedResult>(JSON.stringify(tn.serialize(r as tn.SavedResult)));
const viaSampling: Trip = (r) => sampling.deserialize(JSON.stringify(sampling.serialize(r as object)));
const viaJson: Trip = (r) => JSON.parse(JSON.stringify(r));

describe("results across packages", () => {
  it("round-trip through JSON and structuredClone bit for bit, every kind", async () => {
    const es = await EvolvingSvd.create(A, { rank: 3 });
    const model = await complete({ rows: 5, cols: 5, rowIndex: [0, 1, 2, 3, 4, 0], colIndex: [0, 1, 2, 3, 4, 4], values: [1, 2, 3, 4, 5, 2] }, { rank: 1, maxIter: 2 });
    const cases: [unknown, Trip][] = [
      [svd(A), viaLinalg], [eigh(S), viaLinalg], [qr(A), viaLinalg], [truncatedSvd(A, { rank: 3 }), viaLinalg], [es.factors(), viaLinalg],
      [es.save(), viaJson], [model.toJSON(), viaJson], [model.factors(), viaLinalg],
      [sample(new Float64Array(40).fill(1), 5, { seed: 1 }), viaSampling], [leverageScores(A), viaSampling], [lewisWeights(A, 1), viaSampling],
      [await tucker(X, { rank: 2 }), viaTensorNetwork], [await cp(X, { rank: 2, seed: 1 }), viaTensorNetwork],
      [await tensorTrain(X, { maxRank: 2 }), viaTensorNetwork], [await tensorRing(X, { rank: [2, 2, 2] }), viaTensorNetwork],
      [await coreShape(X, { budget: 60 }), viaTensorNetwork],
      [await searchStructure(X, { method: "greedy", maxEvaluations: 4, alsIter: 5 }), viaTensorNetwork],
      [await searchStructure(X, { method: "greedy", topology: "general", maxEvaluations: 4, alsIter: 5, sliceIter: 2 }), viaTensorNetwork],
    ];
    const kinds = new Set<string>();
    for (const [made, trip] of cases) {
      const r = await made;
      const kind = String((r as { kind: unknown }).kind);
      kinds.add(kind);
      expect(bits(trip(r)), kind).toEqual(bits(r));
      expect(bits(structuredClone(r)), kind).toEqual(bits(r));
    }
    expect(kinds.has("core-shape") && kinds.has("structure-search"), [...kinds].join()).toBe(true);
    // The model instance (not plain data: it has methods) carries the kind and version its saved forms write.
    expect([model.kind, model.version]).toEqual(["completion-model", 1]);
    expect(CompletionModel.fromJSON(JSON.stringify(model.toJSON())).version).toBe(1);
    // A result from a future format is refused with a clear error, not misread.
    const future = { ...tn.serialize((await cases[15][0]) as tn.CoreShapeResult), version: 2 };
    expect(() => tn.deserialize(future)).toThrow(/newer|version/);
  });


  it("carry a kind and version 1, and survive structuredClone", async () => {
    const es = await EvolvingSvd.create(A, { rank: 3 });
    const model = await complete({ rows: 5, cols: 5, rowIndex: [0, 1, 2, 3, 4, 0], colIndex: [0, 1, 2, 3, 4, 4], values: [1, 2, 3, 4, 5, 2] }, { rank: 1, maxIter: 2 });
    const results: unknown[] = [sample(new Float64Array(40).fill(1), 5, { seed: 1 }), es.factors(), es.save(), model.toJSON(), model.factors(), model];
    results.push(await coreShape(X, { budget: 60 }), await searchStructure(X, { method: "greedy", maxEvaluations: 4, alsIter: 5 }));
    for (const [, f] of entries) results.push(await f("float64"));
    for (const r of results) {
      const o = r as { kind: unknown; version: unknown };
      expect(typeof o.kind, JSON.stringify(o.kind)).toBe("string");
      expect(o.version, String(o.kind)).toBe(1);
      if (!(r instanceof CompletionModel)) expect(structuredClone(r)).toEqual(r);
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
