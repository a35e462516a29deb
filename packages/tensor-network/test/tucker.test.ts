import { tuckerTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { init, reconstruct, relativeError, tucker, type Tensor } from "../src/index.js";
import { asyncCodeOf, orthError, randomTensor, relDiff, variants } from "./helpers.js";

const methods = ["hosvd", "st-hosvd", "hooi"] as const;
const routes = ["gram", "jacobi"] as const;

/** An exactly low-rank tensor plus Gaussian noise of the given size (relative to RMS 1). */
function noisy(shape: number[], ranks: number[], seed: number, noise: number): Tensor {
  return tuckerTensor(shape, ranks, { seed, noise }).tensor;
}

describe("tucker (js reference)", () => {
  for (const seed of [1, 2, 3]) {
    for (const method of methods) {
      for (const unfoldingSvd of routes) {
        it(`${method} (${unfoldingSvd}) recovers a tensor of multilinear rank [3, 4, 2] exactly (seed ${seed})`, async () => {
          const { tensor } = tuckerTensor([12, 10, 9], [3, 4, 2], { seed });
          const res = await tucker(tensor, { rank: [3, 4, 2], method, unfoldingSvd, backend: "js" });
          expect(res.core.shape).toEqual([3, 4, 2]);
          for (const f of res.factors) expect(orthError(f)).toBeLessThan(1e-12);
          expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-10);
        });
      }
    }
  }

  it("HOOI from a random orthonormal start recovers exact multilinear rank and is seeded", async () => {
    const { tensor } = tuckerTensor([12, 10, 9], [3, 4, 2], { seed: 18 });
    const a = await tucker(tensor, { rank: [3, 4, 2], method: "hooi", init: "random", seed: 5, backend: "js", returnErrors: true });
    expect(relativeError(tensor, reconstruct(a, { backend: "js" }))).toBeLessThan(1e-10);
    for (const f of a.factors) expect(orthError(f)).toBeLessThan(1e-12);
    const b = await tucker(tensor, { rank: [3, 4, 2], method: "hooi", init: "random", seed: 5, backend: "js", returnErrors: true });
    expect(b.errors).toEqual(a.errors);
    expect(await asyncCodeOf(() => tucker(tensor, { rank: 2, init: "random", backend: "js" }))).toBe("INVALID_ARGUMENT");
  });

  it("recovers an order-4 tensor with one rank equal to its dimension", async () => {
    const { tensor } = tuckerTensor([5, 6, 4, 7], [2, 3, 4, 2], { seed: 4 });
    const res = await tucker(tensor, { rank: [2, 3, 4, 2], method: "st-hosvd", backend: "js" });
    expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-10);
  });

  it("HOOI's error never increases and ends at or below HOSVD's on a noisy tensor", async () => {
    const X = noisy([14, 12, 10], [3, 3, 3], 5, 0.3);
    const hosvd = await tucker(X, { rank: 3, backend: "js", returnErrors: true });
    const hooi = await tucker(X, { rank: 3, method: "hooi", backend: "js", returnErrors: true, tol: 1e-12 });
    const e = hooi.errors!;
    expect(e.length).toBeGreaterThan(1);
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeLessThanOrEqual(e[i - 1] + 1e-12);
    expect(e[e.length - 1]).toBeLessThanOrEqual(hosvd.errors![0] + 1e-12);
    // The reported error is the true one (orthonormal factors, projected core).
    expect(Math.abs(relativeError(X, reconstruct(hooi, { backend: "js" })) - e[e.length - 1])).toBeLessThan(1e-10);
  });

  it("HOOI stops on TensorLy's rule: change of the relative error below tol (1e-4), tested from the third sweep", async () => {
    // Heavy noise: HOOI improves on ST-HOSVD slowly, over several sweeps.
    const X = noisy([14, 12, 10], [3, 3, 3], 5, 3);
    const long = await tucker(X, { rank: 3, method: "hooi", backend: "js", returnErrors: true, tol: 0, maxIter: 30 });
    // errors[0] is the ST-HOSVD start, then one entry per sweep: tol 0 runs exactly maxIter sweeps.
    const e = long.errors!;
    expect(e.length).toBe(31);
    // The first sweep k >= 3 with |e_{k-1} - e_k| < 1e-4 is where the default run stops.
    let want = 30;
    for (let k = 3; k <= 30; k++) {
      if (Math.abs(e[k - 1] - e[k]) < 1e-4) {
        want = k;
        break;
      }
    }
    const def = await tucker(X, { rank: 3, method: "hooi", backend: "js", returnErrors: true });
    expect(want).toBeGreaterThan(3);
    expect(want).toBeLessThan(30);
    expect(def.errors!.length).toBe(want + 1);
    expect(def.errors).toEqual(e.slice(0, want + 1));
    // maxIter caps the sweeps below the minimum of three.
    expect((await tucker(X, { rank: 3, method: "hooi", backend: "js", returnErrors: true, maxIter: 2 })).errors!.length).toBe(3);
    // A tighter tol runs longer.
    const tight = await tucker(X, { rank: 3, method: "hooi", backend: "js", returnErrors: true, tol: 1e-9 });
    expect(tight.errors!.length).toBeGreaterThan(def.errors!.length);
  });

  it("gram and jacobi routes give the same truncation of a noisy tensor", async () => {
    const X = noisy([10, 9, 8], [2, 3, 2], 6, 0.1);
    const a = await tucker(X, { rank: [2, 3, 2], backend: "js" });
    const b = await tucker(X, { rank: [2, 3, 2], unfoldingSvd: "jacobi", backend: "js" });
    expect(relDiff(reconstruct(a, { backend: "js" }).data, reconstruct(b, { backend: "js" }).data)).toBeLessThan(1e-9);
  });

  it("reports progress per HOOI sweep and stops when aborted", async () => {
    const X = noisy([10, 10, 10], [3, 3, 3], 7, 0.5);
    const seen: number[] = [];
    const ctl = new AbortController();
    const code = await asyncCodeOf(() =>
      tucker(X, {
        rank: 3, method: "hooi", backend: "js", tol: 0, maxIter: 1000, signal: ctl.signal,
        onProgress: ({ iteration }) => {
          seen.push(iteration);
          if (iteration === 4) ctl.abort();
        },
      }),
    );
    expect(code).toBe("ABORTED");
    // Records count from 1: the ST-HOSVD start, then HOOI sweeps 1..3.
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("completes a tensor of multilinear rank [3, 3, 3] from 40% of its entries (NaN elsewhere)", async () => {
    const { tensor } = tuckerTensor([15, 14, 13], [3, 3, 3], { seed: 13 });
    const rng = new Rng(14);
    const mask = Uint8Array.from(tensor.data, () => (rng.uniform() < 0.4 ? 1 : 0));
    const data = tensor.data.map((v, i) => (mask[i] ? v : NaN));
    const res = await tucker({ shape: tensor.shape, data }, { rank: 3, mask, maxIter: 1000, tol: 1e-12, backend: "js", returnErrors: true });
    expect(relativeError(tensor, reconstruct(res, { backend: "js" }))).toBeLessThan(1e-7);
    expect(res.errors!.at(-1)).toBeLessThan(1e-7);
    expect(Number.isNaN(data[mask.indexOf(0)])).toBe(true); // the input is left alone
  });

  it("rejects a mask of the wrong length, an empty mask, and NaN at an observed entry", async () => {
    const X = randomTensor([4, 5, 6], 15);
    expect(await asyncCodeOf(() => tucker(X, { rank: 2, mask: new Uint8Array(119), backend: "js" }))).toBe("SHAPE");
    expect(await asyncCodeOf(() => tucker(X, { rank: 2, mask: new Uint8Array(120), backend: "js" }))).toBe("EMPTY");
    const bad = { shape: X.shape, data: X.data.slice() };
    bad.data[5] = NaN;
    const mask = new Uint8Array(120).fill(1);
    expect(await asyncCodeOf(() => tucker(bad, { rank: 2, mask, backend: "js" }))).toBe("NON_FINITE");
    mask[5] = 0;
    expect(await asyncCodeOf(() => tucker(bad, { rank: 2, mask, backend: "js", maxIter: 2 }))).toBe("none");
  });

  it("rejects bad input with the right code", async () => {
    const X = randomTensor([4, 5, 6], 8);
    expect(await asyncCodeOf(() => tucker(X, { rank: [5, 2, 2], backend: "js" }))).toBe("RANK");
    expect(await asyncCodeOf(() => tucker(X, { rank: [4, 1, 1], backend: "js" }))).toBe("RANK");
    expect(await asyncCodeOf(() => tucker(randomTensor([5], 1), { rank: 2, backend: "js" }))).toBe("RANK");
    expect(await asyncCodeOf(() => tucker(X, { rank: [2, 2], backend: "js" }))).toBe("SHAPE");
    expect(await asyncCodeOf(() => tucker(X, { rank: 0, backend: "js" }))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => tucker(X, { rank: 2, method: "parafac" as never, backend: "js" }))).toBe("INVALID_ARGUMENT");
    const bad = { shape: X.shape, data: X.data.slice() };
    bad.data[3] = Infinity;
    expect(await asyncCodeOf(() => tucker(bad, { rank: 2, backend: "js" }))).toBe("NON_FINITE");
  });
});

