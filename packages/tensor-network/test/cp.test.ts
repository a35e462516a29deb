import { cpTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { cp, init, reconstruct, relativeError } from "../src/index.js";
import { asyncCodeOf, randomTensor, relDiff, variants } from "./helpers.js";

describe("cp (js reference)", () => {
  for (const seed of [1, 2, 3]) {
    for (const initMethod of ["svd", "random"] as const) {
      it(`recovers a rank-4 CP tensor to 1e-9 with its weights (${initMethod} init, seed ${seed})`, async () => {
        const { tensor, weights } = cpTensor([10, 12, 14], 4, { seed });
        const res = await cp(tensor, { rank: 4, init: initMethod, seed, backend: "js" });
        expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-9);
        expect(relDiff(res.weights, weights)).toBeLessThan(1e-8);
        for (const f of res.factors) {
          for (let c = 0; c < 4; c++) {
            let ss = 0;
            for (let i = 0; i < f.rows; i++) ss += f.data[i * 4 + c] ** 2;
            expect(Math.abs(ss - 1)).toBeLessThan(1e-12);
          }
        }
      });
    }
  }

  it("recovers an order-4 CP tensor whose rank exceeds a dimension", async () => {
    const { tensor } = cpTensor([3, 8, 9, 7], 5, { seed: 4 });
    const res = await cp(tensor, { rank: 5, backend: "js", maxIter: 2000 });
    expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-6);
  });

  it("the error never increases over ALS sweeps and matches the reconstruction", async () => {
    const X = cpTensor([9, 8, 7], 3, { seed: 5, noise: 0.2 }).tensor;
    const res = await cp(X, { rank: 3, backend: "js", returnErrors: true, tol: 1e-12 });
    const e = res.errors!;
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeLessThanOrEqual(e[i - 1] + 1e-10);
    expect(Math.abs(relativeError(X, reconstruct(res, { backend: "js" })) - e[e.length - 1])).toBeLessThan(1e-8);
  });

  it("obeys maxIter and tol: 0 exactly (50 sweeps), and stops early on the default tol", async () => {
    const X = cpTensor([9, 8, 7], 3, { seed: 5, noise: 0.2 }).tensor;
    let records = 0;
    const all = await cp(X, { rank: 3, maxIter: 50, tol: 0, returnErrors: true, backend: "js", onProgress: () => records++ });
    expect(all.errors!.length).toBe(50);
    expect(records).toBe(50);
    // The default tolerance stops this run before maxIter, at the same errors.
    const early = await cp(X, { rank: 3, maxIter: 50, returnErrors: true, backend: "js" });
    expect(early.errors!.length).toBeLessThan(50);
    expect(early.errors).toEqual(all.errors!.slice(0, early.errors!.length));
    expect((await cp(X, { rank: 3, maxIter: 7, tol: 0, returnErrors: true, backend: "js" })).errors!.length).toBe(7);
  });

  it("is deterministic for a seed and aborts on request", async () => {
    const X = randomTensor([6, 7, 8], 6);
    const a = await cp(X, { rank: 3, init: "random", seed: 9, maxIter: 20, backend: "js" });
    const b = await cp(X, { rank: 3, init: "random", seed: 9, maxIter: 20, backend: "js" });
    expect(a.weights).toEqual(b.weights);
    const ctl = new AbortController();
    ctl.abort();
    expect(await asyncCodeOf(() => cp(X, { rank: 3, backend: "js", signal: ctl.signal }))).toBe("ABORTED");
  });

  it("completes a rank-3 CP tensor from half of its entries (NaN elsewhere)", async () => {
    const { tensor } = cpTensor([12, 13, 14], 3, { seed: 8 });
    const rng = new Rng(9);
    const mask = Uint8Array.from(tensor.data, () => (rng.uniform() < 0.5 ? 1 : 0));
    const data = tensor.data.map((v, i) => (mask[i] ? v : NaN));
    const res = await cp({ shape: tensor.shape, data }, { rank: 3, mask, maxIter: 1000, tol: 1e-12, backend: "js" });
    expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-8);
    expect(await asyncCodeOf(() => cp({ shape: tensor.shape, data }, { rank: 3, mask: mask.subarray(1), backend: "js" }))).toBe("SHAPE");
  });

  it("rejects bad input with the right code", async () => {
    const X = randomTensor([4, 5, 6], 7);
    expect(await asyncCodeOf(() => cp(X, { rank: 0, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => cp(X, { rank: 2, init: "hosvd" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => cp(X, { rank: 2, maxIter: -1, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => cp({ shape: [2, 2], data: new Float64Array([1, 2, NaN, 4]) }, { rank: 1, backend: "js" }))).toBe("NON_FINITE");
  });
});

for (const variant of variants) {
  describe(`cp (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("recovers an exact CP tensor and agrees with the js reference over a fixed number of sweeps", async () => {
      const { tensor } = cpTensor([11, 10, 12], 4, { seed: 21 });
      const exact = await cp(tensor, { rank: 4 });
      expect(relativeError(tensor, reconstruct(exact))).toBeLessThan(1e-6);
      const X = cpTensor([11, 10, 12], 3, { seed: 22, noise: 0.3 }).tensor;
      const w = await cp(X, { rank: 3, maxIter: 10, tol: 0, returnErrors: true });
      const j = await cp(X, { rank: 3, maxIter: 10, tol: 0, returnErrors: true, backend: "js" });
      expect(relDiff(w.weights, j.weights)).toBeLessThan(1e-10);
      expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
      const rng = new Rng(23);
      const mask = Uint8Array.from(X.data, () => (rng.uniform() < 0.5 ? 1 : 0));
      const mw = await cp(X, { rank: 3, mask, maxIter: 10, tol: 0 });
      const mj = await cp(X, { rank: 3, mask, maxIter: 10, tol: 0, backend: "js" });
      expect(relDiff(reconstruct(mw).data, reconstruct(mj, { backend: "js" }).data)).toBeLessThan(1e-10);
    });

    it("runs exactly maxIter sweeps with tol: 0 past a near-exact fit, where the default rule stops early", async () => {
      // An exact rank-4 tensor: the error falls below 1e-10 and its change below the default tol before sweep 50.
      const { tensor } = cpTensor([10, 12, 14], 4, { seed: 31 });
      const early = await cp(tensor, { rank: 4, maxIter: 50, returnErrors: true });
      expect(early.errors!.length).toBeLessThan(50);
      let records = 0;
      const all = await cp(tensor, { rank: 4, maxIter: 50, tol: 0, returnErrors: true, onProgress: () => records++ });
      expect(all.errors!.length).toBe(50);
      expect(records).toBe(50);
      expect(all.errors!.slice(0, early.errors!.length)).toEqual(early.errors);
      expect(relativeError(tensor, reconstruct(all))).toBeLessThan(1e-10);
      // The same count on the js reference, and a short run stops where maxIter says.
      expect((await cp(tensor, { rank: 4, maxIter: 50, tol: 0, returnErrors: true, backend: "js" })).errors!.length).toBe(50);
      expect((await cp(tensor, { rank: 4, maxIter: 12, tol: 0, returnErrors: true })).errors!.length).toBe(12);
    });
  });
}
