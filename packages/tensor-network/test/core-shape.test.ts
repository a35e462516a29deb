import { tuckerTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { coreShape, init } from "../src/index.js";
import { asyncCodeOf, indices, randomTensor, variants } from "./helpers.js";

const params = (shape: number[], r: number[]) => r.reduce((a, b) => a * b, 1) + shape.reduce((a, n, k) => a + n * r[k], 0);
const kept = (spectra: Float64Array[], r: number[]) => spectra.reduce((a, s, k) => a + s.subarray(0, r[k]).reduce((x, y) => x + y, 0), 0);

/** The best kept Σσ² over every multilinear rank within the budget, by full enumeration. */
function bruteForce(shape: number[], spectra: Float64Array[], budget: number): number {
  let best = -Infinity;
  for (const idx of indices(shape)) {
    const r = idx.map((i) => i + 1);
    const P = r.reduce((a, b) => a * b, 1);
    if (r.some((v) => v * v > P)) continue; // not a multilinear rank
    if (params(shape, r) <= budget) best = Math.max(best, kept(spectra, r));
  }
  return best;
}

describe("coreShape (js reference)", () => {
  const cases = [
    { shape: [6, 7, 8], seed: 1 },
    { shape: [5, 4, 6, 3], seed: 2 },
    { shape: [9, 3, 7], seed: 3 },
  ];
  for (const { shape, seed } of cases) {
    it(`exact matches brute force and every solver respects the budget on [${shape}] (seed ${seed})`, async () => {
      const X = tuckerTensor(shape, shape.map((n) => Math.min(n, 3)), { seed, noise: 0.3 }).tensor;
      const least = 1 + shape.reduce((a, b) => a + b, 0);
      const full = params(shape, shape);
      for (const frac of [0, 0.05, 0.15, 0.3, 0.6, 1]) {
        const budget = Math.round(least + frac * (full - least));
        const ex = await coreShape(X, { budget, solver: "exact", backend: "js" });
        expect(ex.parameters).toBeLessThanOrEqual(budget);
        expect(ex.parameters).toBe(params(shape, ex.rank));
        const P = ex.rank.reduce((a, b) => a * b, 1);
        for (const v of ex.rank) expect(v * v).toBeLessThanOrEqual(P);
        const opt = bruteForce(shape, ex.spectra, budget);
        expect(Math.abs(kept(ex.spectra, ex.rank) - opt)).toBeLessThanOrEqual(1e-12 * opt);
        for (const solver of ["greedy", "bang-for-buck"] as const) {
          const g = await coreShape(X, { budget, solver, backend: "js" });
          expect(g.parameters).toBeLessThanOrEqual(budget);
          const Pg = g.rank.reduce((a, b) => a * b, 1);
          for (const v of g.rank) expect(v * v).toBeLessThanOrEqual(Pg);
          expect(kept(g.spectra, g.rank)).toBeLessThanOrEqual(opt * (1 + 1e-12));
        }
      }
    });
  }

  it("returns the exact multilinear rank when the budget is that shape's size", async () => {
    const { tensor } = tuckerTensor([10, 9, 8], [3, 2, 4], { seed: 4 });
    const res = await coreShape(tensor, { budget: params([10, 9, 8], [3, 2, 4]), backend: "js" });
    expect(res.rank).toEqual([3, 2, 4]);
    expect(res.errorBound).toBeLessThan(1e-7);
  });

  it("spectra are the squared singular values: each mode's sums to ‖X‖²", async () => {
    const X = randomTensor([5, 6, 7], 5);
    const res = await coreShape(X, { budget: 100, backend: "js" });
    const nx2 = X.data.reduce((a, v) => a + v * v, 0);
    for (const s of res.spectra) expect(Math.abs(s.reduce((a, b) => a + b, 0) - nx2) / nx2).toBeLessThan(1e-12);
  });

  it("rre-greedy (refit baseline) respects the budget, returns a multilinear rank, and counts its fits", async () => {
    const X = tuckerTensor([7, 6, 5], [3, 2, 2], { seed: 9, noise: 0.1 }).tensor;
    const budget = 120;
    const res = await coreShape(X, { budget, solver: "rre-greedy", refitIter: 5, backend: "js" });
    expect(res.parameters).toBeLessThanOrEqual(budget);
    const P = res.rank.reduce((a, b) => a * b, 1);
    for (const v of res.rank) expect(v * v).toBeLessThanOrEqual(P);
    // One fit per fitting candidate per step: at least N per step taken.
    expect(res.fits).toBeGreaterThanOrEqual(3);
    expect(await asyncCodeOf(() => coreShape(X, { budget, solver: "rre-greedy", refitIter: 0, backend: "js" }))).toBe("INVALID_ARGUMENT");
  });

  it("rejects a budget below 1 + Σ I_n and unknown solvers", async () => {
    const X = randomTensor([5, 6, 7], 6);
    expect(await asyncCodeOf(() => coreShape(X, { budget: 18, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => coreShape(X, { budget: 100, solver: "ip" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => coreShape(X, { budget: NaN, backend: "js" }))).toBe("INVALID_ARGUMENT");
  });
});

for (const variant of variants) {
  describe(`coreShape (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("agrees with the js reference", async () => {
      const X = tuckerTensor([8, 9, 7], [3, 3, 3], { seed: 7, noise: 0.2 }).tensor;
      for (const solver of ["best", "exact", "greedy", "bang-for-buck"] as const) {
        const a = await coreShape(X, { budget: 150, solver });
        const b = await coreShape(X, { budget: 150, solver, backend: "js" });
        expect(a.rank).toEqual(b.rank);
        expect(Math.abs(a.errorBound - b.errorBound)).toBeLessThan(1e-10);
      }
    });
  });
}
