// bpmf's noise "scaled": every row and column has a noise scale of its own.
// On ratings whose rows and columns differ in noise it must recover the
// noise-free matrix better than one shared noise precision; on both backends
// it gives the same model to rounding; the option is refused where it has no
// meaning.
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "@lowrank/linalg";
import { complete, init, rmse, type Observations } from "../src/index.js";
import { codeOf } from "./helpers.js";

beforeAll(async () => {
  await init();
});

/**
 * A rank-3 matrix plus biases, observed at about a fifth of its entries, with noise whose standard deviation is a
 * row's level times a column's: a quarter of the rows and of the columns are four times noisier than the rest.
 * Returns the training observations and, at other entries, the noise-free values.
 */
function heteroscedastic(n: number, m: number, seed: number): { train: Observations; truth: Observations } {
  const rng = new Rng(seed), r = 3;
  const U = rng.fillNormal(new Float64Array(n * r)), V = rng.fillNormal(new Float64Array(m * r));
  const level = (len: number) => Float64Array.from({ length: len }, () => (rng.uniform() < 0.25 ? 1.2 : 0.3));
  const rowNoise = level(n), colNoise = level(m);
  const value = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < r; t++) s += U[i * r + t] * V[j * r + t];
    return 0.6 * s + 0.3 * Math.sin(i) + 0.2 * Math.cos(j);
  };
  const tr = { i: [] as number[], j: [] as number[], v: [] as number[] }, te = { i: [] as number[], j: [] as number[], v: [] as number[] };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const u = rng.uniform();
      if (u < 0.2) {
        tr.i.push(i);
        tr.j.push(j);
        tr.v.push(value(i, j) + rowNoise[i] * colNoise[j] * 2 * rng.normal());
      } else if (u < 0.25) {
        te.i.push(i);
        te.j.push(j);
        te.v.push(value(i, j));
      }
    }
  }
  const obs = (o: typeof tr): Observations => ({ rows: n, cols: m, rowIndex: Int32Array.from(o.i), colIndex: Int32Array.from(o.j), values: Float64Array.from(o.v) });
  return { train: obs(tr), truth: obs(te) };
}

describe('bpmf noise "scaled"', () => {
  it("recovers a matrix whose rows and columns differ in noise better than one shared noise precision (by default)", async () => {
    for (const seed of [3, 4]) {
      const { train, truth } = heteroscedastic(150, 120, seed);
      const shared = rmse(await complete(train, { rank: 3, maxIter: 40, seed, noise: "shared" }), truth);
      const scaled = rmse(await complete(train, { rank: 3, maxIter: 40, seed }), truth);
      expect(scaled).toBeLessThan(0.9 * shared);
    }
  });

  it("is the default, and gives the same model on both backends (to rounding)", async () => {
    const { train } = heteroscedastic(60, 50, 5);
    const opts = { rank: 7, maxIter: 8, burnIn: 3, noise: "scaled" } as const;
    const wasm = await complete(train, { ...opts, backend: "wasm" }), js = await complete(train, { ...opts, backend: "js" });
    let diff = 0;
    for (let q = 0; q < wasm.U.length; q++) diff = Math.max(diff, Math.abs(wasm.U[q] - js.U[q]));
    expect(diff).toBeLessThan(1e-8);
    expect(wasm.history.map((h) => h.trainRmse)).toEqual(js.history.map((h) => expect.closeTo(h.trainRmse, 10)));
    // Other ranks take the kernels' general path.
    const w4 = await complete(train, { ...opts, rank: 4, backend: "wasm" }), j4 = await complete(train, { ...opts, rank: 4, backend: "js" });
    expect(w4.history[7].trainRmse).toBeCloseTo(j4.history[7].trainRmse, 10);
    // The default is the scaled noise: the same bits as asking for it, other bits than the shared noise's.
    const byDefault = await complete(train, { rank: 7, maxIter: 8, burnIn: 3 }), shared = await complete(train, { rank: 7, maxIter: 8, burnIn: 3, noise: "shared" });
    expect(Buffer.from(byDefault.U.buffer).equals(Buffer.from(wasm.U.buffer))).toBe(true);
    expect(Buffer.from(wasm.U.buffer).equals(Buffer.from(shared.U.buffer))).toBe(false);
  });

  it("is refused for other methods and for unknown values, on both backends", async () => {
    const { train } = heteroscedastic(30, 20, 6);
    for (const backend of ["wasm", "js"] as const) {
      expect(await codeOf(() => complete(train, { method: "als", noise: "scaled", backend }))).toBe("INVALID_ARGUMENT");
      expect(await codeOf(() => complete(train, { noise: "loud" as "scaled", backend }))).toBe("INVALID_ARGUMENT");
    }
  });
});
