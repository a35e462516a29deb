import { trTensor, ttTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { GeneralFitter } from "../src/general-fitter.js";
import { coreShapeOf, randomCores } from "../src/general-network.js";
import { init, parameterCount, reconstruct, relativeError, searchStructure, type GeneralTensorNetwork, type Tensor } from "../src/index.js";
import { asyncCodeOf, codeOf, indices, relDiff, variants } from "./helpers.js";

/** A random general network with the given edges (others rank 1). */
function network(shape: number[], edges: [number, number, number][], seed: number): GeneralTensorNetwork {
  const R = shape.map(() => shape.map(() => 1));
  for (const [a, b, r] of edges) R[a][b] = R[b][a] = r;
  const cores = randomCores(shape, R, new Rng(seed));
  return {
    kind: "general-network",
    edgeRanks: R.map((row, a) => row.map((v, b) => (a === b ? shape[a] : v))),
    cores: cores.map((g, k) => ({ shape: coreShapeOf(shape, R, k), data: g })),
  };
}

/** The network's dense tensor from the definition: a sum over every bond index. */
function contractByDefinition(net: GeneralTensorNetwork): Tensor {
  const N = net.cores.length, R = net.edgeRanks, shape = net.cores.map((c) => c.shape[0]);
  const edges: [number, number][] = [];
  for (let a = 0; a < N; a++) for (let b = a + 1; b < N; b++) edges.push([a, b]);
  const data = Float64Array.from(indices(shape), (i) => {
    let s = 0;
    for (const bonds of indices(edges.map(([a, b]) => R[a][b]))) {
      let p = 1;
      for (let k = 0; k < N; k++) {
        const c = net.cores[k];
        let f = i[k];
        for (let j = 0; j < N; j++) {
          if (j === k) continue;
          const e = edges.findIndex(([a, b]) => (a === k && b === j) || (a === j && b === k));
          f = f * R[k][j] + bonds[e];
        }
        p *= c.data[f];
      }
      s += p;
    }
    return s;
  });
  return { shape, data };
}

/** Triangle 0-1-2 plus the pendant edge 2-3, plus relative Gaussian noise. */
function triangleWithPendant(seed: number, noise: number): Tensor {
  const X = reconstruct(network([6, 7, 8, 5], [[0, 1, 2], [0, 2, 3], [1, 2, 2], [2, 3, 3]], seed), { backend: "js" });
  const e = new Rng(seed + 100).fillNormal(new Float64Array(X.data.length));
  const rms = Math.sqrt(X.data.reduce((a, v) => a + v * v, 0) / X.data.length);
  return { shape: X.shape, data: X.data.map((v, i) => v + noise * rms * e[i]) };
}
const TRUE_RANKS = [[6, 2, 3, 1], [2, 7, 2, 1], [3, 2, 8, 3], [1, 1, 3, 5]];

describe("general tensor networks (js reference)", () => {
  it("reconstruct contracts every bond as the definition does, and counts parameters", () => {
    const net = network([3, 2, 4, 2], [[0, 1, 2], [0, 2, 2], [1, 3, 3], [2, 3, 2], [0, 3, 2]], 1);
    const X = reconstruct(net, { backend: "js" });
    expect(relDiff(X.data, contractByDefinition(net).data)).toBeLessThan(1e-13);
    expect(parameterCount(net)).toBe(3 * 2 * 2 * 2 + 2 * 2 * 1 * 3 + 4 * 2 * 1 * 2 + 2 * 2 * 3 * 2);
    const bad = { ...net, edgeRanks: net.edgeRanks.map((r) => r.slice()) };
    bad.edgeRanks[0][1] = 3;
    expect(codeOf(() => reconstruct(bad, { backend: "js" }))).toBe("SHAPE");
  });

  for (const seed of [1, 2, 3]) {
    it(`greedy recovers a triangle with a pendant edge to the noise level (seed ${seed})`, async () => {
      const X = triangleWithPendant(seed, 1e-3);
      let calls = 0;
      const res = await searchStructure(X, { method: "greedy", topology: "general", targetError: 2e-3, seed, backend: "js", onProgress: () => calls++ });
      expect(res.edgeRanks).toEqual(TRUE_RANKS);
      expect(res.error).toBeLessThan(1.2e-3);
      expect(res.error).toBeGreaterThan(5e-4); // fitting the noise would go below it
      expect(relativeError(X, reconstruct(res.network, { backend: "js" }))).toBeCloseTo(res.error, 10);
      expect(res.parameters).toBe(parameterCount(res.network));
      expect(res.evaluations).toBe(calls);
      expect(res.path.length).toBe(6); // one increment per unit of rank above one
    });
  }

  it("greedy finds the chain of a tensor train and the cycle of a tensor ring", async () => {
    const tt = ttTensor([5, 6, 7, 4], [2, 3, 2], { seed: 1 }).tensor;
    const a = await searchStructure(tt, { method: "greedy", topology: "general", seed: 1, backend: "js" });
    expect(a.edgeRanks).toEqual([[5, 2, 1, 1], [2, 6, 3, 1], [1, 3, 7, 2], [1, 1, 2, 4]]);
    expect(a.error).toBeLessThan(1e-6);
    const tr = trTensor([5, 6, 5, 6], [2, 3, 2, 2], { seed: 1 }).tensor;
    const b = await searchStructure(tr, { method: "greedy", topology: "general", seed: 1, backend: "js" });
    expect(b.edgeRanks).toEqual([[5, 3, 1, 2], [3, 6, 2, 1], [1, 2, 5, 2], [2, 1, 2, 6]]);
    expect(b.error).toBeLessThan(1e-6);
  });

  it("respects the parameter budget and maxEvaluations", async () => {
    const X = triangleWithPendant(4, 1e-3);
    const res = await searchStructure(X, { method: "greedy", topology: "general", budget: 150, backend: "js" });
    expect(res.parameters).toBeLessThanOrEqual(150);
    expect(res.error).toBeGreaterThan(1e-2); // the true network needs 223
    const few = await searchStructure(X, { method: "greedy", topology: "general", maxEvaluations: 9, backend: "js" });
    expect(few.evaluations).toBeLessThanOrEqual(10); // the step's refit may finish
  });

  it("rejects bad options and aborts on request", async () => {
    const X = triangleWithPendant(5, 0);
    const o = { method: "greedy", topology: "general", backend: "js" } as const;
    expect(await asyncCodeOf(() => searchStructure(X, { ...o, topology: "star" as never }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => searchStructure(X, { ...o, method: "tnale" as never }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => searchStructure(X, { ...o, sliceIter: 0 }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => searchStructure(X, { ...o, budget: 20 }))).toBe("INVALID_ARGUMENT");
    const ctl = new AbortController();
    ctl.abort();
    expect(await asyncCodeOf(() => searchStructure(X, { ...o, signal: ctl.signal }))).toBe("ABORTED");
  });
});

for (const variant of variants) {
  describe(`general tensor networks (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("contraction and ALS sweeps agree with the js reference", async () => {
      const net = network([4, 5, 3, 6], [[0, 1, 2], [1, 2, 3], [0, 3, 2], [1, 3, 2]], 7);
      expect(relDiff(reconstruct(net).data, reconstruct(net, { backend: "js" }).data)).toBeLessThan(1e-12);
      const X = triangleWithPendant(6, 0.05);
      const R = net.edgeRanks.map((r) => r.slice());
      const shape = X.shape;
      const start = randomCores(shape, R, new Rng(3));
      const fits = await Promise.all((["wasm", "js"] as const).map(async (backend) => {
        const cores = start.map((g) => g.slice());
        const errors = await new GeneralFitter(X, backend).fit(R, cores, { maxIter: 6, tol: 0 });
        return { errors, X: reconstruct({ edgeRanks: R, cores: cores.map((g, k) => ({ shape: coreShapeOf(shape, R, k), data: g })) }, { backend: "js" }) };
      }));
      expect(relDiff(fits[0].X.data, fits[1].X.data)).toBeLessThan(1e-10);
      expect(Math.abs(fits[0].errors[5] - fits[1].errors[5])).toBeLessThan(1e-12);
    });
    it("greedy finds the same structure as the js reference", async () => {
      const X = triangleWithPendant(9, 1e-3);
      const w = await searchStructure(X, { method: "greedy", topology: "general", targetError: 2e-3, seed: 9 });
      const j = await searchStructure(X, { method: "greedy", topology: "general", targetError: 2e-3, seed: 9, backend: "js" });
      expect(w.edgeRanks).toEqual(TRUE_RANKS);
      expect(w.edgeRanks).toEqual(j.edgeRanks);
      expect(w.evaluations).toBe(j.evaluations);
      expect(Math.abs(w.error - j.error)).toBeLessThan(1e-9);
    });
  });
}
