// TNLS as the authors' ring code samples: Gaussian rank steps rounded to the nearest integer and capped,
// upward at rank 1, a transposition with a given probability; and the search on an exact ring.
import { Rng } from "@lowrank/linalg";
import { trTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { init, searchStructure } from "../src/index.js";
import { draw, rankStep } from "../src/tnls.js";

describe("TNLS sampling", () => {
  it("rounds a Gaussian step as the code's slots do: |z| <= 0.5 -> 0, (0.5, 1.5] -> 1, ..., capped at the radius", () => {
    // The code counts the slots [0, 0.5, 1.5, 2.5, 3.5, 4.5] below |z|, subtracts one, and caps the count at 4.
    const slots = [0, 0.5, 1.5, 2.5, 3.5, 4.5];
    for (let z = -6; z <= 6; z += 0.0625) {
      const count = slots.filter((s) => Math.abs(z) - s > 0).length;
      const m = count > 5 ? 4 : Math.max(0, count - 1);
      expect(Math.abs(rankStep(z, 4)), `z = ${z}`).toBe(m);
      if (m > 0) expect(Math.sign(rankStep(z, 4))).toBe(Math.sign(z));
    }
    expect(rankStep(2.7, 1)).toBe(1);
    expect(rankStep(-9, 2)).toBe(-2);
  });

  it("draws steps of N(0, σ²) rounded: frequencies of 0, ±1, ±2 at σ = 1 and σ = 0.5; upward at rank 1", () => {
    const rng = new Rng(5);
    const center = { ranks: [4, 4, 1, 4], permutation: [0, 1, 2, 3] };
    for (const [sigma, p0, p1] of [[1, 0.3829, 0.4834], [0.5, 0.6827, 0.3146]]) {
      const hist = new Map<number, number>();
      let n = 0, bad = 0;
      for (let t = 0; t < 20000; t++) {
        const [r, perm] = draw(center, 4, sigma, 0, rng);
        if (perm !== center.permutation || r[2] < 1) bad++; // no transposition at probability 0; rank 1 only moves up
        for (const k of [0, 1, 3]) {
          const d = r[k] - 4;
          hist.set(Math.abs(d), (hist.get(Math.abs(d)) ?? 0) + 1);
          n++;
        }
      }
      expect(bad).toBe(0);
      // Normal probabilities P(|z| <= 0.5 σ⁻¹ ...) to three standard errors.
      expect(Math.abs((hist.get(0) ?? 0) / n - p0)).toBeLessThan(0.01);
      expect(Math.abs((hist.get(1) ?? 0) / n - p1)).toBeLessThan(0.01);
    }
  });

  it("permutes with the given probability, by one transposition", () => {
    const rng = new Rng(7);
    const center = { ranks: [2, 2, 2, 2, 2], permutation: [0, 1, 2, 3, 4] };
    let swapped = 0;
    for (let t = 0; t < 4000; t++) {
      const [, perm] = draw(center, 4, 0.1, 0.3, rng);
      const moved = perm.filter((p, k) => p !== k).length;
      if (moved !== 0 && moved !== 2) swapped = NaN;
      if (moved) swapped++;
    }
    expect(Math.abs(swapped / 4000 - 0.3)).toBeLessThan(0.025);
  });
});

describe("searchStructure tnls", () => {
  beforeAll(async () => {
    await init();
  });

  it("finds the ranks of an exact ring, counts every fit and keeps to maxEvaluations", async () => {
    const { tensor } = trTensor([4, 5, 4, 5], [2, 3, 2, 2], { seed: 1 });
    let calls = 0;
    const res = await searchStructure(tensor, { method: "tnls", seed: 1, onProgress: () => calls++ });
    expect(res.ranks).toEqual([2, 3, 2, 2]);
    expect(res.error).toBeLessThan(1e-8);
    expect(res.evaluations).toBe(calls);
    const capped = await searchStructure(tensor, { method: "tnls", maxEvaluations: 9, alsIter: 5, backend: "js" });
    expect(capped.evaluations).toBeLessThanOrEqual(10); // the last candidate's restarts may finish
  });
});
