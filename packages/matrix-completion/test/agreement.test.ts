import { lowRankMatrix, observe } from "@lowrank/datasets";
import { describe, expect, it } from "vitest";
import { complete, init, type CompleteOptions, type CompletionModel, type Observations } from "../src/index.js";
import { relDiff, variants } from "./helpers.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const ratings = syntheticRatings({ users: 150, items: 200, ratings: 5000, seed: 3 }).observations;
const { M } = lowRankMatrix(90, 70, 4, { seed: 8 });
const exact = observe(M, 0.4, { seed: 9 });

const cases: { name: string; obs: Observations; opts: CompleteOptions }[] = [
  { name: "als with biases", obs: ratings, opts: { rank: 6, lambda: 0.1, maxIter: 8 } },
  { name: "als without biases", obs: ratings, opts: { rank: 5, lambda: 0.1, biases: false, maxIter: 8 } },
  { name: "altmin", obs: exact, opts: { method: "altmin", rank: 4, maxIter: 8 } },
  { name: "robust-altmin", obs: exact, opts: { method: "robust-altmin", rank: 4, maxIter: 8, sketchSize: 9 } },
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
