import { trTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { init, reconstruct, relativeError, searchStructure, type Tensor } from "../src/index.js";
import { asyncCodeOf, entry, indices, randomTensor } from "./helpers.js";

/** Y.shape[m] = X.shape[perm[m]], Y[j] = X[i] with i_{perm[m]} = j_m, from the definition. */
function permute(X: Tensor, perm: number[]): Tensor {
  const shape = perm.map((k) => X.shape[k]);
  const data = Float64Array.from(indices(shape), (j) => {
    const i = new Array<number>(j.length);
    perm.forEach((k, m) => (i[k] = j[m]));
    return entry(X, i);
  });
  return { shape, data };
}

const ringParameters = (shape: number[], r: number[]) => shape.reduce((a, n, k) => a + r[k] * n * r[(k + 1) % shape.length], 0);

describe("searchStructure (js reference)", () => {
  const { tensor } = trTensor([5, 6, 5, 6], [2, 3, 2, 2], { seed: 1 });

  for (const method of ["greedy", "tnale"] as const) {
    it(`${method} finds the TR ranks [2, 3, 2, 2] of an exact ring, and counts every fit`, async () => {
      let calls = 0;
      const res = await searchStructure(tensor, { method, seed: 1, backend: "js", onProgress: () => calls++ });
      expect(res.ranks).toEqual([2, 3, 2, 2]);
      expect(res.error).toBeLessThan(1e-8);
      expect(relativeError(tensor, reconstruct(res.network, { backend: "js" }))).toBeLessThan(1e-8);
      expect(res.parameters).toBe(ringParameters(tensor.shape, res.ranks));
      expect(res.objective).toBeCloseTo(res.parameters / tensor.data.length + 200 * res.error, 12);
      expect(res.evaluations).toBe(calls);
    });
  }

  it("tnale with searchPermutation recovers a ring whose modes were scrambled", async () => {
    const { tensor } = trTensor([5, 6, 7, 4], [1, 3, 1, 3], { seed: 1 });
    const Y = permute(tensor, [0, 2, 1, 3]);
    const plain = await searchStructure(Y, { method: "tnale", seed: 1, backend: "js" });
    const res = await searchStructure(Y, { method: "tnale", seed: 1, searchPermutation: true, backend: "js" });
    expect(res.parameters).toBe(66); // the generating ring's, against 320 without permutations
    expect(res.objective).toBeLessThan(plain.objective);
    expect(res.error).toBeLessThan(1e-8);
    expect([...res.permutation].sort()).toEqual([0, 1, 2, 3]);
    expect(relativeError(permute(Y, res.permutation), reconstruct(res.network, { backend: "js" }))).toBeLessThan(1e-8);
  });

  it("greedy stays within the parameter budget", async () => {
    const res = await searchStructure(tensor, { method: "greedy", budget: 60, backend: "js" });
    expect(res.parameters).toBeLessThanOrEqual(60);
    expect(res.error).toBeGreaterThan(1e-3); // the exact ring needs 110 parameters
  });

  it("tnale respects maxEvaluations", async () => {
    const res = await searchStructure(tensor, { method: "tnale", maxEvaluations: 7, backend: "js" });
    expect(res.evaluations).toBeLessThanOrEqual(8); // the last candidate's restarts may finish
  });

  it("rejects bad options and aborts on request", async () => {
    const X = randomTensor([4, 5, 6], 3);
    expect(await asyncCodeOf(() => searchStructure(X, { method: "tnga" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => searchStructure(X, { method: "greedy", budget: 10, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => searchStructure(X, { method: "tnale", initialRank: [2, 2], backend: "js" }))).toBe("SHAPE");
    expect(await asyncCodeOf(() => searchStructure(randomTensor([7], 1), { method: "greedy", backend: "js" }))).toBe("SHAPE");
    const ctl = new AbortController();
    ctl.abort();
    expect(await asyncCodeOf(() => searchStructure(X, { method: "greedy", signal: ctl.signal, backend: "js" }))).toBe("ABORTED");
  });
});

describe("searchStructure (wasm)", () => {
  beforeAll(async () => {
    await init();
  });
  it("greedy and tnale find the ranks of another exact ring", async () => {
    const { tensor } = trTensor([5, 6, 5, 6], [2, 3, 2, 2], { seed: 2 });
    for (const method of ["greedy", "tnale"] as const) {
      const res = await searchStructure(tensor, { method, seed: 2 });
      expect(res.ranks).toEqual([2, 3, 2, 2]);
      expect(res.error).toBeLessThan(1e-8);
    }
  });
});
