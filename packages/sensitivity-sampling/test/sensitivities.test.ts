import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { Rng } from "@lowrank/linalg";
import { init, leverageScores, lpSensitivities } from "../src/index.js";
import { expectCode, randn, relDiff, variants, withDuplicateColumn } from "./helpers.js";

/** Exact l1 sensitivity of row i of an n x 2 matrix: the minimum of the convex piecewise-linear ||Ax||_1 on the line a_iᵀx = 1 lies at a breakpoint. */
function l1Sensitivity2(A: { rows: number; data: Float64Array }, i: number): number {
  const a0 = A.data[2 * i], a1 = A.data[2 * i + 1];
  const nn = a0 * a0 + a1 * a1;
  // x(t) = x0 + t n, x0 = a_i/|a_i|², n ⊥ a_i.
  const x0 = [a0 / nn, a1 / nn], dir = [-a1, a0];
  const f = (t: number) => {
    let s = 0;
    for (let j = 0; j < A.rows; j++) s += Math.abs(A.data[2 * j] * (x0[0] + t * dir[0]) + A.data[2 * j + 1] * (x0[1] + t * dir[1]));
    return s;
  };
  let best = Infinity;
  for (let j = 0; j < A.rows; j++) {
    const c = A.data[2 * j] * dir[0] + A.data[2 * j + 1] * dir[1];
    if (c === 0) continue;
    best = Math.min(best, f(-(A.data[2 * j] * x0[0] + A.data[2 * j + 1] * x0[1]) / c));
  }
  return 1 / best;
}

describe("lpSensitivities", () => {
  const { A } = heavyTailedRegression(120, 4, { seed: 31 });

  it("exact p = 2 sensitivities are the leverage scores", async () => {
    const res = await lpSensitivities(A, 2, { method: "exact", backend: "js" });
    expect(relDiff(res.sensitivities, leverageScores(A, { backend: "js" }).scores)).toBeLessThan(1e-10);
    expect(Math.abs(res.total - 4)).toBeLessThan(1e-10);
  });

  it("exact p = 1 sensitivities of an n x 2 matrix match the breakpoint enumeration", async () => {
    const B = heavyTailedRegression(60, 2, { seed: 3 }).A;
    const res = await lpSensitivities(B, 1, { method: "exact", backend: "js" });
    const want = Float64Array.from({ length: 60 }, (_, i) => l1Sensitivity2(B, i));
    expect(relDiff(res.sensitivities, want)).toBeLessThan(1e-6);
  });

  it.each([1, 1.5, 3, 4])("exact sensitivities respect the Lewis bound s_i <= max(1, d^(p/2-1)) w_i for p = %s", async (p) => {
    const exact = await lpSensitivities(A, p, { method: "exact", backend: "js" });
    const bound = await lpSensitivities(A, p, { backend: "js" });
    expect(bound.factor).toBeCloseTo(Math.max(1, 4 ** (p / 2 - 1)), 12);
    for (let i = 0; i < 120; i++) expect(exact.sensitivities[i]).toBeLessThanOrEqual(bound.sensitivities[i] * (1 + 1e-8));
    expect(exact.total).toBeLessThanOrEqual(bound.total * (1 + 1e-8));
    expect(bound.total).toBeCloseTo(4 * bound.factor, 6);
  });

  it("exact sensitivities are attained: no random direction beats them, and the maximiser is close", async () => {
    const p = 1.5;
    const { sensitivities } = await lpSensitivities(A, p, { method: "exact", backend: "js" });
    const rng = new Rng(4);
    const x = new Float64Array(4);
    let ratioMax = new Float64Array(120);
    for (let t = 0; t < 2000; t++) {
      rng.fillNormal(x);
      let tot = 0;
      const ax = new Float64Array(120);
      for (let i = 0; i < 120; i++) {
        for (let j = 0; j < 4; j++) ax[i] += A.data[i * 4 + j] * x[j];
        tot += Math.abs(ax[i]) ** p;
      }
      for (let i = 0; i < 120; i++) ratioMax[i] = Math.max(ratioMax[i], Math.abs(ax[i]) ** p / tot);
    }
    for (let i = 0; i < 120; i++) expect(ratioMax[i]).toBeLessThanOrEqual(sensitivities[i] * (1 + 1e-9));
  });

  it("agrees between js and wasm", async () => {
    const ref = await lpSensitivities(A, 1.5, { method: "exact", backend: "js" });
    const refB = await lpSensitivities(A, 3, { backend: "js" });
    for (const v of variants) {
      await init({ variant: v });
      expect(relDiff((await lpSensitivities(A, 1.5, { method: "exact" })).sensitivities, ref.sensitivities)).toBeLessThan(1e-9);
      expect(relDiff((await lpSensitivities(A, 3)).sensitivities, refB.sensitivities)).toBeLessThan(1e-10);
    }
  });

  it("works on range(A): a duplicated column changes neither the exact values nor the bound, and the bound's factor uses the rank", async () => {
    const B = withDuplicateColumn(A, 1);
    const e0 = await lpSensitivities(A, 3, { method: "exact", backend: "js" });
    const e1 = await lpSensitivities(B, 3, { method: "exact", backend: "js" });
    expect(e1.rank).toBe(4);
    expect(relDiff(e1.sensitivities, e0.sensitivities)).toBeLessThan(1e-8);
    const b1 = await lpSensitivities(B, 3, { backend: "js" });
    expect(b1.factor).toBeCloseTo(4 ** 0.5, 12);
  });

  it("refuses the exact method on large inputs and bad arguments", async () => {
    await expectCode(() => lpSensitivities(randn(20000, 5, 1), 1, { method: "exact" }), "TOO_LARGE");
    await expectCode(() => lpSensitivities(A, 0), "INVALID_ARGUMENT");
    await expectCode(() => lpSensitivities(A, 1, { method: "lp" as "exact" }), "INVALID_ARGUMENT");
  });
});
