import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { loadBostonHousing, loadCpsWages } from "@lowrank/datasets/node";
import { Rng, type DenseMatrix } from "@lowrank/linalg";
import { init, lpRegression } from "../src/index.js";
import { finishL1 } from "../src/l1-finish.js";
import { jsSensitivityKernels } from "../src/kernels/index.js";
import { lpObjective, variants } from "./helpers.js";

// Optima of the l1 LPs below, solved independently (see the file's "source"); regenerated only by hand.
const REF = JSON.parse(readFileSync(new URL("./data/l1-linprog.json", import.meta.url), "utf8")) as {
  cases: Record<string, { n: number; d: number; objective: number; dual: number }>;
};

/** Heavy-tailed designs with leverage outliers, plus response outliers on every 17th row. */
function heavy(n: number, d: number, opts: Parameters<typeof heavyTailedRegression>[2], shift: number): { A: DenseMatrix; b: Float64Array } {
  const { A, b } = heavyTailedRegression(n, d, opts);
  for (let i = 0; i < n; i += 17) b[i] += shift * (i % 2 ? 1 : -1) * (1 + (i % 7));
  return { A, b };
}

const cases: Record<string, () => { A: DenseMatrix; b: Float64Array; weights?: Float64Array }> = {
  "cauchy-2000x8": () => heavy(2000, 8, { seed: 1, tail: "cauchy", noise: 1, leverageOutliers: 20 }, 50),
  "cauchy-2000x8-weighted": () => ({
    ...heavy(2000, 8, { seed: 1, tail: "cauchy", noise: 1, leverageOutliers: 20 }, 50),
    weights: Float64Array.from({ length: 2000 }, (_, i) => (i % 4) / 2),
  }),
  "student-20000x10": () => heavy(20000, 10, { seed: 2, tail: "student-t", df: 2, noise: 0.5, leverageOutliers: 50 }, 20),
  "pareto-5000x6": () => heavy(5000, 6, { seed: 3, tail: "pareto", df: 1.5, noise: 0.2 }, 10),
  // The size of California housing (20190 x 10, not shipped) with its kind of degeneracy: an integer feature
  // capped at 52 and a response rounded to cents and capped (3732 rows tie at the cap).
  "capped-20190x10": () => {
    const n = 20190, d = 10;
    const { A, b } = heavyTailedRegression(n, d, { seed: 4, tail: "student-t", df: 3, noise: 0.3 });
    for (let i = 0; i < n; i++) {
      A.data[i * d] = 1;
      A.data[i * d + 1] = Math.min(52, Math.max(1, Math.round(20 + 10 * A.data[i * d + 1])));
      b[i] = Math.min(3, Math.round(b[i] * 100) / 100);
    }
    return { A, b };
  },
  // Real data: Boston housing (506 x 14 with the intercept) and CPS 1985 wages with dummy-coded categories
  // (534 x 16; age left out, it is education + experience + 6), many tied rows: a degenerate LP.
  boston: () => loadBostonHousing({ intercept: true, standardize: true }),
  cps: () => loadCpsWages({
    intercept: true, standardize: true,
    features: ["education", "south", "gender", "experience", "union", "race", "occupation", "sector", "married"],
  }),
};

