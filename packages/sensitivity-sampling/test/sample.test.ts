import { describe, expect, it } from "vitest";
import { Rng } from "@lowrank/linalg";
import { sample } from "../src/index.js";
import { expectCode, sum } from "./helpers.js";

describe("sample", () => {
  const n = 2000;
  const scores = new Rng(1).fillUniform(new Float64Array(n)).map((u) => u ** 4);
  scores[0] = 50; // a row that must be kept with probability 1

  it("keeps each row with p_i = min(1, c s_i), Σ p_i = m, weight 1/p_i", () => {
    const m = 300;
    const { indices, weights, probabilities } = sample(scores, m, { seed: 3 });
    expect(indices[0]).toBe(0);
    expect(weights[0]).toBe(1);
    for (let k = 0; k < indices.length; k++) expect(weights[k]).toBeCloseTo(1 / probabilities[k], 12);
    // Recover c from any uncapped kept row; then the inclusion probabilities sum to m.
    const k = probabilities.findIndex((p) => p < 1);
    const c = probabilities[k] / scores[indices[k]];
    let total = 0;
    for (const s of scores) total += Math.min(1, c * s);
    expect(total).toBeCloseTo(m, 9);
    expect(Math.abs(indices.length - m)).toBeLessThan(4 * Math.sqrt(m));
  });

  it("is unbiased: over 400 seeds the weighted sum's mean is within 4 standard errors of the full sum", () => {
    const f = Float64Array.from({ length: n }, (_, i) => 1 + Math.sin(i));
    const full = sum(f);
    for (const replacement of [false, true]) {
      const T = 400;
      const est = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        const { indices, weights } = sample(scores, 100, { seed: t, replacement });
        for (let k = 0; k < indices.length; k++) est[t] += weights[k] * f[indices[k]];
      }
      const mean = sum(est) / T;
      let v = 0;
      for (const e of est) v += (e - mean) ** 2 / (T - 1);
      expect(Math.abs(mean - full)).toBeLessThan(4 * Math.sqrt(v / T));
    }
  });

  it("with replacement draws exactly m rows, merged by index, weights count / (m q_i)", () => {
    const { indices, weights, probabilities } = sample(scores, 500, { seed: 2, replacement: true });
    let draws = 0;
    for (let k = 0; k < indices.length; k++) draws += Math.round(weights[k] * 500 * probabilities[k]);
    expect(draws).toBe(500);
    for (let k = 1; k < indices.length; k++) expect(indices[k]).toBeGreaterThan(indices[k - 1]);
  });

  it("keeps every positive row with weight 1 when m exceeds them, and is deterministic in the seed", () => {
    const s = new Float64Array([1, 0, 2, 3]);
    const all = sample(s, 10, { seed: 1 });
    expect(Array.from(all.indices)).toEqual([0, 2, 3]);
    expect(Array.from(all.weights)).toEqual([1, 1, 1]);
    expect(sample(scores, 50, { seed: 9 }).indices).toEqual(sample(scores, 50, { seed: 9 }).indices);
  });

  it("rejects negative or all-zero scores and a bad m", async () => {
    await expectCode(() => sample([1, -1], 1), "INVALID_ARGUMENT");
    await expectCode(() => sample([0, 0], 1), "INVALID_ARGUMENT");
    await expectCode(() => sample([1, NaN], 1), "NON_FINITE");
    await expectCode(() => sample([1, 2], 0), "INVALID_ARGUMENT");
    await expectCode(() => sample([1, 2], 1.5), "INVALID_ARGUMENT");
    await expectCode(() => sample([], 1), "EMPTY");
    await expectCode(() => sample([1, 2], undefined as unknown as number), "INVALID_ARGUMENT");
  });
});
