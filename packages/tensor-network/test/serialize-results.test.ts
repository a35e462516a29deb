// coreShape's and searchStructure's results are plain data with a kind and version, like the decompositions:
// serialize / JSON / deserialize restores them bit for bit (the network inside a search result included).
import { beforeAll, describe, expect, it } from "vitest";
import { coreShape, deserialize, init, reconstruct, searchStructure, serialize, type CoreShapeResult, type GeneralSearchResult, type SearchStructureResult } from "../src/index.js";
import { codeOf, randomTensor } from "./helpers.js";

/** Typed arrays as their bytes, at any depth. */
function bits(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return [x.constructor.name, Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))];
  if (Array.isArray(x)) return x.map(bits);
  if (x !== null && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, bits(v)]));
  return x;
}

describe("search results through serialize", () => {
  const X = randomTensor([6, 5, 4], 5);
  beforeAll(() => init());

  it("coreShape: kind core-shape, version 1, back bit for bit from JSON text", async () => {
    const r = await coreShape(X, { budget: 60, solver: "best" });
    expect([r.kind, r.version]).toEqual(["core-shape", 1]);
    const back = deserialize<CoreShapeResult>(JSON.stringify(serialize(r)));
    expect(bits(back)).toEqual(bits(r));
    expect(back.spectra[0]).toBeInstanceOf(Float64Array);
    // A search result is not a decomposition: reconstruct refuses it by its kind.
    expect(codeOf(() => reconstruct(r as never))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => deserialize({ ...serialize(r), version: 2 }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => serialize({ ...r, version: 2 }))).toBe("INVALID_ARGUMENT");
  });

  it("searchStructure (ring and general): kind structure-search, the network reconstructs the same after the trip", async () => {
    const ring = await searchStructure(X, { method: "greedy", maxEvaluations: 4, alsIter: 5 });
    const general = await searchStructure(X, { method: "greedy", topology: "general", maxEvaluations: 4, alsIter: 5, sliceIter: 2 });
    for (const r of [ring, general]) {
      expect([r.kind, r.version]).toEqual(["structure-search", 1]);
      const back = deserialize<SearchStructureResult | GeneralSearchResult>(JSON.parse(JSON.stringify(serialize(r))));
      expect(bits(back)).toEqual(bits(r));
      expect(back.network.kind).toBe(r.network.kind);
      expect(bits(reconstruct(back.network))).toEqual(bits(reconstruct(r.network)));
    }
  });
});
