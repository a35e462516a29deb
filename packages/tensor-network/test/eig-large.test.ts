// Unfolding Grams of order EIG_DC_MIN and above: on wasm their eigenproblem
// goes to linalg's eigh (divide and conquer), on js it stays on the QL
// kernels; the two must give the same subspaces and spectra.
import { tuckerTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { init, reconstruct, relativeError, tucker, type Tensor, type TuckerResult } from "../src/index.js";
import { EIG_DC_MIN } from "../src/factor.js";
import { orthError, projector, relDiff, variants } from "./helpers.js";

/** A multilinear rank (6, 4, 4) tensor of shape (n, 17, 16), n above the crossover, plus 1e-3 Gaussian noise. */
function tall(n: number): Tensor {
  const { tensor } = tuckerTensor([n, 17, 16], [6, 4, 4], { seed: 41 });
  const rng = new Rng(42);
  return { shape: tensor.shape, data: tensor.data.map((v) => v + 1e-3 * rng.normal()) };
}

const X = tall(EIG_DC_MIN + 4);
// The js reference of each method, computed once for every variant.
const reference = new Map<string, Promise<TuckerResult>>();
const jsFit = (method: "hosvd") => {
  if (!reference.has(method)) reference.set(method, tucker(X, { rank: [6, 4, 4], method, returnErrors: true, maxIter: 3, backend: "js" }));
  return reference.get(method)!;
};

for (const variant of variants) {
  describe(`unfolding Grams past the eigensolver crossover (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });

    it("HOSVD agrees with the js reference (QL) in subspaces, errors and reconstructions", async () => {
      // Mode 0's Gram is n x n (n <= 17 * 16): the large route on wasm (HOOI's ST-HOSVD start takes the same route).
      for (const method of ["hosvd"] as const) {
        const w = await tucker(X, { rank: [6, 4, 4], method, returnErrors: true, maxIter: 3 });
        const j = await jsFit(method);
        expect(orthError(w.factors[0])).toBeLessThan(1e-12);
        // Same subspace: the projector U Uᵀ of mode 0 (signs and order within it do not matter).
        expect(relDiff(projector(w.factors[0]), projector(j.factors[0]))).toBeLessThan(1e-9);
        expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-9);
        expect(relDiff(w.errors!, j.errors!)).toBeLessThan(1e-8);
        // The fit is the noise level: the error of a rank (6, 4, 4) fit to 1e-3 noise on an RMS-1 tensor.
        expect(relativeError(X, reconstruct(w))).toBeLessThan(2e-3);
      }
    });
  });
}