describe("lpRegression p = 1: exact and certified against an independent LP solver", () => {
  it.each(Object.keys(cases))("%s: objective within 1e-10 of the LP optimum, duality gap <= 1e-10, both backends", async (name) => {
    const { A, b, weights } = cases[name]();
    const ref = REF.cases[name];
    expect([A.rows, A.cols]).toEqual([ref.n, ref.d]);
    const runs = [await lpRegression(A, b, 1, { backend: "js", weights })];
    for (const v of variants) {
      await init({ variant: v });
      runs.push(await lpRegression(A, b, 1, { weights }));
    }
    for (const res of runs) {
      expect(res.converged).toBe(true);
      expect(Math.abs(res.objective - ref.objective) / ref.objective).toBeLessThanOrEqual(1e-10);
      const c = res.certificate!;
      expect(c.primal).toBe(res.objective);
      expect(c.gap).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(c.gap - (c.primal - c.dual) / c.primal)).toBeLessThan(1e-15);
      // The dual is a lower bound on every objective, so on the reference optimum too (to rounding).
      expect(c.dual).toBeLessThanOrEqual(ref.objective * (1 + 1e-12));
      // The objective is the one at the returned x.
      const w = weights ?? new Float64Array(A.rows).fill(1);
      let f = 0;
      for (let i = 0; i < A.rows; i++) {
        let r = b[i];
        for (let j = 0; j < A.cols; j++) r -= A.data[i * A.cols + j] * res.x[j];
        f += w[i] * Math.abs(r);
      }
      expect(Math.abs(f - res.objective) / f).toBeLessThan(1e-12);
    }
  });

  it("certifies from a rough start (one IRLS iteration) by simplex pivots alone", async () => {
    const { A, b } = cases["cauchy-2000x8"]();
    const res = await lpRegression(A, b, 1, { backend: "js", maxIter: 1 });
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(true);
    expect(Math.abs(res.objective / REF.cases["cauchy-2000x8"].objective - 1)).toBeLessThanOrEqual(1e-10);
  });

  it("certifies degenerate LPs: integer data with many ties (medians, 0/1 and small-integer designs)", async () => {
    for (let seed = 0; seed < 12; seed++) {
      const rng = new Rng(seed);
      const n = 60 + 150 * seed, d = 1 + (seed % 9);
      const A = new Float64Array(n * d), b = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        A[i * d] = 1;
        // 0/1 dummies, or small integers (there the optimum is often x = 0 with hundreds of exact fits).
        for (let j = 1; j < d; j++) A[i * d + j] = seed % 3 === 2 ? Math.round(rng.normal()) : rng.uniform() < 0.3 ? 1 : 0;
        b[i] = Math.round(rng.normal() * 3);
      }
      const M = { rows: n, cols: d, data: A };
      const res = await lpRegression(M, b, 1, { backend: seed % 2 ? "js" : "wasm" });
      expect(res.converged).toBe(true);
      expect(res.certificate!.gap).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(lpObjective(M, b, res.x, 1) - res.objective)).toBeLessThanOrEqual(1e-12 * res.objective);
    }
  });

  it("reports no certificate for other p, nor for maxIter 0 (the least-squares start)", async () => {
    const { A, b } = cases["pareto-5000x6"]();
    expect((await lpRegression(A, b, 1.5, { backend: "js" })).certificate).toBeUndefined();
    const ls = await lpRegression(A, b, 1, { backend: "js", maxIter: 0 });
    expect(ls.certificate).toBeUndefined();
    expect(ls.converged).toBe(false);
  });
});

describe("lpRegression p = 1 certificate on inputs scaled by powers of two", () => {
  it("scales primal and dual with the objective and keeps the gap", async () => {
    const { A, b } = heavy(300, 4, { seed: 5, tail: "cauchy", noise: 1 }, 10);
    const ref = await lpRegression(A, b, 1, { backend: "js" });
    const big = b.map((v) => v * 2 ** 900);
    const w = new Float64Array(300).fill(2 ** -40);
    const res = await lpRegression(A, big, 1, { backend: "js", weights: w });
    expect(res.converged).toBe(true);
    const k = 2 ** 860;
    expect(Math.abs(res.objective / k / ref.objective - 1)).toBeLessThan(1e-12);
    expect(Math.abs(res.certificate!.dual / k / ref.certificate!.dual - 1)).toBeLessThan(1e-12);
    expect(res.certificate!.gap).toBeLessThanOrEqual(1e-10);
  });
});

describe("finishL1", () => {
  it("certifies only an optimal basis: a capped pivot budget leaves a positive gap whose dual is still a lower bound", () => {
    const { A, b } = heavy(400, 5, { seed: 9, tail: "cauchy", noise: 1 }, 10);
    const n = 400, d = 5;
    const scratch = () => ({
      r: new Float64Array(n), sg: new Float64Array(n), ad: new Float64Array(n), g: new Float64Array(d),
      trial: new Float64Array(d), x: new Float64Array(d), bp: new Float64Array(n),
    });
    const omega = new Float64Array(n).fill(1);
    // Start far away (x = 0, the objective there is Σ|b|) so that many pivots are needed.
    let f0 = 0;
    for (let i = 0; i < n; i++) f0 += Math.abs(b[i]);
    const full = finishL1(jsSensitivityKernels, n, d, A.data, b, omega, f0, scratch(), 1000);
    expect(full.certificate!.gap).toBeLessThanOrEqual(1e-10);
    const capped = finishL1(jsSensitivityKernels, n, d, A.data, b, omega, f0, scratch(), 1);
    expect(capped.f).toBeGreaterThan(full.f * (1 + 1e-6));
    expect(capped.certificate!.gap).toBeGreaterThan(1e-6);
    expect(capped.certificate!.dual).toBeLessThanOrEqual(full.f * (1 + 1e-12));
  });
});
