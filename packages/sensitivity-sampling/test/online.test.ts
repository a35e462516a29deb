import { describe, expect, it } from "vitest";
import { heavyTailedRegression } from "@lowrank/datasets";
import { eigh, type DenseMatrix } from "@lowrank/linalg";
import { init, lpObjective, lpRegression, onlineLewisWeight, OnlineLeverageSampler, OnlineLewisSampler } from "../src/index.js";
import { expectCode, inverse, relDiff, variants } from "./helpers.js";

const slice = (A: DenseMatrix, from: number, to: number): DenseMatrix => ({ rows: to - from, cols: A.cols, data: A.data.subarray(from * A.cols, to * A.cols) });

describe("OnlineLeverageSampler", () => {
  it("scores each row against the rows before it: q_i = a_iᵀ (λI + Σ_{j<i} a_j a_jᵀ)⁻¹ a_i when every row is kept", async () => {
    const { A } = heavyTailedRegression(200, 4, { seed: 1 });
    const lambda = 0.5;
    const s = await OnlineLeverageSampler.create(4, { oversample: 1e15, lambda, backend: "js" });
    const { scores, indices, weights } = s.push(A);
    expect(indices.length).toBe(200);
    for (const w of weights) expect(w).toBe(1);
    const M = new Float64Array(16);
    for (let j = 0; j < 4; j++) M[j * 5] = lambda;
    for (let i = 0; i < 200; i++) {
      const H = inverse(4, M);
      let q = 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) q += A.data[i * 4 + a] * H[a * 4 + b] * A.data[i * 4 + b];
      expect(Math.abs(scores[i] / q - 1)).toBeLessThan(1e-8);
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) M[a * 4 + b] += A.data[i * 4 + a] * A.data[i * 4 + b];
    }
  });

  it("keeps about 1% of 20000 heavy-tailed rows and their weighted Gram matrix is within (0.5, 2) of AᵀA spectrally", async () => {
    const n = 20000, d = 5;
    const { A } = heavyTailedRegression(n, d, { seed: 2 });
    const s = await OnlineLeverageSampler.create(d, { seed: 3, backend: "js" });
    const kept: number[] = [], w: number[] = [];
    for (let st = 0; st < n; st += 1000) {
      const r = s.push(slice(A, st, st + 1000));
      kept.push(...r.indices);
      w.push(...r.weights);
    }
    expect(s.seen).toBe(n);
    expect(s.kept).toBe(kept.length);
    expect(kept.length).toBeLessThan(n / 20);
    const full = new Float64Array(d * d), G = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) full[a * d + b] += A.data[i * d + a] * A.data[i * d + b];
    kept.forEach((i, k) => {
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) G[a * d + b] += w[k] * A.data[i * d + a] * A.data[i * d + b];
    });
    // Eigenvalues of full^(-1/2) G full^(-1/2) through full's eigen-decomposition.
    const E = eigh({ rows: d, cols: d, data: full }, { backend: "js" });
    const V = E.vectors.data;
    const W = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let t = 0;
      for (let x = 0; x < d; x++) for (let y = 0; y < d; y++) t += V[x * d + a] * G[x * d + y] * V[y * d + b];
      W[a * d + b] = t / Math.sqrt(E.values[a] * E.values[b]);
    }
    const ev = eigh({ rows: d, cols: d, data: W }, { backend: "js" }).values;
    expect(ev[d - 1]).toBeGreaterThan(0.5);
    expect(ev[0]).toBeLessThan(2);
  });

  it("gives the same decisions for any batching and on js and every wasm variant", async () => {
    const { A } = heavyTailedRegression(3000, 6, { seed: 4 });
    const ref = await OnlineLeverageSampler.create(6, { seed: 5, backend: "js" });
    const r0 = ref.push(A);
    const small = await OnlineLeverageSampler.create(6, { seed: 5, backend: "js", batchSize: 256 });
    const r1 = [small.push(slice(A, 0, 1000)), small.push(slice(A, 1000, 3000))];
    expect([...r1[0].indices, ...r1[1].indices]).toEqual([...r0.indices]);
    for (const v of variants) {
      await init({ variant: v });
      const s = await OnlineLeverageSampler.create(6, { seed: 5 });
      const r = s.push(A);
      expect([...r.indices]).toEqual([...r0.indices]);
      expect(relDiff(r.scores, r0.scores)).toBeLessThan(1e-10);
    }
  });

  it("rejects rows of the wrong width, NaN and bad options", async () => {
    const s = await OnlineLeverageSampler.create(3, { backend: "js" });
    await expectCode(() => s.push({ rows: 1, cols: 2, data: new Float64Array(2) }), "SHAPE");
    await expectCode(() => s.push({ rows: 1, cols: 3, data: new Float64Array([1, NaN, 2]) }), "NON_FINITE");
    await expectCode(() => OnlineLeverageSampler.create(0), "INVALID_ARGUMENT");
    await expectCode(() => OnlineLeverageSampler.create(3, { oversample: 0 }), "INVALID_ARGUMENT");
    await expectCode(() => OnlineLeverageSampler.create(3, { lambda: -1 }), "INVALID_ARGUMENT");
  });
});

