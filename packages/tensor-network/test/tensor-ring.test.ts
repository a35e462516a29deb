import { trTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { init, reconstruct, relativeError, tensorRing } from "../src/index.js";
import { asyncCodeOf, randomTensor, relDiff, variants } from "./helpers.js";

describe("tensorRing (js reference)", () => {
  for (const seed of [1, 2, 3]) {
    it(`TR-SVD with eps recovers a tensor of TR ranks [2, 3, 2, 2] to 1e-10 (seed ${seed})`, async () => {
      const { tensor } = trTensor([6, 7, 8, 5], [2, 3, 2, 2], { seed });
      const tr = await tensorRing(tensor, { eps: 1e-12, backend: "js" });
      expect(tr.ranks[0]).toBe(tr.ranks[4]);
      expect(tr.ranks[0] * tr.ranks[1]).toBe(6); // rank of the first unfolding: r_0 r_1
      expect(relativeError(tensor, reconstruct(tr, { backend: "js" }))).toBeLessThan(1e-10);
    });
  }

  for (const eps of [0.1, 0.3, 0.5]) {
    it(`meets ‖X - TR‖ <= eps ‖X‖ on random tensors (eps = ${eps})`, async () => {
      for (const seed of [4, 5]) {
        const X = randomTensor([8, 6, 7, 6], seed);
        const tr = await tensorRing(X, { eps, backend: "js" });
        expect(relativeError(X, reconstruct(tr, { backend: "js" }))).toBeLessThanOrEqual(eps);
      }
    });
  }

  for (const seed of [1, 2, 3]) {
    it(`TR-ALS recovers a tensor of TR ranks [2, 3, 2, 2] with those ranks to 1e-10 (seed ${seed})`, async () => {
      const { tensor } = trTensor([6, 7, 8, 5], [2, 3, 2, 2], { seed });
      const tr = await tensorRing(tensor, { rank: [2, 3, 2, 2], method: "als", tol: 1e-13, maxIter: 500, seed, backend: "js", returnErrors: true });
      expect(tr.ranks).toEqual([2, 3, 2, 2, 2]);
      const err = relativeError(tensor, reconstruct(tr, { backend: "js" }));
      expect(err).toBeLessThan(1e-10);
      // Below 1e-6 the reported error is the residual's, so it is the true error.
      expect(Math.abs(tr.errors!.at(-1)! - err)).toBeLessThan(1e-13);
    });
  }

  it("TR-ALS's error never increases on a noisy tensor, and it aborts on request", async () => {
    const X = trTensor([6, 5, 7], [2, 2, 3], { seed: 8, noise: 0.2 }).tensor;
    const tr = await tensorRing(X, { rank: [2, 2, 3], method: "als", backend: "js", returnErrors: true, maxIter: 30 });
    const e = tr.errors!;
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeLessThanOrEqual(e[i - 1] + 1e-12);
    const ctl = new AbortController();
    ctl.abort();
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 2, 3], method: "als", backend: "js", signal: ctl.signal }))).toBe("ABORTED");
    expect(await asyncCodeOf(() => tensorRing(X, { method: "als", backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [3, 3, 3], method: "als", init: "svd", backend: "js" }))).toBe("RANK");
    // One number is that rank on every bond.
    const one = await tensorRing(X, { rank: 2, method: "als", backend: "js", maxIter: 3 });
    const each = await tensorRing(X, { rank: [2, 2, 2], method: "als", backend: "js", maxIter: 3 });
    expect(one.ranks).toEqual([2, 2, 2, 2]);
    expect(Array.from(one.cores[1].data)).toEqual(Array.from(each.cores[1].data));
  });

  it("TR-ALS completes a ring of TR ranks [2, 3, 2, 2] from half of its entries (NaN elsewhere)", async () => {
    const { tensor } = trTensor([6, 7, 8, 5], [2, 3, 2, 2], { seed: 11 });
    const rng = new Rng(12);
    const mask = Uint8Array.from(tensor.data, () => (rng.uniform() < 0.5 ? 1 : 0));
    const data = tensor.data.map((v, i) => (mask[i] ? v : NaN));
    const X = { shape: tensor.shape, data };
    for (const completion of ["weighted", "em"] as const) {
      // seed 1: from seeds 0 and 5 weighted ALS, from seed 3 EM, end in a local minimum (error ~0.2).
      const tr = await tensorRing(X, { rank: [2, 3, 2, 2], method: "als", mask, completion, maxIter: 1000, tol: 1e-12, seed: 1, backend: "js" });
      expect(relativeError(tensor, reconstruct(tr, { backend: "js" }))).toBeLessThan(1e-8);
    }
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 3, 2, 2], method: "als", mask, completion: "zero" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tensorRing(X, { eps: 0.1, mask, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 3, 2, 2], method: "als", init: "svd", mask, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 3, 2, 2], method: "als", mask: new Uint8Array(mask.length), backend: "js" }))).toBe("EMPTY");
  });

  it("uses given ranks as they are", async () => {
    const X = randomTensor([6, 5, 4], 6);
    const tr = await tensorRing(X, { rank: [2, 3, 2], backend: "js" });
    expect(tr.ranks).toEqual([2, 3, 2, 2]);
    tr.cores.forEach((c, k) => expect(c.shape).toEqual([tr.ranks[k], X.shape[k], tr.ranks[k + 1]]));
  });

  it("rejects r_0 r_1 above the first unfolding's rank (RANK) and bad options", async () => {
    const X = randomTensor([4, 5, 6], 7);
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 3, 2], backend: "js" }))).toBe("RANK");
    expect(await asyncCodeOf(() => tensorRing(X, { rank: [2, 2], backend: "js" }))).toBe("SHAPE");
    expect(await asyncCodeOf(() => tensorRing(X, { method: "tt" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tensorRing(randomTensor([5], 1), { backend: "js" }))).toBe("SHAPE");
  });
});

for (const variant of variants) {
  describe(`tensorRing (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("agrees with the js reference and recovers an exact ring", async () => {
      const { tensor } = trTensor([6, 7, 8, 5], [2, 3, 2, 2], { seed: 9 });
      const tr = await tensorRing(tensor);
      expect(relativeError(tensor, reconstruct(tr))).toBeLessThan(1e-10);
      const X = randomTensor([8, 6, 7, 6], 10);
      const w = await tensorRing(X, { eps: 0.3 });
      const j = await tensorRing(X, { eps: 0.3, backend: "js" });
      expect(w.ranks).toEqual(j.ranks);
      expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
      const aw = await tensorRing(X, { rank: [2, 3, 2, 2], method: "als", maxIter: 8, tol: 0 });
      const aj = await tensorRing(X, { rank: [2, 3, 2, 2], method: "als", maxIter: 8, tol: 0, backend: "js" });
      expect(relDiff(reconstruct(aw).data, reconstruct(aj, { backend: "js" }).data)).toBeLessThan(1e-10);
      const rng = new Rng(13);
      const mask = Uint8Array.from(X.data, () => (rng.uniform() < 0.5 ? 1 : 0));
      for (const completion of ["weighted", "em"] as const) {
        const mw = await tensorRing(X, { rank: [2, 3, 2, 2], method: "als", mask, completion, maxIter: 8, tol: 0 });
        const mj = await tensorRing(X, { rank: [2, 3, 2, 2], method: "als", mask, completion, maxIter: 8, tol: 0, backend: "js" });
        expect(relDiff(reconstruct(mw).data, reconstruct(mj, { backend: "js" }).data)).toBeLessThan(1e-10);
      }
    });
  });
}
