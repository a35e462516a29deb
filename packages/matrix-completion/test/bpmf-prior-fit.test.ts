// BPMF's prior draw moved into a kernel (assembly/bpmf-prior.ts, twin
// src/kernels/bpmf-prior.ts) without changing a bit of any fit: complete()'s
// model on a fixed synthetic set is held to a checksum of the model the
// sampler gave before the move (with noise "shared": the sampler as it was
// then).
import { beforeAll, describe, expect, it } from "vitest";
import { complete, init, type CompletionModel } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";

beforeAll(async () => {
  await init({ variant: "simd" });
});

/** FNV-1a (32-bit) over the bytes of the model's factors, biases and every sweep's loss and training RMSE, as 8 hex digits. */
function checksum(model: CompletionModel): string {
  let h = 0x811c9dc5;
  const losses = Float64Array.from(model.history.flatMap((r) => [r.loss, r.trainRmse]));
  for (const a of [model.U, model.V, model.rowBias, model.colBias, losses]) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const ratings = syntheticRatings({ users: 90, items: 70, ratings: 1500, seed: 44 }).observations;

describe("bpmf's prior draw in a kernel", () => {
  // The values are not tuned or chosen: they are the checksums the code before the move (commit 6e78a93, the draw in
  // plain TypeScript in src/bpmf-hyper.ts) gave for these fits, the same on js and on simd (which agree bit for bit).
  // The run is seeded and its arithmetic fixed, so the move must leave every bit, and the checksums, as they were; a
  // later change that alters the sampler's bits on purpose (another draw order, other sums) changes them too, and
  // then they are recomputed with that change's reason. relaxed-simd may fuse the half-steps' multiply-adds (its bits
  // depend on the CPU), so it is held to simd by the kernel's own test (bpmf-prior.test.ts), not here.
  const cases = [
    { rank: 7, biases: true, sum: "d0fecebe" },
    { rank: 5, biases: false, sum: "b7541714" },
    { rank: 1, biases: true, sum: "0964a0d6" },
  ];
  for (const backend of ["js", "wasm"] as const) {
    it(`[${backend}] complete() gives the model it gave before, bit for bit (ranks 7, 5 and 1, with and without biases)`, async () => {
      for (const { rank, biases, sum } of cases) {
        const model = await complete(ratings, { method: "bpmf", rank, biases, maxIter: 12, burnIn: 4, seed: 3, backend, threads: 1, noise: "shared" });
        expect(checksum(model), `rank ${rank}, biases ${biases}`).toBe(sum);
      }
    });
  }
});
