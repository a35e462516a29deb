import { describe, expect, it } from "vitest";
import {
  cpTensor,
  heavyTailedRegression,
  lowRankMatrix,
  observationMask,
  observe,
  trTensor,
  ttTensor,
  tuckerTensor,
} from "../src/index.js";
import { expectLowrankError } from "./helpers/expect-error.js";
import { numericalRank, unfold } from "./helpers/rank.js";

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function orthonormalityError(rows: number, cols: number, d: Float64Array): number {
  let err = 0;
  for (let a = 0; a < cols; a++)
    for (let b = 0; b < cols; b++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += d[i * cols + a] * d[i * cols + b];
      err = Math.max(err, Math.abs(dot - (a === b ? 1 : 0)));
    }
  return err;
}

describe("lowRankMatrix", () => {
  it("has exactly the requested rank and orthonormal factors", () => {
    const { M, U, V, singularValues } = lowRankMatrix(60, 40, 5, { seed: 1, condition: 100 });
    expect([M.rows, M.cols]).toEqual([60, 40]);
    expect(numericalRank(60, 40, M.data)).toBe(5);
    expect(orthonormalityError(60, 5, U.data)).toBeLessThan(1e-12);
    expect(orthonormalityError(40, 5, V.data)).toBeLessThan(1e-12);
    expect(singularValues[0] / singularValues[4]).toBeCloseTo(100, 8);
    let ss = 0;
    for (const v of M.data) ss += v * v;
    expect(ss / M.data.length).toBeCloseTo(1, 10);
  });

  it("reconstructs M from U diag(s) V^T", () => {
    const { M, U, V, singularValues: s } = lowRankMatrix(7, 9, 3, { seed: 2 });
    const R = new Float64Array(63);
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 9; j++)
        for (let k = 0; k < 3; k++) R[i * 9 + j] += U.data[i * 3 + k] * s[k] * V.data[j * 3 + k];
    expect(maxAbsDiff(R, M.data)).toBeLessThan(1e-12);
  });

  it("coherent factors confine M to an r x r block", () => {
    const { M } = lowRankMatrix(50, 30, 3, { seed: 3, incoherent: false });
    let nonzero = 0;
    for (const v of M.data) if (v !== 0) nonzero++;
    expect(nonzero).toBe(9);
    expect(numericalRank(50, 30, M.data)).toBe(3);
  });

  it("adds noise that makes M full rank", () => {
    const { M } = lowRankMatrix(20, 10, 2, { seed: 4, noise: 0.1 });
    expect(numericalRank(20, 10, M.data)).toBe(10);
  });

  it("is deterministic by seed", () => {
    expect(lowRankMatrix(10, 8, 2, { seed: 5 }).M.data).toEqual(lowRankMatrix(10, 8, 2, { seed: 5 }).M.data);
    expect(lowRankMatrix(10, 8, 2, { seed: 5 }).M.data).not.toEqual(lowRankMatrix(10, 8, 2, { seed: 6 }).M.data);
  });

  it("rejects bad arguments with LowrankError", () => {
    expectLowrankError(() => lowRankMatrix(5, 4, 5), "RANK");
    expectLowrankError(() => lowRankMatrix(0, 4, 1), "INVALID_ARGUMENT");
    expectLowrankError(() => lowRankMatrix(5, 4, 1.5), "INVALID_ARGUMENT");
    expectLowrankError(() => lowRankMatrix(5, 4, 2, { condition: 0.5 }), "INVALID_ARGUMENT");
    expectLowrankError(() => lowRankMatrix(5, 4, 2, { noise: -1 }), "INVALID_ARGUMENT");
    expectLowrankError(() => lowRankMatrix(5, 4, 2, { seed: Number.NaN }), "INVALID_ARGUMENT");
    expectLowrankError(() => lowRankMatrix(100000, 100000, 2), "TOO_LARGE");
  });
});

