import { describe, expect, it, beforeAll } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { init, leverageScores, projectionBounds, rootLeverageScores, srhtSize } from "../src/index.js";
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
    // Finiteness is detected through R / SA (every entry of A is summed into them), on every path and backend.
    for (const bad2 of [NaN, Infinity, -Infinity]) {
      const B = randn(3000, 6, 2);
      B.data[1234 * 6 + 5] = bad2;
      for (const backend of ["js", "wasm"] as const) {
        await expectCode(() => leverageScores(B, { backend }), "NON_FINITE");
        await expectCode(() => leverageScores(B, { method: "sketch", backend }), "NON_FINITE");
        await expectCode(() => leverageScores(B, { method: "sketch", sketch: "srht", backend }), "NON_FINITE");
        await expectCode(() => leverageScores({ rows: 3000, cols: 6, data: Array.from(B.data) as unknown as Float64Array }, { backend }), "NON_FINITE");
      }
    }
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

  it("SRHT at Tropp's default size: every row within his [1/1.48², 1/0.40²] and 99% within (1 ± 0.25), on 3 seeds", () => {
    const exact = leverageScores(A).scores;
    expect(srhtSize(n, d)).toBeLessThanOrEqual(32768);
    for (const seed of [1, 2, 3]) {
      const { scores, rank } = leverageScores(A, { method: "sketch", sketch: "srht", seed });
      expect(rank).toBe(d);
      let within = 0, lo = Infinity, hi = 0;
      for (let i = 0; i < n; i++) {
        const r = scores[i] / exact[i];
        if (r > 0.75 && r < 1.25) within++;
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
      expect(within / n).toBeGreaterThan(0.99);
      expect(lo).toBeGreaterThan(1 / 1.48 ** 2);
      expect(hi).toBeLessThan(1 / 0.4 ** 2);
    }
  });

  it("SRHT agrees between js and wasm, and bad sketch options are refused", async () => {
    const B = heavyTailedRegression(3000, 5, { seed: 3 }).A;
    const ref = leverageScores(B, { method: "sketch", sketch: "srht", seed: 2, backend: "js" }).scores;
    for (const v of variants) {
      await init({ variant: v });
      expect(relDiff(leverageScores(B, { method: "sketch", sketch: "srht", seed: 2 }).scores, ref)).toBeLessThan(1e-10);
    }
    await expectCode(() => leverageScores(B, { method: "sketch", sketch: "fjlt" as "srht" }), "INVALID_ARGUMENT");
    await expectCode(() => leverageScores(B, { method: "sketch", sketch: "srht", sketchSize: 4097 }), "INVALID_ARGUMENT");
    await expectCode(() => leverageScores(B, { method: "sketch", projections: -1 }), "INVALID_ARGUMENT");
  });

  it("the Gaussian projection multiplies every row by a χ²_k/k factor within projectionBounds(n, k, 0.01)", () => {
    const n2 = 30000, d2 = 24;
    const B = heavyTailedRegression(n2, d2, { seed: 6 }).A;
    // ⌈ln 30000⌉ = 11 < d/2: the default applies 11 projections.
    const k = Math.ceil(Math.log(n2));
    const [lo, hi] = projectionBounds(n2, k, 0.01);
    expect(lo).toBeGreaterThan(0.01);
    expect(hi).toBeLessThan(6);
    for (const seed of [1, 2, 3]) {
      const base = leverageScores(B, { method: "sketch", seed, projections: 0 }).scores;
      const def = leverageScores(B, { method: "sketch", seed }).scores;
      expect(relDiff(def, leverageScores(B, { method: "sketch", seed, projections: k }).scores)).toBe(0);
      let mn = Infinity, mx = 0, mean = 0, below = 0;
      for (let i = 0; i < n2; i++) {
        const r = def[i] / base[i];
        mn = Math.min(mn, r);
        mx = Math.max(mx, r);
        mean += r / n2;
        if (r < 1) below++;
      }
      expect(mn).toBeGreaterThan(lo);
      expect(mx).toBeLessThan(hi);
      // E χ²_k/k = 1 (the rows share G, so the mean is only within a few 0.1 of it); P(χ²_11/11 < 1) ≈ 0.56.
      expect(Math.abs(mean - 1)).toBeLessThan(0.25);
      expect(below / n2).toBeGreaterThan(0.4);
      expect(below / n2).toBeLessThan(0.72);
    }
  });

  it("projectionBounds matches the χ² Chernoff bound and is [1, 1] without projections", () => {
    expect(projectionBounds(1e6, 0)).toEqual([1, 1]);
    const [lo, hi] = projectionBounds(1e6, 14, 0.01);
    const side = (t: number) => 7 * (Math.log(t) + 1 - t);
    expect(Math.abs(side(lo) - Math.log(0.01 / 2e6))).toBeLessThan(1e-9);
    expect(Math.abs(side(hi) - Math.log(0.01 / 2e6))).toBeLessThan(1e-9);
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1);
    expect(() => projectionBounds(10, 3, 0)).toThrow();
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