describe("OnlineLewisSampler (online l_p sensitivity sampling)", () => {
  it("gives each row its online Lewis weight w_i^(2/p) = a_iᵀ(M_(i-1) + w_i^(1-2/p) a_i a_iᵀ)⁻¹a_i when every row is kept", async () => {
    const { A } = heavyTailedRegression(150, 4, { seed: 6 });
    const lambda = 0.3;
    for (const p of [1, 3]) {
      const s = await OnlineLewisSampler.create(4, { p, oversample: 1e15, lambda, backend: "js" });
      const { scores, indices } = s.push(A);
      expect(indices.length).toBe(150);
      const M = new Float64Array(16);
      for (let j = 0; j < 4; j++) M[j * 5] = lambda;
      for (let i = 0; i < 150; i++) {
        const w = scores[i], vi = w ** (1 - 2 / p);
        const Mi = Float64Array.from(M);
        for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) Mi[a * 4 + b] += vi * A.data[i * 4 + a] * A.data[i * 4 + b];
        const H = inverse(4, Mi);
        let q = 0;
        for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) q += A.data[i * 4 + a] * H[a * 4 + b] * A.data[i * 4 + b];
        expect(Math.abs(w ** (2 / p) / q - 1)).toBeLessThan(1e-8);
        for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) M[a * 4 + b] += vi * A.data[i * 4 + a] * A.data[i * 4 + b];
      }
    }
  });

  it("solves the scalar equation: w^(2/p) + w s = s, and w = s/(1+s) at p = 2", () => {
    for (const p of [0.5, 1, 2, 3, 6]) {
      for (const s of [1e-12, 1e-3, 0.5, 3, 1e6]) {
        const w = onlineLewisWeight(s, p);
        expect(w).toBeGreaterThan(0);
        expect(w).toBeLessThanOrEqual(1);
        expect(Math.abs((w ** (2 / p) + w * s) / s - 1)).toBeLessThan(1e-12);
      }
    }
    expect(onlineLewisWeight(0.25, 2)).toBeCloseTo(0.2, 15);
    expect(onlineLewisWeight(0, 1)).toBe(0);
  });

  it.each([1, 1.5, 3])("streams [A | b] with bounded memory and the kept rows solve l_p regression to ratio <= 1.1 (p = %s)", async (p) => {
    const n = 60000, d = 6;
    const { A, b } = heavyTailedRegression(n, d, { seed: 7 });
    const Ab = new Float64Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      Ab.set(A.data.subarray(i * d, i * d + d), i * (d + 1));
      Ab[i * (d + 1) + d] = b[i];
    }
    const s = await OnlineLewisSampler.create(d + 1, { p, oversample: 8, seed: 2, batchSize: 2048 });
    const mem = s.memoryBytes;
    const kept: number[] = [], w: number[] = [];
    for (let st = 0; st < n; st += 5000) {
      const r = s.push({ rows: 5000, cols: d + 1, data: Ab.subarray(st * (d + 1), (st + 5000) * (d + 1)) });
      kept.push(...r.indices);
      w.push(...r.weights);
    }
    expect(s.memoryBytes).toBe(mem);
    expect(s.seen).toBe(n);
    expect(kept.length).toBeLessThan(n / 20);
    const sub = new Float64Array(kept.length * d), sb = new Float64Array(kept.length);
    kept.forEach((i, k) => {
      sub.set(A.data.subarray(i * d, i * d + d), k * d);
      sb[k] = b[i];
    });
    const full = await lpRegression(A, b, p);
    const fit = await lpRegression({ rows: kept.length, cols: d, data: sub }, sb, p, { weights: Float64Array.from(w) });
    expect(lpObjective(A, b, fit.x, p) / full.objective).toBeLessThan(1.1);
  });

  // With the default λ (1e-10 of the largest squared row norm) the first updates of H = I/λ cancel about
  // ten digits, so the ulp differences of host and AssemblyScript pow reach 1e-8; with λ = 0.01 they stay at 1e-10.
  it.each([[0.01, 1e-10], [undefined, 1e-6]] as const)("agrees between js and every wasm variant (λ = %s, %s) and does not depend on batching", async (lambda, tol) => {
    const { A } = heavyTailedRegression(3000, 5, { seed: 8 });
    const ref = await OnlineLewisSampler.create(5, { p: 1.5, seed: 4, lambda, backend: "js" });
    const r0 = ref.push(A);
    const small = await OnlineLewisSampler.create(5, { p: 1.5, seed: 4, lambda, backend: "js", batchSize: 100 });
    const r1 = small.push(A);
    expect([...r1.indices]).toEqual([...r0.indices]);
    for (const v of variants) {
      await init({ variant: v });
      const s = await OnlineLewisSampler.create(5, { p: 1.5, seed: 4, lambda });
      const r = s.push(A);
      expect([...r.indices]).toEqual([...r0.indices]);
      expect(relDiff(r.scores, r0.scores)).toBeLessThan(tol);
      expect(relDiff(r.weights, r0.weights)).toBeLessThan(tol);
    }
  });

  it("rejects p <= 0 and bad options", async () => {
    await expectCode(() => OnlineLewisSampler.create(3, { p: 0 }), "INVALID_ARGUMENT");
    await expectCode(() => OnlineLewisSampler.create(3, { p: -1 }), "INVALID_ARGUMENT");
    await expectCode(() => OnlineLewisSampler.create(3, { p: 1, oversample: -2 }), "INVALID_ARGUMENT");
  });
});