describe("observationMask", () => {
  it("hits the fraction exactly, without duplicates, sorted row-major", () => {
    const mask = observationMask(300, 200, 0.1, { seed: 1 });
    expect(mask.rowIndex.length).toBe(6000);
    const keys = new Set<number>();
    let prev = -1;
    for (let t = 0; t < mask.rowIndex.length; t++) {
      const key = mask.rowIndex[t] * 200 + mask.colIndex[t];
      expect(key).toBeGreaterThan(prev);
      expect(mask.colIndex[t]).toBeLessThan(200);
      prev = key;
      keys.add(key);
    }
    expect(keys.size).toBe(6000);
  });

  it("is close to uniform over rows", () => {
    const mask = observationMask(100, 1000, 0.2, { seed: 2 });
    const count = new Int32Array(100);
    for (const i of mask.rowIndex) count[i]++;
    for (const c of count) expect(Math.abs(c - 200)).toBeLessThan(60);
  });

  it("honours minPerRow and minPerCol", () => {
    const mask = observationMask(200, 150, 0.01, { seed: 3, minPerRow: 3, minPerCol: 4 });
    const rows = new Int32Array(200);
    const cols = new Int32Array(150);
    const keys = new Set<number>();
    for (let t = 0; t < mask.rowIndex.length; t++) {
      rows[mask.rowIndex[t]]++;
      cols[mask.colIndex[t]]++;
      keys.add(mask.rowIndex[t] * 150 + mask.colIndex[t]);
    }
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(3);
    expect(Math.min(...cols)).toBeGreaterThanOrEqual(4);
    expect(keys.size).toBe(mask.rowIndex.length);
    expect(mask.rowIndex.length).toBeGreaterThanOrEqual(300);
  });

  it("fraction 1 observes every entry", () => {
    const mask = observationMask(7, 5, 1, { seed: 9 });
    expect(Array.from(mask.rowIndex)).toEqual(Array.from({ length: 35 }, (_, t) => Math.floor(t / 5)));
    expect(Array.from(mask.colIndex)).toEqual(Array.from({ length: 35 }, (_, t) => t % 5));
  });

  it("is deterministic by seed", () => {
    expect(observationMask(50, 50, 0.3, { seed: 1 })).toEqual(observationMask(50, 50, 0.3, { seed: 1 }));
    expect(observationMask(50, 50, 0.3, { seed: 1 }).colIndex).not.toEqual(observationMask(50, 50, 0.3, { seed: 2 }).colIndex);
  });

  it("observe reads the values of M at the mask", () => {
    const { M } = lowRankMatrix(40, 30, 3, { seed: 1 });
    const obs = observe(M, 0.25, { seed: 2 });
    expect(obs.values.length).toBe(300);
    for (let t = 0; t < obs.values.length; t++) expect(obs.values[t]).toBe(M.data[obs.rowIndex[t] * 30 + obs.colIndex[t]]);
  });

  it("rejects bad arguments with LowrankError", () => {
    expectLowrankError(() => observationMask(10, 10, 0), "INVALID_ARGUMENT");
    expectLowrankError(() => observationMask(10, 10, 1.5), "INVALID_ARGUMENT");
    expectLowrankError(() => observationMask(10, 10, 0.5, { minPerRow: 11 }), "INVALID_ARGUMENT");
    expectLowrankError(() => observe({ rows: 3, cols: 3, data: new Float64Array(8) }, 0.5), "SHAPE");
  });
});

