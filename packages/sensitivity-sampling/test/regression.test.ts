import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { lstsq } from "@lowrank/linalg";
import { init, lpObjective as objectiveOf, lpRegression } from "../src/index.js";
import { expectCode, lpObjective, randn, relDiff, variants } from "./helpers.js";

describe("lpRegression", () => {
  const { A, b } = heavyTailedRegression(500, 5, { seed: 41, tail: "cauchy" });

  it("p = 2 is the least-squares solution", async () => {
    const res = await lpRegression(A, b, 2, { backend: "js" });
    const ls = lstsq(A, b, { backend: "js" }) as { x: Float64Array };
    expect(relDiff(res.x, ls.x)).toBeLessThan(1e-10);
    expect(res.objective).toBeCloseTo(lpObjective(A, b, res.x, 2), 8);
  });

  it("p = 1 with one column of ones is the median", async () => {
    const vals = [5, -2, 7, 1, 100, 3, 3.5];
    const ones = { rows: 7, cols: 1, data: new Float64Array(7).fill(1) };
    const res = await lpRegression(ones, vals, 1, { backend: "js" });
    expect(res.x[0]).toBeCloseTo(3.5, 12);
    expect(res.converged).toBe(true);
  });

  it("p = 1 matches the best interpolating line over all pairs of points (the LP's vertices)", async () => {
    const n = 40;
    const { A: X, b: y } = heavyTailedRegression(n, 2, { seed: 7, tail: "cauchy", noise: 1 });
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = X.data[2 * i], c = X.data[2 * i + 1], e = X.data[2 * j], f = X.data[2 * j + 1];
        const det = a * f - c * e;
        if (Math.abs(det) < 1e-12) continue;
        const x = [(y[i] * f - c * y[j]) / det, (a * y[j] - e * y[i]) / det];
        best = Math.min(best, lpObjective(X, y, x, 1));
      }
    }
    const res = await lpRegression(X, y, 1, { backend: "js" });
    expect(res.converged).toBe(true);
    expect(Math.abs(res.objective - best) / best).toBeLessThan(1e-12);
  });

  it.each([1.5, 3, 4])("p = %s reaches a stationary point: the gradient Σ |r|^(p-1) sign(r) a_i vanishes", async (p) => {
    const res = await lpRegression(A, b, p, { backend: "js" });
    expect(res.converged).toBe(true);
    const g = new Float64Array(5);
    let scale = 0;
    for (let i = 0; i < 500; i++) {
      let r = b[i];
      for (let j = 0; j < 5; j++) r -= A.data[i * 5 + j] * res.x[j];
      const t = Math.sign(r) * Math.abs(r) ** (p - 1);
      for (let j = 0; j < 5; j++) {
        g[j] += t * A.data[i * 5 + j];
        scale += Math.abs(t * A.data[i * 5 + j]);
      }
    }
    for (let j = 0; j < 5; j++) expect(Math.abs(g[j]) / scale).toBeLessThan(1e-6);
  });

  it("integer weights act as repeated rows", async () => {
    const w = Float64Array.from({ length: 500 }, (_, i) => 1 + (i % 3));
    const rep: number[] = [], rb: number[] = [];
    for (let i = 0; i < 500; i++) for (let k = 0; k < w[i]; k++) {
      rep.push(...A.data.subarray(i * 5, i * 5 + 5));
      rb.push(b[i]);
    }
    const R = { rows: rb.length, cols: 5, data: Float64Array.from(rep) };
    const a1 = await lpRegression(A, b, 1.5, { weights: w, backend: "js" });
    const a2 = await lpRegression(R, rb, 1.5, { backend: "js" });
    expect(Math.abs(a1.objective / a2.objective - 1)).toBeLessThan(1e-9);
  });

  it("agrees between js and wasm", async () => {
    for (const p of [1, 1.5, 3]) {
      const ref = await lpRegression(A, b, p, { backend: "js" });
      for (const v of variants) {
        await init({ variant: v });
        const res = await lpRegression(A, b, p);
        expect(Math.abs(res.objective / ref.objective - 1)).toBeLessThan(1e-9);
      }
    }
  });

  it("rejects bad input", async () => {
    await expectCode(() => lpRegression(A, b, 0), "INVALID_ARGUMENT");
    await expectCode(() => lpRegression(A, b.subarray(1), 1), "SHAPE");
    await expectCode(() => lpRegression(randn(3, 5, 1), [1, 2, 3], 1), "SHAPE");
    await expectCode(() => lpRegression(A, b, 1, { weights: new Float64Array(500).fill(-1) }), "INVALID_ARGUMENT");
    const dup = { rows: 4, cols: 2, data: new Float64Array([1, 1, 2, 2, 3, 3, 4, 4]) };
    await expectCode(() => lpRegression(dup, [1, 2, 3, 4], 1.5), "RANK");
    const ctl = new AbortController();
    await expectCode(() => lpRegression(A, b, 1.5, { signal: ctl.signal, onProgress: () => ctl.abort() }), "ABORTED");
  });
});

describe("lpObjective", () => {
  it("equals the definition and the objective lpRegression reports at its solution", async () => {
    const A = { rows: 3, cols: 1, data: new Float64Array([1, 2, 3]) };
    const b = new Float64Array([1, 1, 1]);
    expect(objectiveOf(A, b, [1], 1)).toBe(0 + 1 + 2);
    expect(objectiveOf(A, b, [1], 2, [1, 2, 3])).toBe(0 + 2 * 1 + 3 * 4);
    for (const p of [1, 2, 3]) {
      const fit = await lpRegression(A, b, p);
      expect(Math.abs(objectiveOf(A, b, fit.x, p) - fit.objective)).toBeLessThan(1e-9 * Math.max(1, fit.objective));
    }
    expect(() => objectiveOf(A, b, [1, 2], 1)).toThrow(expect.objectContaining({ code: "SHAPE" }));
    expect(() => objectiveOf(A, b, [1], 0)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
