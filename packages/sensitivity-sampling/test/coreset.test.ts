import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { coreset, lpRegression } from "../src/index.js";
import { expectCode, lpObjective } from "./helpers.js";

describe("coreset", () => {
  const { A, b } = heavyTailedRegression(5000, 4, { seed: 51, tail: "cauchy" });

  it("returns the sampled rows of A and b with their weights", async () => {
    const cs = await coreset(A, b, { p: 1, m: 200, scores: "lewis", seed: 1, backend: "js" });
    expect(cs.A.rows).toBe(cs.indices.length);
    for (let k = 0; k < cs.indices.length; k++) {
      const i = cs.indices[k];
      expect(cs.b[k]).toBe(b[i]);
      expect(Array.from(cs.A.data.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(A.data.subarray(4 * i, 4 * i + 4)));
    }
    expect(cs.scores.length).toBe(5000);
    const mixed = await coreset(A, b, { p: 3, m: 200, scores: "mixed", seed: 1, backend: "js" });
    let total = 0;
    for (const s of mixed.scores) total += s;
    expect(total).toBeCloseTo(8, 6); // Lewis weights and leverage scores each sum to d = 4
  });

  it.each(["lewis", "leverage", "root-leverage", "mixed"] as const)("a %s coreset of 400 rows solves l1 regression within 1.2x of the optimum", async (scores) => {
    const full = await lpRegression(A, b, 1, { backend: "js" });
    const cs = await coreset(A, b, { p: 1, m: 400, scores, seed: 2, backend: "js" });
    const sub = await lpRegression(cs.A, cs.b, 1, { weights: cs.weights, backend: "js" });
    expect(lpObjective(A, b, sub.x, 1) / full.objective).toBeLessThan(1.2);
  });

  it("samples by exact sensitivities on small inputs and rejects unknown schemes", async () => {
    const small = heavyTailedRegression(200, 3, { seed: 3 });
    const cs = await coreset(small.A, small.b, { p: 1.5, m: 50, scores: "sensitivity", seed: 1, backend: "js" });
    expect(cs.indices.length).toBeGreaterThan(20);
    await expectCode(() => coreset(A, b, { m: 10, scores: "random" as "uniform" }), "INVALID_ARGUMENT");
    await expectCode(() => coreset(A, b, { m: 10, p: -1 }), "INVALID_ARGUMENT");
    await expectCode(() => coreset(A, b, { m: 0 }), "INVALID_ARGUMENT");
    await expectCode(() => coreset(A, b.subarray(1), { m: 10 }), "SHAPE");
  });
});
