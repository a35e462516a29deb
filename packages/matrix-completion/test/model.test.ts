import { describe, expect, it } from "vitest";
import { complete, foldIn, parseRatings, rmse, trainTestSplit, type Observations } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const small = syntheticRatings({ users: 120, items: 160, ratings: 4000, seed: 12 }).observations;

describe("model", () => {
  it("predict, predictMany and rmse agree with globalMean + biases + U_i · V_j, clamped to the rating range", async () => {
    const model = await complete(small, { rank: 4, lambda: 0.1, maxIter: 5 });
    const k = model.rank;
    const rows = [0, 5, 119, 7], cols = [3, 159, 0, 7];
    const many = model.predictMany(rows, cols);
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q], j = cols[q];
      let s = model.globalMean + model.rowBias[i] + model.colBias[j];
      for (let t = 0; t < k; t++) s += model.U[i * k + t] * model.V[j * k + t];
      expect(many[q]).toBeCloseTo(Math.min(5, Math.max(1, s)), 12);
      expect(model.predict(i, j)).toBe(many[q]);
    }
    expect(model.clip).toEqual([1, 5]);
    const p = model.predictMany(small.rowIndex, small.colIndex);
    let sse = 0;
    for (let q = 0; q < p.length; q++) sse += (p[q] - small.values[q]) ** 2;
    expect(rmse(model, small)).toBeCloseTo(Math.sqrt(sse / p.length), 12);
  });

  it("recommend returns the n best-scored columns, excluding observed ones by default", async () => {
    const model = await complete(small, { rank: 4, lambda: 0.1, maxIter: 5 });
    const i = 3;
    const seen = new Set<number>();
    for (let q = 0; q < small.values.length; q++) if (small.rowIndex[q] === i) seen.add(small.colIndex[q]);
    const { items, scores } = model.recommend(i, 10);
    expect(items.length).toBe(10);
    for (const j of items) expect(seen.has(j)).toBe(false);
    for (let t = 1; t < 10; t++) expect(scores[t]).toBeLessThanOrEqual(scores[t - 1]);
    // Brute force over all unseen columns: the same ten.
    const all = Array.from({ length: model.cols }, (_, j) => j).filter((j) => !seen.has(j));
    all.sort((a, b) => model.predict(i, b) - model.predict(i, a) || a - b);
    expect(Array.from(items)).toEqual(all.slice(0, 10));
    const none = model.recommend(i, 5, { exclude: "none" });
    expect(none.scores[0]).toBeGreaterThanOrEqual(scores[0]);
    const listed = model.recommend(i, 3, { exclude: [items[0]] });
    expect(Array.from(listed.items)).not.toContain(items[0]);
    expect(model.recommend(i, 0).items.length).toBe(0);
  });

  it("foldIn of an existing row's observations reproduces that row (it is the same ALS half-step)", async () => {
    const model = await complete(small, { rank: 5, lambda: 0.1, maxIter: 6, tol: 0 });
    const i = 17;
    const colIndex: number[] = [], values: number[] = [];
    for (let q = 0; q < small.values.length; q++) {
      if (small.rowIndex[q] === i) {
        colIndex.push(small.colIndex[q]);
        values.push(small.values[q]);
      }
    }
    const bigger = foldIn(model, { colIndex, values });
    expect(bigger.rows).toBe(model.rows + 1);
    const k = model.rank, last = model.rows;
    for (let t = 0; t < k; t++) expect(bigger.U[last * k + t]).toBeCloseTo(model.U[i * k + t], 10);
    expect(bigger.rowBias[last]).toBeCloseTo(model.rowBias[i], 10);
    expect(bigger.predict(last, 9)).toBeCloseTo(model.predict(i, 9), 10);
    // The new row's own columns are excluded from its recommendations.
    for (const j of bigger.recommend(last, 20).items) expect(colIndex).not.toContain(j);
    expect(model.rows).toBe(120);
  });

  it("trainTestSplit is a seeded partition of the observations", () => {
    const { train, test } = trainTestSplit(small, { fraction: 0.25, seed: 4 });
    expect(test.values.length).toBe(Math.round(0.25 * small.values.length));
    expect(train.values.length + test.values.length).toBe(small.values.length);
    const key = (o: Observations, q: number) => o.rowIndex[q] * o.cols + o.colIndex[q];
    const a = new Set(Array.from({ length: train.values.length }, (_, q) => key(train, q)));
    for (let q = 0; q < test.values.length; q++) expect(a.has(key(test, q))).toBe(false);
    expect(trainTestSplit(small, { fraction: 0.25, seed: 4 }).test.rowIndex).toEqual(test.rowIndex);
    expect(trainTestSplit(small, { fraction: 0.25, seed: 5 }).test.rowIndex).not.toEqual(test.rowIndex);
  });

  it("parseRatings reads MovieLens lines (tabs, ::, CSV with a header) and remaps ids in order of appearance", () => {
    const tab = parseRatings("196\t242\t3\t881250949\n186\t302\t3\t891717742\n\n196\t377\t1\t878887116\n");
    expect(tab.observations.rows).toBe(2);
    expect(tab.observations.cols).toBe(3);
    expect(Array.from(tab.observations.rowIndex)).toEqual([0, 1, 0]);
    expect(Array.from(tab.observations.colIndex)).toEqual([0, 1, 2]);
    expect(Array.from(tab.observations.values)).toEqual([3, 3, 1]);
    expect(tab.rowIds).toEqual(["196", "186"]);
    expect(tab.colMap.get("377")).toBe(2);
    expect(tab.timestamps![2]).toBe(878887116);
    const ml1m = parseRatings("1::1193::5::978300760\n1::661::3::978302109\n");
    expect(Array.from(ml1m.observations.values)).toEqual([5, 3]);
    const csv = parseRatings("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n2,31,4\n");
    expect(Array.from(csv.observations.values)).toEqual([2.5, 4]);
    // A line without a timestamp: the column is not complete, so there are none (null rather than a NaN placeholder).
    expect(csv.timestamps).toBeNull();
    const semi = parseRatings("a;b;4\nc;b;2\n", { delimiter: ";" });
    expect(semi.colIds).toEqual(["b"]);
  });
});
