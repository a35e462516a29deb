import { describe, expect, it, beforeAll } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { init, leverageScores, rootLeverageScores } from "../src/index.js";
import { expectCode, quadForms, randn, relDiff, sum, variants, withDuplicateColumn } from "./helpers.js";

beforeAll(async () => {
  await init();
});

describe("leverageScores (exact)", () => {
  const { A } = heavyTailedRegression(400, 7, { seed: 11 });
  const direct = quadForms(A, new Float64Array(400).fill(1));

  it.each(["js", ...variants] as const)("matches diag(A (AᵀA)⁻¹ Aᵀ) and sums to d on %s", async (which) => {
    if (which !== "js") await init({ variant: which });
    const { scores, rank } = leverageScores(A, { backend: which === "js" ? "js" : "wasm" });
    expect(rank).toBe(7);
    expect(relDiff(scores, direct)).toBeLessThan(1e-10);
    expect(Math.abs(sum(scores) - 7)).toBeLessThan(1e-10);
  });

  it("handles a rank-deficient A by its rank: scores of [A, a_0] equal those of A and sum to 7", () => {
    const B = withDuplicateColumn(A, 0);
    const { scores, rank } = leverageScores(B);
    expect(rank).toBe(7);
    expect(relDiff(scores, direct)).toBeLessThan(1e-10);
    expect(Math.abs(sum(scores) - 7)).toBeLessThan(1e-10);
  });

  it("gives every row score 1 for a wide full-row-rank A and 0 for a zero matrix", () => {
    const W = leverageScores(randn(4, 9, 3));
    expect(W.rank).toBe(4);
    for (const s of W.scores) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    const Z = leverageScores({ rows: 5, cols: 2, data: new Float64Array(10) });
    expect(Z.rank).toBe(0);
    expect(Array.from(Z.scores)).toEqual([0, 0, 0, 0, 0]);
  });

  it("rejects bad input with typed errors", async () => {
    const bad = randn(10, 3, 1);
    bad.data[4] = NaN;
    await expectCode(() => leverageScores(bad), "NON_FINITE");
    await expectCode(() => leverageScores({ rows: 3, cols: 2, data: new Float64Array(5) }), "SHAPE");
    await expectCode(() => leverageScores({ rows: 0, cols: 2, data: new Float64Array(0) }), "EMPTY");
    await expectCode(() => leverageScores(randn(5, 2, 1), { method: "svd" as "qr" }), "INVALID_ARGUMENT");
    await expectCode(() => leverageScores(randn(5, 2, 1), { method: "sketch", sketchSize: 0 }), "INVALID_ARGUMENT");
    await expectCode(() => rootLeverageScores(randn(5, 2, 1), 0), "INVALID_ARGUMENT");
    await expectCode(() => rootLeverageScores(randn(5, 2, 1), -1), "INVALID_ARGUMENT");
  });
});

describe("leverageScores (sketch)", () => {
  const n = 20000, d = 10;
  const { A } = heavyTailedRegression(n, d, { seed: 5 });

  it("puts every row within (1 ± 0.5) of the exact score and 99% within (1 ± 0.25), on 3 seeds", () => {
    const exact = leverageScores(A).scores;
    for (const seed of [1, 2, 3]) {
      const { scores, rank } = leverageScores(A, { method: "sketch", seed });
      expect(rank).toBe(d);
      let within = 0, lo = Infinity, hi = 0;
      for (let i = 0; i < n; i++) {
        const r = scores[i] / exact[i];
        if (r > 0.75 && r < 1.25) within++;
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
      expect(within / n).toBeGreaterThan(0.99);
      expect(lo).toBeGreaterThan(0.5);
      expect(hi).toBeLessThan(1.5);
    }
  });

  it("with a Gaussian projection of 64 columns keeps 90% of rows within (1 ± 0.5)", () => {
    const exact = leverageScores(A).scores;
    const { scores } = leverageScores(A, { method: "sketch", seed: 1, projections: 64 });
    let within = 0;
    for (let i = 0; i < n; i++) if (Math.abs(scores[i] / exact[i] - 1) < 0.5) within++;
    expect(within / n).toBeGreaterThan(0.9);
  });

  it("draws the same sketch on js and every wasm variant", async () => {
    const ref = leverageScores(A, { method: "sketch", seed: 9, backend: "js" }).scores;
    for (const v of variants) {
      await init({ variant: v });
      expect(relDiff(leverageScores(A, { method: "sketch", seed: 9 }).scores, ref)).toBeLessThan(1e-10);
      const g = leverageScores(A, { method: "sketch", seed: 9, projections: 16 }).scores;
      expect(relDiff(g, leverageScores(A, { method: "sketch", seed: 9, projections: 16, backend: "js" }).scores)).toBeLessThan(1e-10);
    }
  });

  it("finds the rank of a rank-deficient A from the sketch", () => {
    const B = withDuplicateColumn(heavyTailedRegression(3000, 4, { seed: 2 }).A, 1);
    expect(leverageScores(B, { method: "sketch", seed: 4 }).rank).toBe(4);
  });
});

describe("rootLeverageScores", () => {
  it("is τ^(p/2) of the exact scores", () => {
    const A = randn(200, 5, 8);
    const tau = leverageScores(A).scores;
    const root = rootLeverageScores(A, 1).scores;
    const cube = rootLeverageScores(A, 3).scores;
    for (let i = 0; i < 200; i++) {
      expect(root[i]).toBeCloseTo(Math.sqrt(tau[i]), 14);
      expect(cube[i]).toBeCloseTo(tau[i] ** 1.5, 14);
    }
  });
});
