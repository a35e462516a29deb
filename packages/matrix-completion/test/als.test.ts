import { lowRankMatrix, observe } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { complete, init, rmse, trainTestSplit, type Observations } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";

beforeAll(async () => {
  await init();
});

/** RMSE of predicting every test value by the training mean. */
function meanBaseline(train: Observations, test: Observations): number {
  let mu = 0;
  for (const v of train.values) mu += v;
  mu /= train.values.length;
  let s = 0;
  for (const v of test.values) s += (v - mu) ** 2;
  return Math.sqrt(s / test.values.length);
}

describe("als", () => {
  it("on noisy rank-4 data (noise 0.3) gets held-out RMSE near the noise floor, far below the mean baseline", async () => {
    const { M } = lowRankMatrix(300, 200, 4, { seed: 31, noise: 0.3 });
    const { train, test } = trainTestSplit(observe(M, 0.3, { seed: 32 }), { fraction: 0.2, seed: 33 });
    const model = await complete(train, { rank: 4, lambda: 0.02, biases: false, clip: false });
    const base = meanBaseline(train, test);
    const err = rmse(model, test);
    expect(base).toBeGreaterThan(0.9);
    expect(err).toBeLessThan(0.4);
  });

  // Held-out RMSE of the defaults on MovieLens-100K-sized synthetic ratings. Seeds 41 and 42 were never used
  // to choose the defaults (the lambda ladder was looked at on seeds 1-4 and 11-25, bpmf's sweeps on 1-3 of
  // the MovieLens-like set of bench/bpmf.bench.ts); the bias-only baseline is the same model with maxIter 1
  // and a lambda so large that the factors vanish. The default (bpmf) is also held to beat ALS with its
  // hold-out lambda on seed 41 (0.8745 against 0.8836 when written).
  for (const [seed, settings] of [[41, {}], [42, { taste: 0.7, noise: 0.8, rank: 10 }]] as const) {
    it(`default complete() beats the bias-only baseline on ~100k 1-5 star ratings (seed ${seed})`, async () => {
      const { observations } = syntheticRatings({ seed, ...settings });
      const { train, test } = trainTestSplit(observations, { fraction: 0.2, seed });
      const model = await complete(train);
      const baseline = await complete(train, { lambda: 1e6, maxIter: 1 });
      const err = rmse(model, test), base = rmse(baseline, test);
      // bpmf at its default rank 7: 25 kept samples side by side.
      expect(model.method).toBe("bpmf");
      expect(model.rank).toBe(7 * 25);
      expect(err).toBeLessThan(base - 0.01);
      expect(err).toBeLessThan(0.93);
      for (let q = 0; q < 50; q++) expect(Number.isFinite(model.predict(q, q))).toBe(true);
      if (seed === 41) {
        const als = await complete(train, { lambda: "auto" });
        expect(als.method).toBe("als");
        expect(rmse(als, test)).toBeLessThan(base - 0.01);
        expect(err).toBeLessThan(rmse(als, test) - 0.004);
      }
    });
  }

  // Other sizes, densities and noisier ratings (noise sd 0.9 before rounding): a 600 x 1000 set with 50k ratings and
  // a 1500 x 2500 set with 150k. Seeds 81 and 82 were first run by this test (71-74 with the same settings were
  // looked at while writing it: default 0.935-0.960 against bias-only 0.964-1.006). The bound is fixed, not relative.
  for (const [seed, settings] of [
    [81, { users: 600, items: 1000, ratings: 50_000, noise: 0.9 }],
    [82, { users: 1500, items: 2500, ratings: 150_000, taste: 0.6, noise: 0.9 }],
  ] as const) {
    it(`default complete() beats the bias-only baseline on noisier ratings of another size (seed ${seed})`, async () => {
      const { observations } = syntheticRatings({ seed, ...settings });
      const { train, test } = trainTestSplit(observations, { fraction: 0.2, seed });
      const model = await complete(train);
      const baseline = await complete(train, { lambda: 1e6, maxIter: 1 });
      const err = rmse(model, test), base = rmse(baseline, test);
      expect(err).toBeLessThan(base - 0.01);
      expect(err).toBeLessThan(0.97);
    });
  }

  it("predicts a row and a column with no observations from the biases, never NaN", async () => {
    const obs: Observations = {
      rows: 4, cols: 4,
      rowIndex: Int32Array.of(0, 0, 1, 1, 2, 2, 0),
      colIndex: Int32Array.of(0, 1, 0, 1, 0, 2, 2),
      values: Float64Array.of(5, 3, 4, 2, 1, 4, 5),
    };
    for (const backend of ["wasm", "js"] as const) {
      const model = await complete(obs, { rank: 2, lambda: 0.1, backend });
      // Row 3 and column 3 have no observations: U_3 = 0, V_3 = 0 and their biases are 0.
      expect(Array.from(model.U.subarray(6, 8))).toEqual([0, 0]);
      expect(model.rowBias[3]).toBe(0);
      expect(model.colBias[3]).toBe(0);
      expect(model.predict(3, 1)).toBeCloseTo(model.globalMean + model.colBias[1], 12);
      expect(model.predict(3, 3)).toBeCloseTo(model.globalMean, 12);
      expect(model.predict(1, 3)).toBeCloseTo(model.globalMean + model.rowBias[1], 12);
    }
  });

  it("records loss, training and validation RMSE and time per iteration, and reports progress", async () => {
    const { observations } = syntheticRatings({ users: 200, items: 300, ratings: 8000, seed: 5 });
    const { train, test } = trainTestSplit(observations, { fraction: 0.2, seed: 5 });
    const seen: number[] = [];
    const t0 = performance.now();
    const model = await complete(train, { lambda: 0.1, maxIter: 6, tol: 0, validation: test, onProgress: (r) => seen.push(r.iteration) });
    const elapsed = performance.now() - t0;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(model.history.length).toBe(6);
    // Each iteration's time is a positive part of the call's own time.
    expect(model.history.reduce((a, h) => a + h.ms, 0)).toBeLessThanOrEqual(elapsed);
    for (const h of model.history) {
      expect(h.ms).toBeGreaterThan(0);
      expect(h.validationRmse).toBeGreaterThan(0);
    }
    // tol 0 never stops the run: maxIter did, so the fit says it did not converge; the residual is the last training RMSE.
    expect(model.converged).toBe(false);
    expect(model.residual).toBe(model.history[5].trainRmse);
    expect(model.kind).toBe("completion-model");
    // Each half-step is an exact minimiser of the ALS-WR objective, so the loss never rises.
    for (let t = 1; t < 6; t++) expect(model.history[t].loss).toBeLessThanOrEqual(model.history[t - 1].loss * (1 + 1e-12));
    expect(model.history[5].validationRmse).toBeCloseTo(rmse(model, test), 10);
  });

  it("stops early once the loss improves by less than tol", async () => {
    const { observations } = syntheticRatings({ users: 200, items: 300, ratings: 8000, seed: 6 });
    const model = await complete(observations, { lambda: 0.1, maxIter: 200, tol: 1e-3 });
    expect(model.history.length).toBeLessThan(200);
    const h = model.history;
    expect(h[h.length - 2].loss - h[h.length - 1].loss).toBeLessThanOrEqual(1e-3 * h[h.length - 2].loss);
    expect(model.converged).toBe(true);
    expect(model.residual).toBe(h[h.length - 1].trainRmse);
  });
});
