import { cpTensor, trTensor, ttTensor, tuckerTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import {
  coreShape, cp, init, modeProduct, reconstruct, relativeError, tensorRing, tensorTrain, ttAdd, ttDot, ttRound, tucker,
} from "../src/index.js";
import { randomTensor } from "./helpers.js";

// Every WASM run checks each allocation against the arena bytes it reserved
// up front (BudgetedWorkspace), so an undercounted reservation throws here
// whatever the input size. These cases walk the code paths the other tests
// run on small shapes only with the js backend.
describe("wasm runs stay within the memory they reserve", () => {
  beforeAll(async () => {
    await init();
  });

  it("Tucker: HOOI with a mode larger than the other ranks' product (Jacobi fallback), every method and route", async () => {
    const { tensor } = tuckerTensor([20, 6, 5], [2, 2, 2], { seed: 1 });
    for (const method of ["hosvd", "st-hosvd", "hooi"] as const) {
      for (const unfoldingSvd of ["gram", "jacobi"] as const) {
        const t = await tucker(tensor, { rank: 2, method, unfoldingSvd });
        expect(relativeError(tensor, reconstruct(t))).toBeLessThan(1e-10);
      }
    }
  });

  it("CP: svd start with a rank above a dimension, random start, order 4", async () => {
    const { tensor } = cpTensor([3, 8, 9, 7], 5, { seed: 2 });
    for (const initMethod of ["svd", "random"] as const) {
      const c = await cp(tensor, { rank: 5, init: initMethod, maxIter: 30, returnErrors: true });
      // Ran within its reservation to the exact tensor: weights descending, the reported error the true one.
      for (let k = 1; k < 5; k++) expect(c.weights[k]).toBeLessThanOrEqual(c.weights[k - 1]);
      expect(c.errors!.at(-1)!).toBeLessThan(1e-6); // measured 6e-10 (svd) and 1.6e-9 (random)
      expect(Math.abs(relativeError(tensor, reconstruct(c)) - c.errors!.at(-1)!)).toBeLessThan(1e-8);
    }
  });

  it("TT and TR: caps, fixed ranks, both routes, ALS from both starts, rounding and dot", async () => {
    const tt = ttTensor([5, 6, 7, 4], [2, 3, 2], { seed: 3 });
    for (const unfoldingSvd of ["gram", "jacobi"] as const) {
      expect((await tensorTrain(tt.tensor, { maxRank: [2, 2, 2], unfoldingSvd })).ranks).toEqual([1, 2, 2, 2, 1]);
    }
    const r = ttRound(ttAdd(tt, tt), { maxRank: 2 });
    expect(r.ranks).toEqual([1, 2, 2, 2, 1]);
    expect(ttDot(r, tt)).toBeGreaterThan(0);
    const tr = trTensor([6, 5, 4, 5], [2, 3, 2, 2], { seed: 4 });
    for (const unfoldingSvd of ["gram", "jacobi"] as const) {
      expect((await tensorRing(tr.tensor, { rank: [2, 3, 2, 2], unfoldingSvd })).ranks).toEqual([2, 3, 2, 2, 2]);
      expect((await tensorRing(tr.tensor, { eps: 0.1, unfoldingSvd })).ranks[0]).toBeGreaterThan(0);
    }
    for (const initMethod of ["svd", "random"] as const) {
      const als = await tensorRing(tr.tensor, { rank: [2, 3, 2, 2], method: "als", init: initMethod, maxIter: 5 });
      expect(als.ranks).toEqual([2, 3, 2, 2, 2]);
    }
  });

  it("coreShape, modeProduct and reconstruct on an order-5 tensor", async () => {
    const X = randomTensor([4, 5, 3, 6, 2], 5);
    for (const solver of ["best", "greedy", "bang-for-buck", "exact"] as const) {
      expect((await coreShape(X, { budget: 200, solver })).parameters).toBeLessThanOrEqual(200);
    }
    const Y = modeProduct(X, { rows: 2, cols: 6, data: new Float64Array(12).fill(1) }, 3);
    expect(Y.shape).toEqual([4, 5, 3, 2, 2]);
    const t = await tucker(X, { rank: [2, 2, 2, 2, 2] });
    expect(reconstruct(t).shape).toEqual(X.shape);
  });
});
