import { lowRankMatrix, observe } from "@lowrank/datasets";
import { describe, expect, it } from "vitest";
import { complete, init, type CompleteOptions, type CompletionModel, type Observations } from "../src/index.js";
import { relDiff, variants } from "./helpers.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const ratings = syntheticRatings({ users: 150, items: 200, ratings: 5000, seed: 3 }).observations;
const { M } = lowRankMatrix(90, 70, 4, { seed: 8 });
const exact = observe(M, 0.4, { seed: 9 });
const exact8 = observe(lowRankMatrix(90, 70, 8, { seed: 12 }).M, 0.6, { seed: 13 });
// Rank >= 32 takes the register-blocked Gram kernel (34: with two leftover rows); rows of ~90 and columns of ~120 observations.
// The data have the rank that is fitted, so that the factors are well determined and relaxed-simd's fused roundings stay small.
const wide = observe(lowRankMatrix(200, 150, 34, { seed: 10, noise: 0.01 }).M, 0.6, { seed: 11 });

const cases: { name: string; obs: Observations; opts: CompleteOptions }[] = [
  { name: "als with biases", obs: ratings, opts: { rank: 6, lambda: 0.1, maxIter: 8 } },
  { name: "als without biases", obs: ratings, opts: { rank: 5, lambda: 0.1, biases: false, maxIter: 8 } },
  { name: "altmin", obs: exact, opts: { method: "altmin", rank: 4, maxIter: 8 } },
  { name: "robust-altmin", obs: exact, opts: { method: "robust-altmin", rank: 4, maxIter: 8, sketchSize: 9 } },
  { name: "robust-altmin (SRHT)", obs: exact, opts: { method: "robust-altmin", sketch: "srht", rank: 4, maxIter: 8, sketchSize: 9 } },
  // A fixed number of CG steps (innerTol 0): a data-dependent stopping test can take one step more or fewer
  // under relaxed-simd's roundings, which moves the answer by the inexactness itself, not by roundoff.
  { name: "robust-altmin k = 8", obs: exact8, opts: { method: "robust-altmin", rank: 8, maxIter: 6, sketchSize: 16, innerTol: 0, maxInner: 3 } },
  // Odd ranks and every register count of the passes (k = 1..8 in registers, 9 and up by chunks of strips).
  { name: "robust-altmin k = 1", obs: exact, opts: { method: "robust-altmin", rank: 1, maxIter: 4, sketchSize: 3, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 3", obs: exact, opts: { method: "robust-altmin", rank: 3, maxIter: 4, sketchSize: 7, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 5, SRHT", obs: exact8, opts: { method: "robust-altmin", sketch: "srht", rank: 5, maxIter: 4, sketchSize: 11, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 7", obs: exact8, opts: { method: "robust-altmin", rank: 7, maxIter: 4, sketchSize: 15, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 9", obs: exact8, opts: { method: "robust-altmin", rank: 9, maxIter: 4, sketchSize: 19, lambda: 1e-6, innerTol: 0, maxInner: 3 } },
  // 9-12 columns: the first pass keeps the row and g in registers (x from memory), even and odd register counts.
  { name: "robust-altmin k = 11", obs: wide, opts: { method: "robust-altmin", rank: 11, maxIter: 3, sketchSize: 30, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 12", obs: wide, opts: { method: "robust-altmin", rank: 12, maxIter: 3, sketchSize: 30, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 16", obs: wide, opts: { method: "robust-altmin", rank: 16, maxIter: 4, sketchSize: 40, innerTol: 0, maxInner: 3 } },
  { name: "als with biases, k = 34 (blocked Gram)", obs: wide, opts: { rank: 34, lambda: 0.05, maxIter: 4 } },
  // The Gibbs sampler: the hyperparameters are drawn in TypeScript on both backends, the rows by the kernel and its twin.
  { name: "bpmf with biases", obs: ratings, opts: { method: "bpmf", rank: 6, maxIter: 5, burnIn: 2 } },
  { name: "bpmf with biases, k = 7 (the tiled Gram's target apart)", obs: ratings, opts: { method: "bpmf", rank: 7, maxIter: 4, burnIn: 2 } },
  { name: "bpmf without biases, k = 4", obs: ratings, opts: { method: "bpmf", rank: 4, biases: false, maxIter: 4, burnIn: 2 } },
  { name: "bpmf without biases, k = 34 (blocked Gram)", obs: wide, opts: { method: "bpmf", rank: 34, biases: false, maxIter: 3, burnIn: 1 } },
  { name: "altmin k = 32 (blocked Gram)", obs: wide, opts: { method: "altmin", rank: 32, maxIter: 4, lambda: 1e-3 } },
  { name: "robust-altmin k = 33, CountSketch", obs: wide, opts: { method: "robust-altmin", rank: 33, maxIter: 3, sketchSize: 66, lambda: 1e-3, innerTol: 0, maxInner: 3 } },
  { name: "robust-altmin k = 33, SRHT", obs: wide, opts: { method: "robust-altmin", sketch: "srht", rank: 33, maxIter: 3, sketchSize: 66, lambda: 1e-3, innerTol: 0, maxInner: 3 } },
];

function factorDiff(a: CompletionModel, b: CompletionModel): number {
  return Math.max(relDiff(a.U, b.U), relDiff(a.V, b.V), relDiff(a.rowBias, b.rowBias), relDiff(a.colBias, b.colBias));
}

for (const variant of variants) {
  describe(`wasm [${variant}] agrees with the TypeScript reference`, () => {
    for (const c of cases) {
      // The reference sums in the simd build's order, so there the two agree to the last bit; relaxed-simd fuses multiply-adds.
      it(`${c.name}: factors, biases and history ${variant === "simd" ? "bit for bit" : "to 1e-10"}`, async () => {
        await init({ variant });
        const js = await complete(c.obs, { ...c.opts, backend: "js" });
        const wasm = await complete(c.obs, { ...c.opts, backend: "wasm" });
        expect(factorDiff(wasm, js)).toBeLessThanOrEqual(variant === "simd" ? 0 : 1e-10);
        expect(wasm.history.length).toBe(js.history.length);
        expect(relDiff(wasm.history.map((h) => h.loss), js.history.map((h) => h.loss))).toBeLessThan(1e-10);
      });
    }
  });
}
