// method "bpmf": the Gibbs sampler's averaged model, its options and their
// refusals on both backends, determinism, and the model's other uses
// (foldIn, the saved forms, recommend). Agreement of the backends is in
// agreement.test.ts, thread counts in threads.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { complete, CompletionModel, foldIn, init, rmse, trainTestSplit, type CompleteOptions, type Observations } from "../src/index.js";
import { codeOf } from "./helpers.js";
import { keepEvery, keptSamples } from "../src/bpmf.js";
import { syntheticRatings } from "./synthetic-ratings.js";

beforeAll(async () => {
  await init();
});

const small = syntheticRatings({ users: 120, items: 160, ratings: 4000, seed: 21 }).observations;

describe("bpmf", () => {
  it("predicts the average of its kept samples: the model's RMSE is the averaged one the history records", async () => {
    const { train, test } = trainTestSplit(small, { fraction: 0.2, seed: 1 });
    for (const backend of ["wasm", "js"] as const) {
      const model = await complete(train, { method: "bpmf", rank: 4, maxIter: 9, burnIn: 4, clip: false, validation: test, backend });
      // Five kept samples side by side.
      expect(model.method).toBe("bpmf");
      expect(model.rank).toBe(4 * 5);
      expect(model.history.length).toBe(9);
      const last = model.history[8];
      // trainRmse is the averaged prediction's, summed over the samples as the run went; the model's factors give the same.
      expect(rmse(model, train)).toBeCloseTo(last.trainRmse, 10);
      expect(rmse(model, test)).toBeCloseTo(last.validationRmse!, 10);
      expect(model.residual).toBe(last.trainRmse);
      // tol 0 (the default) runs every sweep: maxIter stopped it.
      expect(model.converged).toBe(false);
    }
  });

  it("beats ALS with its hold-out lambda on MovieLens-sized-down synthetic ratings, with no lambda to choose", async () => {
    const obs = syntheticRatings({ users: 300, items: 500, ratings: 20_000, rank: 15, taste: 0.6, noise: 0.88, seed: 31 }).observations;
    const { train, test } = trainTestSplit(obs, { fraction: 0.2, seed: 31 });
    const bayes = rmse(await complete(train, { method: "bpmf" }), test);
    const als = rmse(await complete(train, { lambda: "auto" }), test);
    expect(bayes).toBeLessThan(als - 0.005);
  });

  it("is seeded: the same seed gives the same bits, another seed another model", async () => {
    const opts: CompleteOptions = { method: "bpmf", rank: 3, maxIter: 4, burnIn: 2 };
    const a = await complete(small, { ...opts, seed: 5 }), b = await complete(small, { ...opts, seed: 5 }), c = await complete(small, { ...opts, seed: 6 });
    expect(Buffer.from(b.U.buffer).equals(Buffer.from(a.U.buffer))).toBe(true);
    expect(Buffer.from(b.colBias.buffer).equals(Buffer.from(a.colBias.buffer))).toBe(true);
    expect(Buffer.from(c.U.buffer).equals(Buffer.from(a.U.buffer))).toBe(false);
  });

  it("is the default method; 30 to 100 sweeps by size; burnIn defaults to 5 (maxIter - 1 when that is less); tol stops once the averaged RMSE settles", async () => {
    // 4000 observations: 100 sweeps (30 · 80000 / 4000, at most 100).
    const byDefault = await complete(small, { rank: 2 });
    expect(byDefault.method).toBe("bpmf");
    expect(byDefault.history.length).toBe(100);
    expect(byDefault.rank).toBe(2 * 95);
    // (80k observations and more: 30 sweeps, held by als.test.ts's default fits.)
    // lambda without a method is ALS's option, and selects it.
    expect((await complete(small, { rank: 2, lambda: 0.1 })).method).toBe("als");
    expect((await complete(small, { rank: 2, biasLambda: 3 })).method).toBe("als");
    expect((await complete(small, { method: "bpmf", rank: 2, maxIter: 12 })).rank).toBe(2 * 7);
    expect((await complete(small, { method: "bpmf", rank: 2, maxIter: 3 })).rank).toBe(2);
    expect((await complete(small, { method: "bpmf", rank: 2, maxIter: 3, burnIn: 0 })).rank).toBe(2 * 3);
    const early = await complete(small, { method: "bpmf", rank: 2, maxIter: 60, burnIn: 2, tol: 1e-2 });
    const h = early.history;
    expect(early.converged).toBe(true);
    expect(h.length).toBeLessThan(60);
    expect(Math.abs(h[h.length - 1].trainRmse - h[h.length - 2].trainRmse)).toBeLessThanOrEqual(1e-2 * h[h.length - 2].trainRmse);
    expect(early.rank).toBe(2 * (h.length - 2));
    // Stopped early, the model is the average of the samples it kept: the run of exactly that many sweeps, to rounding.
    const full = await complete(small, { method: "bpmf", rank: 2, maxIter: h.length, burnIn: 2 });
    expect(full.rank).toBe(early.rank);
    for (const [i, j] of [[0, 0], [3, 7], [17, 2], [40, 33]]) {
      expect(Math.abs(early.predict(i, j) - full.predict(i, j))).toBeLessThanOrEqual(1e-12 * Math.abs(full.predict(i, j)));
    }
  });

  it("keeps every sweep after the burn-in unless the samples would pass 2^26 doubles, then every t-th", () => {
    const s = { maxIter: 30, burnIn: 5, k: 10 };
    expect([keepEvery(s, 943, 1682), keptSamples(s, 943, 1682)]).toEqual([1, 25]);
    // 1.1e6 rows and columns at k = 10: 25 samples would be 2.75e8 doubles; 6 fit, so every 5th sweep (5 samples).
    expect([keepEvery(s, 1e6, 1e5), keptSamples(s, 1e6, 1e5)]).toEqual([5, 5]);
    expect(keptSamples(s, 1e6, 1e5) * (1e6 + 1e5) * 10).toBeLessThanOrEqual(2 ** 26);
    // Beyond even one sample per run: one kept.
    expect(keptSamples({ maxIter: 30, burnIn: 5, k: 1024 }, 2 ** 20, 2 ** 20)).toBe(1);
  });

  it("a row and a column without observations get zero factors and biases, never NaN", async () => {
    const obs: Observations = {
      rows: 4, cols: 4,
      rowIndex: Int32Array.of(0, 0, 1, 1, 2, 2, 0),
      colIndex: Int32Array.of(0, 1, 0, 1, 0, 2, 2),
      values: Float64Array.of(5, 3, 4, 2, 1, 4, 5),
    };
    for (const backend of ["wasm", "js"] as const) {
      const model = await complete(obs, { method: "bpmf", rank: 2, maxIter: 5, backend });
      const r = model.rank;
      expect(Array.from(model.U.subarray(3 * r, 4 * r)).every((x) => x === 0)).toBe(true);
      expect(model.rowBias[3]).toBe(0);
      expect(model.colBias[3]).toBe(0);
      expect(model.predict(3, 3)).toBe(model.globalMean);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Number.isFinite(model.predict(i, j))).toBe(true);
    }
  });

  it("the same averaged model on any scale of the values (they are standardised for the run)", async () => {
    const a = await complete(small, { method: "bpmf", rank: 3, maxIter: 4, burnIn: 1, clip: false });
    const scaled = { ...small, values: small.values.map((v) => 1e6 * v - 3e6) };
    const b = await complete(scaled, { method: "bpmf", rank: 3, maxIter: 4, burnIn: 1, clip: false });
    for (let q = 0; q < 50; q++) expect(b.predict(q, q + 1)).toBeCloseTo(1e6 * a.predict(q, q + 1) - 3e6, 1);
    // foldIn's ridge on the factors scales with the values (u and v each carry the square root of the scale).
    expect(b.regularization.lambda / a.regularization.lambda).toBeCloseTo(1e6, 0);
    expect(b.regularization.biasLambda).toBeCloseTo(a.regularization.biasLambda, 6);
  });

  it("refuses, on both backends, lambda and biasLambda with bpmf, burnIn with another method or not below maxIter", async () => {
    for (const backend of ["wasm", "js"] as const) {
      const bad: CompleteOptions[] = [
        { method: "bpmf", lambda: 0.1 }, { method: "bpmf", lambda: "auto" }, { method: "bpmf", biasLambda: 5 },
        { lambda: 0.1, burnIn: 3 }, { method: "als", burnIn: 3 }, { method: "altmin", burnIn: 3 }, { method: "bpmf", maxIter: 5, burnIn: 5 }, { method: "bpmf", burnIn: 100 },
        { method: "bpmf", burnIn: -1 }, { method: "bpmf", burnIn: 1.5 }, { method: "bpmf", burnIn: "2" as never }, { method: "bpmf", burnIn: 1001 },
        { method: "bpmf", maxIter: 0 }, { method: "bpmf", tol: -1 }, { method: "bpmf", tol: NaN },
      ];
      for (const o of bad) expect(await codeOf(() => complete(small, { rank: 2, backend, ...o })), JSON.stringify(o)).toBe("INVALID_ARGUMENT");
      // burnIn 0 keeps every sweep.
      expect(await codeOf(() => complete(small, { rank: 2, backend, method: "bpmf", maxIter: 2, burnIn: 0 }))).toBe("none");
    }
  });

  it("stops at an abort between sweeps and reports every sweep", async () => {
    const c = new AbortController();
    const seen: number[] = [];
    const run = complete(small, { method: "bpmf", rank: 2, maxIter: 50, signal: c.signal, onProgress: (r) => (seen.push(r.iteration), r.iteration === 3 && c.abort()) });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("folds in a new user, saves and loads bit-identically, and recommends", async () => {
    const model = await complete(small, { method: "bpmf", rank: 3, maxIter: 6, burnIn: 3 });
    const back = [CompletionModel.fromJSON(JSON.stringify(model)), CompletionModel.fromBytes(model.toBytes())];
    const p = model.predictMany(small.rowIndex, small.colIndex);
    for (const m of back) {
      expect(m.method).toBe("bpmf");
      expect(Buffer.from(m.predictMany(small.rowIndex, small.colIndex).buffer).equals(Buffer.from(p.buffer))).toBe(true);
      expect(m.recommend(7, 5)).toEqual(model.recommend(7, 5));
    }
    const rec = model.recommend(0, 5);
    expect(rec.items.length).toBe(5);
    for (let t = 1; t < 5; t++) expect(rec.scores[t]).toBeLessThanOrEqual(rec.scores[t - 1]);
    // Row 0's ratings folded in as a new user: its predictions of them are closer than the bias-only ones.
    const cols: number[] = [], vals: number[] = [];
    for (let q = 0; q < small.values.length; q++) if (small.rowIndex[q] === 0) (cols.push(small.colIndex[q]), vals.push(small.values[q]));
    const bigger = foldIn(model, { colIndex: cols, values: vals });
    const r = model.rows;
    let fit = 0, base = 0;
    cols.forEach((j, q) => {
      fit += (bigger.predict(r, j) - vals[q]) ** 2;
      base += (model.globalMean + model.colBias[j] - vals[q]) ** 2;
    });
    expect(fit).toBeLessThan(base);
    expect(model.regularization.lambda).toBeGreaterThan(0);
    expect(model.regularization.weighted).toBe(false);
  });
});
