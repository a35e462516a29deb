import { describe, expect, it } from "vitest";
import { complete, compress, init, LowrankError, rmse, trainTestSplit, type CompletionModel } from "../src/index.js";
import { syntheticRatings } from "./synthetic-ratings.js";

const obs = syntheticRatings({ users: 120, items: 160, ratings: 4000, seed: 21 }).observations;

/** U Vᵀ of a model, rows x cols. */
function product(m: CompletionModel): Float64Array {
  const P = new Float64Array(m.rows * m.cols), r = m.rank;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += m.U[i * r + t] * m.V[j * r + t];
      P[i * m.cols + j] = s;
    }
  }
  return P;
}

const relDiff = (a: Float64Array, b: Float64Array) => {
  let d = 0, n = 0;
  for (let q = 0; q < a.length; q++) {
    d += (a[q] - b[q]) ** 2;
    n += b[q] ** 2;
  }
  return Math.sqrt(d / n);
};

describe("compress", () => {
  it("cuts a bpmf model to the fewest directions within tol of its factor product, keeping everything else", async () => {
    await init();
    const { train, test } = trainTestSplit(obs, { fraction: 0.2, seed: 2 });
    const model = await complete(train, { rank: 4, maxIter: 30 });
    const full = product(model);
    for (const tol of [0.01, 0.03, 0.1]) {
      const small = compress(model, { tol });
      expect(small.rank).toBeLessThan(model.rank);
      expect(relDiff(product(small), full)).toBeLessThanOrEqual(tol * (1 + 1e-9));
      expect(small.rowBias).toEqual(model.rowBias);
      expect(small.colBias).toEqual(model.colBias);
      expect([small.method, small.globalMean, small.clip]).toEqual([model.method, model.globalMean, model.clip]);
      // A tighter tol keeps more directions and holds to it.
      const tighter = compress(model, { tol: tol / 4 });
      expect(tighter.rank).toBeGreaterThan(small.rank);
      expect(relDiff(product(tighter), full)).toBeLessThanOrEqual((tol / 4) * (1 + 1e-9));
    }
    const dflt = compress(model);
    expect(Math.abs(rmse(dflt, test) - rmse(model, test))).toBeLessThan(2e-3);
  });

  it("at tol 0 keeps the product to rounding, on both backends alike", async () => {
    const model = await complete(obs, { method: "als", rank: 5, lambda: 0.1, maxIter: 5 });
    const full = product(model);
    const w = compress(model, { tol: 0 }), j = compress(model, { tol: 0, backend: "js" });
    expect(w.rank).toBe(5);
    expect(relDiff(product(w), full)).toBeLessThan(1e-12);
    expect(relDiff(product(j), product(w))).toBeLessThan(1e-12);
  });

  it("refuses what is not a model and options out of range", async () => {
    const model = await complete(obs, { method: "als", rank: 2, lambda: 0.1, maxIter: 2 });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof LowrankError ? e.code : "other";
      }
      return "none";
    };
    expect(code(() => compress({} as CompletionModel))).toBe("INVALID_ARGUMENT");
    expect(code(() => compress(model, { tol: 1 }))).toBe("INVALID_ARGUMENT");
    expect(code(() => compress(model, { tol: -0.1 }))).toBe("INVALID_ARGUMENT");
    expect(code(() => compress(model, { tol: NaN }))).toBe("INVALID_ARGUMENT");
    expect(code(() => compress(model, { tolerance: 0.1 } as never))).toBe("INVALID_ARGUMENT");
  });
});
