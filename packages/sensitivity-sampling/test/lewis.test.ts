import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { init, leverageScores, lewisWeights } from "../src/index.js";
import { expectCode, quadForms, randn, relDiff, sum, variants, withDuplicateColumn } from "./helpers.js";

/** max_i |T(w)_i / w_i - 1| for the Lewis map T(w)_i = (a_iᵀ (Aᵀ W^(1-2/p) A)⁻¹ a_i)^(p/2), computed from scratch. */
function fixedPointResidual(A: { rows: number; cols: number; data: Float64Array }, w: Float64Array, p: number): number {
  const v = w.map((x) => x ** (1 - 2 / p));
  const q = quadForms(A, v);
  let e = 0;
  for (let i = 0; i < A.rows; i++) e = Math.max(e, Math.abs(q[i] ** (p / 2) / w[i] - 1));
  return e;
}

describe("lewisWeights", () => {
  const { A } = heavyTailedRegression(300, 6, { seed: 21 });

  it.each([0.5, 1, 1.5, 3, 4, 6, 8, 20])("satisfies the fixed-point equation and sums to d for p = %s", async (p) => {
    const res = await lewisWeights(A, p, { backend: "js" });
    expect(res.converged).toBe(true);
    expect(res.rank).toBe(6);
    expect(fixedPointResidual(A, res.weights, p)).toBeLessThan(1e-8);
    expect(Math.abs(sum(res.weights) - 6)).toBeLessThan(1e-8);
  });

  it("p >= 4 (convex program): converges on a heavier design, agrees js vs wasm, and the sketch method refuses", async () => {
    const B = heavyTailedRegression(5000, 8, { seed: 3 }).A;
    for (const p of [4, 6, 12]) {
      const res = await lewisWeights(B, p, { backend: "js" });
      expect(res.converged).toBe(true);
      expect(fixedPointResidual(B, res.weights, p)).toBeLessThan(1e-8);
      expect(Math.abs(sum(res.weights) - 8)).toBeLessThan(1e-8);
      for (const v of variants) {
        await init({ variant: v });
        expect(relDiff((await lewisWeights(B, p)).weights, res.weights)).toBeLessThan(1e-9);
      }
    }
    await expectCode(() => lewisWeights(B, 4, { method: "sketch" }), "INVALID_ARGUMENT");
  });

  it("equals the leverage scores for p = 2", async () => {
    const res = await lewisWeights(A, 2, { backend: "js" });
    expect(relDiff(res.weights, leverageScores(A, { backend: "js" }).scores)).toBeLessThan(1e-12);
    expect(res.iterations).toBe(1);
  });

  it("agrees between js and every wasm variant (1e-10)", async () => {
    for (const p of [1, 3]) {
      const ref = (await lewisWeights(A, p, { backend: "js" })).weights;
      for (const v of variants) {
        await init({ variant: v });
        expect(relDiff((await lewisWeights(A, p)).weights, ref)).toBeLessThan(1e-10);
      }
    }
  });

  it("depends only on range(A): a duplicated column leaves the weights and their sum (the rank) unchanged", async () => {
    const ref = (await lewisWeights(A, 1, { backend: "js" })).weights;
    const res = await lewisWeights(withDuplicateColumn(A, 2), 1, { backend: "js" });
    expect(res.rank).toBe(6);
    expect(relDiff(res.weights, ref)).toBeLessThan(1e-8);
  });

  it("reports progress, stops at maxIter without converging, and aborts", async () => {
    const seen: number[] = [];
    const res = await lewisWeights(A, 1, { backend: "js", maxIter: 3, onProgress: (s) => seen.push(s.iteration) });
    expect(seen).toEqual([1, 2, 3]);
    expect(res.converged).toBe(false);
    const ctl = new AbortController();
    await expectCode(() => lewisWeights(A, 1, { backend: "js", signal: ctl.signal, onProgress: () => ctl.abort() }), "ABORTED");
  });

  it("sketch method: every row within (0.6, 1.7) of the exact weights on 3 seeds, p = 1 and 3, and sum within 10% of d", async () => {
    const big = heavyTailedRegression(20000, 10, { seed: 1 }).A;
    for (const p of [1, 3]) {
      const exact = (await lewisWeights(big, p)).weights;
      for (const seed of [1, 2, 3]) {
        const res = await lewisWeights(big, p, { method: "sketch", seed });
        expect(res.converged).toBe(true);
        let lo = Infinity, hi = 0;
        for (let i = 0; i < 20000; i++) {
          const q = res.weights[i] / exact[i];
          lo = Math.min(lo, q);
          hi = Math.max(hi, q);
        }
        expect(lo).toBeGreaterThan(0.6);
        expect(hi).toBeLessThan(1.7);
        expect(Math.abs(sum(res.weights) / 10 - 1)).toBeLessThan(0.1);
      }
    }
  });

  it("sketch method agrees between js and wasm and refuses rank-deficient A", async () => {
    const ref = (await lewisWeights(A, 1.5, { method: "sketch", seed: 2, backend: "js" })).weights;
    for (const v of variants) {
      await init({ variant: v });
      expect(relDiff((await lewisWeights(A, 1.5, { method: "sketch", seed: 2 })).weights, ref)).toBeLessThan(1e-10);
    }
    await expectCode(() => lewisWeights(withDuplicateColumn(A, 0), 1, { method: "sketch" }), "RANK");
    await expectCode(() => lewisWeights(A, 1, { method: "fast" as "sketch" }), "INVALID_ARGUMENT");
  });

  it("rejects p <= 0, NaN entries and bad options", async () => {
    await expectCode(() => lewisWeights(A, 0), "INVALID_ARGUMENT");
    await expectCode(() => lewisWeights(A, -2), "INVALID_ARGUMENT");
    await expectCode(() => lewisWeights(A, NaN), "INVALID_ARGUMENT");
    const bad = randn(10, 2, 1);
    bad.data[3] = Infinity;
    await expectCode(() => lewisWeights(bad, 1), "NON_FINITE");
    // The exact method finds a non-finite entry through R (no up-front scan): one entry past the first
    // 2048-row block, every backend and method, and p >= 4.
    for (const x of [NaN, -Infinity]) {
      const big = randn(3000, 3, 4);
      big.data[2500 * 3 + 1] = x;
      for (const backend of ["js", "wasm"] as const) {
        await expectCode(() => lewisWeights(big, 1, { backend }), "NON_FINITE");
        await expectCode(() => lewisWeights(big, 5, { backend }), "NON_FINITE");
        await expectCode(() => lewisWeights(big, 1, { backend, method: "sketch" }), "NON_FINITE");
      }
    }
    await expectCode(() => lewisWeights(A, 1, { maxIter: 0 }), "INVALID_ARGUMENT");
  });
});