describe("tensor generators", () => {
  it("tuckerTensor has multilinear rank `ranks` and equals core x factors", () => {
    const shape = [8, 9, 10];
    const { tensor, core, factors } = tuckerTensor(shape, [2, 3, 4], { seed: 1 });
    expect(tensor.shape).toEqual(shape);
    expect(core.shape).toEqual([2, 3, 4]);
    [2, 3, 4].forEach((r, k) => {
      const U = unfold(shape, tensor.data, k);
      expect(numericalRank(U.rows, U.cols, U.data)).toBe(r);
      expect(orthonormalityError(factors[k].rows, factors[k].cols, factors[k].data)).toBeLessThan(1e-12);
    });
    // Entry (1, 2, 3) by the definition sum_abc G[a,b,c] U1[1,a] U2[2,b] U3[3,c].
    let v = 0;
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++)
          v += core.data[(a * 3 + b) * 4 + c] * factors[0].data[1 * 2 + a] * factors[1].data[2 * 3 + b] * factors[2].data[3 * 4 + c];
    expect(tensor.data[(1 * 9 + 2) * 10 + 3]).toBeCloseTo(v, 12);
  });

  it("cpTensor unfoldings have rank min(R, n_k) and match the factors", () => {
    const shape = [6, 7, 8];
    const { tensor, weights, factors } = cpTensor(shape, 4, { seed: 2 });
    for (let k = 0; k < 3; k++) {
      const U = unfold(shape, tensor.data, k);
      expect(numericalRank(U.rows, U.cols, U.data)).toBe(4);
    }
    expect(weights[0]).toBeGreaterThanOrEqual(weights[3]);
    let v = 0;
    for (let r = 0; r < 4; r++) v += weights[r] * factors[0].data[5 * 4 + r] * factors[1].data[0 * 4 + r] * factors[2].data[7 * 4 + r];
    expect(tensor.data[(5 * 7 + 0) * 8 + 7]).toBeCloseTo(v, 12);
  });

  it("ttTensor's k-th unfolding has rank r_k", () => {
    const shape = [4, 5, 6, 3];
    const { tensor, cores, ranks } = ttTensor(shape, [3, 4, 2], { seed: 3 });
    expect(ranks).toEqual([1, 3, 4, 2, 1]);
    expect(cores.map((c) => c.shape)).toEqual([[1, 4, 3], [3, 5, 4], [4, 6, 2], [2, 3, 1]]);
    let prefix = 1;
    for (let k = 1; k < 4; k++) {
      prefix *= shape[k - 1];
      expect(numericalRank(prefix, tensor.data.length / prefix, tensor.data)).toBe(ranks[k]);
    }
  });

  it("trTensor is the trace of core-slice products and its unfoldings have rank r_0 r_k", () => {
    const shape = [5, 6, 7, 5];
    const { tensor, cores, ranks } = trTensor(shape, [2, 2, 3, 2], { seed: 4 });
    expect(ranks).toEqual([2, 2, 3, 2, 2]);
    const idx = [4, 1, 6, 2];
    let prod = [[1, 0], [0, 1]];
    cores.forEach((core, k) => {
      const [ra, n, rb] = core.shape;
      const next = Array.from({ length: 2 }, () => new Array(rb).fill(0));
      for (let a0 = 0; a0 < 2; a0++)
        for (let a = 0; a < ra; a++)
          for (let b = 0; b < rb; b++) next[a0][b] += prod[a0][a] * core.data[(a * n + idx[k]) * rb + b];
      prod = next;
    });
    const flat = ((idx[0] * 6 + idx[1]) * 7 + idx[2]) * 5 + idx[3];
    expect(tensor.data[flat]).toBeCloseTo(prod[0][0] + prod[1][1], 12);
    expect(numericalRank(5, tensor.data.length / 5, tensor.data)).toBe(4);
    expect(numericalRank(30, tensor.data.length / 30, tensor.data)).toBe(6);
  });

  it("noise-free tensors have RMS 1 and are deterministic by seed", () => {
    for (const t of [tuckerTensor([5, 6, 7], 2, { seed: 1 }).tensor, cpTensor([5, 6, 7], 3, { seed: 1 }).tensor,
      ttTensor([5, 6, 7], 2, { seed: 1 }).tensor, trTensor([5, 6, 7], 2, { seed: 1 }).tensor]) {
      let ss = 0;
      for (const v of t.data) ss += v * v;
      expect(Math.sqrt(ss / t.data.length)).toBeCloseTo(1, 12);
    }
    expect(ttTensor([4, 4, 4], 2, { seed: 8 }).tensor.data).toEqual(ttTensor([4, 4, 4], 2, { seed: 8 }).tensor.data);
    expect(trTensor([4, 4, 4], 2, { seed: 8 }).tensor.data).not.toEqual(trTensor([4, 4, 4], 2, { seed: 9 }).tensor.data);
    expect(tuckerTensor([4, 4, 4], 2, { seed: 8, noise: 0.1 }).tensor.data).not.toEqual(tuckerTensor([4, 4, 4], 2, { seed: 8 }).tensor.data);
  });

  it("rejects ranks that cannot be exact, and malformed shapes", () => {
    expectLowrankError(() => tuckerTensor([4, 5, 6], [5, 2, 2]), "RANK");
    expectLowrankError(() => tuckerTensor([4, 5, 6], [4, 1, 1]), "RANK");
    expectLowrankError(() => tuckerTensor([4, 5, 6], [2, 2]), "SHAPE");
    expectLowrankError(() => ttTensor([3, 3, 9], [1, 4]), "RANK");
    expectLowrankError(() => ttTensor([3, 3, 3], [2, 2, 2, 2]), "RANK");
    expectLowrankError(() => trTensor([3, 3, 3], [2, 2, 2, 3]), "RANK");
    expectLowrankError(() => cpTensor([], 2), "SHAPE");
    expectLowrankError(() => cpTensor([3, 0], 2), "INVALID_ARGUMENT");
    expectLowrankError(() => cpTensor([3, 3], 0), "INVALID_ARGUMENT");
  });
});