for (const variant of variants) {
  describe(`tucker (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    for (const method of methods) {
      it(`${method} agrees with the js reference to 1e-10 and recovers exact rank`, async () => {
        const { tensor } = tuckerTensor([15, 12, 10], [4, 3, 5], { seed: 11 });
        const X = noisy([15, 12, 10], [4, 3, 5], 12, 0.2);
        for (const unfoldingSvd of routes) {
          const exact = await tucker(tensor, { rank: [4, 3, 5], method, unfoldingSvd });
          expect(relativeError(tensor, reconstruct(exact))).toBeLessThan(1e-10);
          const w = await tucker(X, { rank: [4, 3, 5], method, unfoldingSvd, returnErrors: true });
          const j = await tucker(X, { rank: [4, 3, 5], method, unfoldingSvd, returnErrors: true, backend: "js" });
          expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
          expect(Math.abs(w.errors!.at(-1)! - j.errors!.at(-1)!)).toBeLessThan(1e-10);
        }
      });
    }
    it("HOOI from a random start agrees with the js reference (same random stream)", async () => {
      const X = noisy([12, 11, 10], [3, 2, 3], 19, 0.2);
      const w = await tucker(X, { rank: [3, 2, 3], method: "hooi", init: "random", seed: 3, maxIter: 5, tol: 0 });
      const j = await tucker(X, { rank: [3, 2, 3], method: "hooi", init: "random", seed: 3, maxIter: 5, tol: 0, backend: "js" });
      expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
    });
    it("completion with a mask agrees with the js reference", async () => {
      const X = noisy([12, 11, 10], [3, 2, 3], 16, 0.1);
      const rng = new Rng(17);
      const mask = Uint8Array.from(X.data, () => (rng.uniform() < 0.5 ? 1 : 0));
      const w = await tucker(X, { rank: [3, 2, 3], mask, maxIter: 20, tol: 0 });
      const j = await tucker(X, { rank: [3, 2, 3], mask, maxIter: 20, tol: 0, backend: "js" });
      expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
    });
  });
}
