// Decompositions round-trip through serialize / JSON / deserialize and structuredClone bit for bit,
// and reconstruct dispatches on `kind` while still reading objects without one.
import { beforeAll, describe, expect, it } from "vitest";
import {
  cp, DECOMPOSITION_FORMAT_VERSION, deserialize, init, reconstruct, searchStructure, serialize, tensorRing, tensorTrain, ttAdd, ttRound, ttScale, tucker,
  type Tensor,
} from "../src/index.js";
import { codeOf, randomTensor } from "./helpers.js";

const bits = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

describe("serialize / deserialize", () => {
  const X = randomTensor([6, 5, 4], 11);
  const made: Record<string, object> = {};
  beforeAll(async () => {
    await init();
    made.tucker = await tucker(X, { rank: [3, 3, 2] });
    made.cp = await cp(X, { rank: 3, seed: 1 });
    made.tt = await tensorTrain(X, { maxRank: 3 });
    made.tr = await tensorRing(X, { rank: [2, 2, 2] });
    made.general = { edgeRanks: [[6, 2, 1], [2, 5, 2], [1, 2, 4]], cores: [randomTensor([6, 2, 1], 1), randomTensor([5, 2, 2], 2), randomTensor([4, 1, 2], 3)] };
  });

  it("round-trips every kind through JSON text and structuredClone bit for bit", async () => {
    for (const [name, d] of Object.entries(made)) {
      const want = bits(reconstruct(d as never));
      const s = serialize(d);
      expect(s.version, name).toBe(DECOMPOSITION_FORMAT_VERSION);
      const back = deserialize(JSON.parse(JSON.stringify(s)));
      expect(bits(reconstruct(back)), name).toEqual(want);
      expect(bits(reconstruct(deserialize(JSON.stringify(s)))), name).toEqual(want);
      expect(bits(reconstruct(structuredClone(d) as never)), name).toEqual(want);
      expect(bits(reconstruct(structuredClone(back))), name).toEqual(want);
      expect(deserialize(structuredClone(s)).kind, name).toBe(s.kind);
    }
    const negZero = deserialize(JSON.parse(JSON.stringify(serialize({ weights: new Float64Array([-0]), factors: [{ rows: 1, cols: 1, data: new Float64Array([-0]) }] })))) as { weights: Float64Array };
    expect(Object.is(negZero.weights[0], -0)).toBe(true);
  });

  it("every decomposition an entry point returns carries its kind", async () => {
    const kinds = (ds: object[]) => ds.map((d) => (d as { kind: string }).kind);
    expect(kinds([made.tucker, made.cp, made.tt, made.tr])).toEqual(["tucker", "cp", "tensor-network", "tensor-network"]);
    expect((await tucker(X, { rank: 2, method: "hooi", backend: "js" })).kind).toBe("tucker");
    expect((await tensorRing(X, { rank: [2, 2, 2], method: "als", maxIter: 2, backend: "js" })).kind).toBe("tensor-network");
    const tt = made.tt as never;
    expect(kinds([ttRound(tt), ttAdd(tt, tt), ttScale(tt, 2)])).toEqual(["tensor-network", "tensor-network", "tensor-network"]);
    const ring = await searchStructure(X, { method: "greedy", maxEvaluations: 2, alsIter: 2, backend: "js" });
    expect(ring.network.kind).toBe("tensor-network");
    const general = await searchStructure(X, { method: "greedy", topology: "general", maxEvaluations: 2, alsIter: 2, backend: "js" });
    expect(general.network.kind).toBe("general-network");
    for (const d of [made.tucker, made.cp, made.tt, ring.network, general.network]) expect(deserialize(serialize(d)).kind).toBe((d as { kind: string }).kind);
  });

  it("reconstruct dispatches on kind and refuses an unknown kind", () => {
    const t = made.tucker as object;
    expect(codeOf(() => reconstruct({ ...t, kind: "cp" } as never))).not.toBe("ok");
    expect(codeOf(() => reconstruct({ ...t, kind: "nope" } as never))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => reconstruct({ ...t, kind: "tucker" } as never))).toBe("none");
  });

  it("refuses a future version and damaged forms with INVALID_ARGUMENT", () => {
    const s = serialize(made.tucker);
    expect(() => deserialize({ ...s, version: DECOMPOSITION_FORMAT_VERSION + 1 })).toThrow(/newer than this library reads/);
    for (const bad of [null, 1, "{", [], {}, { ...s, kind: "x" }, { ...s, data: null }, { ...s, data: { core: { $typed: "Float64Array", base64: "!!" } } },
      { ...s, data: { core: { $typed: "Float64Array", base64: "AAA=" } } }, { ...s, data: { core: { $typed: "Object", base64: "" } } }]) {
      expect(codeOf(() => deserialize(bad as never))).toBe("INVALID_ARGUMENT");
    }
    expect(codeOf(() => serialize({ a: 1 }))).toBe("INVALID_ARGUMENT");
  });
});
