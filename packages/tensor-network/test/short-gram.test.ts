// HOOI's tall unfoldings (more rows than the product of the other ranks) and
// TT-SVD's tall steps on the Gram route take the short side's Gram and
// orthonormalise U = W V; an ill-conditioned short side falls back to QR +
// Jacobi. Both must match the Jacobi route and the js reference.
import { tuckerTensor } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { init, reconstruct, relativeError, tensorTrain, tucker, type Tensor, type TuckerResult } from "../src/index.js";
import { orthError, projector, relDiff, variants } from "./helpers.js";

function noisy(shape: number[], ranks: number[], noise: number, seed: number): Tensor {
  const { tensor } = tuckerTensor(shape, ranks, { seed });
  const rng = new Rng(seed + 1);
  return { shape: tensor.shape, data: tensor.data.map((v) => v + noise * rng.normal()) };
}

// Mode 0 in the sweeps: a 70 x 12 unfolding (rank 4 wanted, < 12: the short side); modes 1 and 2 are wide.
const well = noisy([70, 9, 8], [4, 3, 4], 1e-2, 51);
// Exact multilinear rank (2, 3, 4) fitted at rank (4, 3, 4): λ_4 of mode 0's short side is rounding, so Jacobi runs.
const deficient = tuckerTensor([70, 9, 8], [2, 3, 4], { seed: 53 }).tensor;
const opts = { rank: [4, 3, 4], method: "hooi" as const, returnErrors: true, tol: 0, maxIter: 4 };


/**
 * Orthonormal factors and the same reconstruction; for `well` also the same
 * mode-0 subspace and errors (the deficient fit's extra vectors span an
 * arbitrary part of a null space, and its errors are at the formula's
 * rounding floor, about 1e-8).
 */
function expectClose(X: Tensor, a: TuckerResult, b: TuckerResult, tol: number): void {
  for (const U of a.factors) expect(orthError(U)).toBeLessThan(1e-13);
  expect(relDiff(reconstruct(a, { backend: "js" }).data, reconstruct(b, { backend: "js" }).data)).toBeLessThan(tol);
  if (X !== well) return;
  expect(relDiff(projector(a.factors[0]), projector(b.factors[0]))).toBeLessThan(tol);
  expect(relDiff(a.errors!, b.errors!)).toBeLessThan(tol);
}

describe("HOOI's tall unfoldings on the Gram route (js reference)", () => {
  it("agree with the Jacobi route, well conditioned or rank-deficient", async () => {
    for (const X of [well, deficient]) {
      const g = await tucker(X, { ...opts, backend: "js" });
      const j = await tucker(X, { ...opts, unfoldingSvd: "jacobi", backend: "js" });
      expectClose(X, g, j, 1e-8);
    }
  });
});

for (const variant of variants) {
  describe(`HOOI's tall unfoldings on the Gram route (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("agree with the js reference and with the Jacobi route", async () => {
      for (const X of [well, deficient]) {
        const w = await tucker(X, opts);
        expectClose(X, w, await tucker(X, { ...opts, backend: "js" }), 1e-10);
        expectClose(X, w, await tucker(X, { ...opts, unfoldingSvd: "jacobi" }), 1e-8);
      }
    });
  });
}

// TT-SVD of a 5 x 6 x 40 x 7 tensor: step 2's unfolding is (r_1 6) x 280, step 3's (r_2 40) x 7, tall.
const train = noisy([5, 6, 40, 7], [5, 6, 7, 7], 0.05, 61);
// The same shape at TT ranks (1, 2, 3, 2, 1): step 3's short side has λ_3 at rounding level when maxRank allows more.
const lowTrain = (() => {
  const rng = new Rng(63);
  const shape = [5, 6, 40, 7], ranks = [1, 2, 3, 2, 1];
  const cores = shape.map((n, k) => ({ shape: [ranks[k], n, ranks[k + 1]], data: rng.fillNormal(new Float64Array(ranks[k] * n * ranks[k + 1])) }));
  return reconstruct({ kind: "tensor-network", version: 1, cores, ranks }, { backend: "js" });
})();

describe("TT-SVD's tall steps on the Gram route", () => {
  for (const backend of ["js", "wasm"] as const) {
    it(`match the Jacobi route and the reference at a rank cap and at an eps (${backend})`, async () => {
      for (const [X, o] of [[train, { maxRank: 4 }], [train, { eps: 0.2 }], [lowTrain, { maxRank: 3 }]] as const) {
        const g = await tensorTrain(X, { ...o, backend });
        const j = await tensorTrain(X, { ...o, unfoldingSvd: "jacobi", backend });
        const ref = await tensorTrain(X, { ...o, backend: "js" });
        expect(g.ranks).toEqual(j.ranks);
        expect(g.ranks).toEqual(ref.ranks);
        const eg = relativeError(X, reconstruct(g, { backend: "js" })), ej = relativeError(X, reconstruct(j, { backend: "js" }));
        expect(Math.abs(eg - ej)).toBeLessThan(1e-10);
        expect(relDiff(reconstruct(g, { backend: "js" }).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-8);
        expect(relDiff(reconstruct(g, { backend: "js" }).data, reconstruct(ref, { backend: "js" }).data)).toBeLessThan(1e-10);
        if (X === lowTrain) expect(eg).toBeLessThan(1e-12);
      }
    });
  }
});