describe("heavyTailedRegression", () => {
  it("has heavy-tailed row norms and b = A xTrue + small noise", () => {
    const { A, b, xTrue } = heavyTailedRegression(4000, 5, { seed: 1, tail: "cauchy", noise: 0.01 });
    expect([A.rows, A.cols, b.length, xTrue.length]).toEqual([4000, 5, 4000, 5]);
    const norms = Array.from({ length: 4000 }, (_, i) => Math.hypot(...A.data.subarray(i * 5, i * 5 + 5))).sort((x, y) => x - y);
    // A Gaussian design would have max / median about 2; a Cauchy scale puts a few rows orders of magnitude out.
    expect(norms[3999] / norms[2000]).toBeGreaterThan(100);
    let maxResidual = 0;
    for (let i = 0; i < 4000; i++) {
      let r = b[i];
      for (let j = 0; j < 5; j++) r -= A.data[i * 5 + j] * xTrue[j];
      maxResidual = Math.max(maxResidual, Math.abs(r));
    }
    expect(maxResidual).toBeLessThan(0.1);
  });

  it("puts leverage outliers at the requested scale", () => {
    const { A, outlierRows } = heavyTailedRegression(500, 4, { seed: 2, tail: "student-t", df: 30, leverageOutliers: 3 });
    expect(outlierRows.length).toBe(3);
    const norm = (i: number) => Math.hypot(...A.data.subarray(i * 4, i * 4 + 4));
    const typical = norm((outlierRows[0] + 1) % 500);
    for (const i of outlierRows) expect(norm(i)).toBeGreaterThan(20 * typical);
  });

  it("pareto tail, determinism by seed, and bad arguments", () => {
    const a = heavyTailedRegression(100, 3, { seed: 3, tail: "pareto", df: 1.5 });
    expect(a.A.data).toEqual(heavyTailedRegression(100, 3, { seed: 3, tail: "pareto", df: 1.5 }).A.data);
    expect(a.A.data).not.toEqual(heavyTailedRegression(100, 3, { seed: 4, tail: "pareto", df: 1.5 }).A.data);
    expectLowrankError(() => heavyTailedRegression(10, 2, { tail: "normal" as "cauchy" }), "INVALID_ARGUMENT");
    expectLowrankError(() => heavyTailedRegression(10, 2, { df: 0 }), "INVALID_ARGUMENT");
    expectLowrankError(() => heavyTailedRegression(10, 2, { leverageOutliers: 11 }), "INVALID_ARGUMENT");
  });
});
