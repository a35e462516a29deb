import { describe, expect, it } from "vitest";
import { complete, foldIn, parseRatings, rmse, trainTestSplit, type Observations } from "../src/index.js";
import { codeOf } from "./helpers.js";

const good = (): Observations => ({
  rows: 3, cols: 3,
  rowIndex: Int32Array.of(0, 1, 2, 0),
  colIndex: Int32Array.of(0, 1, 2, 2),
  values: Float64Array.of(1, 2, 3, 4),
});

describe("bad input gets a typed LowrankError", () => {
  it("INDEX for negative, out-of-range or fractional indices", async () => {
    for (const backend of ["wasm", "js"] as const) {
      expect(await codeOf(() => complete({ ...good(), rowIndex: Int32Array.of(0, -1, 2, 0) }, { rank: 1, backend }))).toBe("INDEX");
      expect(await codeOf(() => complete({ ...good(), colIndex: Int32Array.of(0, 1, 3, 2) }, { rank: 1, backend }))).toBe("INDEX");
      expect(await codeOf(() => complete({ ...good(), rowIndex: [0, 1.5, 2, 0] as unknown as Int32Array }, { rank: 1, backend }))).toBe("INDEX");
    }
  });

  it("INDEX for a position observed twice (duplicates are rejected, not summed)", async () => {
    const dup = { ...good(), rowIndex: Int32Array.of(0, 1, 2, 1), colIndex: Int32Array.of(0, 1, 2, 1) };
    expect(await codeOf(() => complete(dup, { rank: 1 }))).toBe("INDEX");
  });

  it("NON_FINITE for NaN or Infinity values", async () => {
    expect(await codeOf(() => complete({ ...good(), values: Float64Array.of(1, NaN, 3, 4) }, { rank: 1 }))).toBe("NON_FINITE");
    expect(await codeOf(() => complete({ ...good(), values: Float64Array.of(1, 2, Infinity, 4) }, { rank: 1 }))).toBe("NON_FINITE");
  });

  it("EMPTY for no observations or a 0 x n matrix", async () => {
    const none = { rows: 3, cols: 3, rowIndex: new Int32Array(0), colIndex: new Int32Array(0), values: new Float64Array(0) };
    expect(await codeOf(() => complete(none))).toBe("EMPTY");
    expect(await codeOf(() => complete({ ...none, rows: 0 }))).toBe("EMPTY");
  });

  it("INVALID_ARGUMENT for a threads option that is not an integer in [1, 64], on both backends", async () => {
    for (const backend of ["wasm", "js"] as const) {
      for (const threads of [0, 1.5, 65, -1, "2", NaN]) {
        expect(await codeOf(() => complete(good(), { rank: 1, backend, threads: threads as number })), String(threads)).toBe("INVALID_ARGUMENT");
      }
    }
  });

  it("RANK for rank larger than min(rows, cols)", async () => {
    expect(await codeOf(() => complete(good(), { rank: 4 }))).toBe("RANK");
    expect(await codeOf(() => complete(good(), { rank: 4, method: "robust-altmin" }))).toBe("RANK");
  });

  it("SHAPE for arrays of different lengths or a validation set of another shape", async () => {
    expect(await codeOf(() => complete({ ...good(), values: Float64Array.of(1, 2, 3) }, { rank: 1 }))).toBe("SHAPE");
    expect(await codeOf(() => complete(good(), { rank: 1, validation: { ...good(), rows: 4 } }))).toBe("SHAPE");
  });

  it("INVALID_ARGUMENT for bad options", async () => {
    expect(await codeOf(() => complete(good(), { rank: 0 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { method: "svd" as never }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 1, lambda: -1 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 1, method: "altmin", lambda: "auto" }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 2, method: "robust-altmin", sketchSize: 2 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 1, method: "robust-altmin", sketchSize: 2 ** 20 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 1, method: "robust-altmin", sketch: "gaussian" as never }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => complete(good(), { rank: 1, backend: "gpu" as never }))).toBe("INVALID_ARGUMENT");
  });

  it("ABORTED when the signal fires, before the run or between iterations", async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await codeOf(() => complete(good(), { rank: 1, signal: ac.signal }))).toBe("ABORTED");
    const late = new AbortController();
    const run = complete(good(), { rank: 1, lambda: 0.1, maxIter: 1000, tol: 0, signal: late.signal, onProgress: (r) => r.iteration === 3 && late.abort() });
    expect(await codeOf(() => run)).toBe("ABORTED");
  });

  it("helpers check their input too", async () => {
    const model = await complete(good(), { rank: 1, lambda: 0.1 });
    expect(await codeOf(() => model.predict(3, 0))).toBe("INDEX");
    expect(await codeOf(() => model.predict(0, -1))).toBe("INDEX");
    expect(await codeOf(() => model.predictMany([0, 1], [0]))).toBe("SHAPE");
    expect(await codeOf(() => model.recommend(0, -2))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => rmse(model, { ...good(), cols: 4 }))).toBe("SHAPE");
    expect(await codeOf(() => trainTestSplit(good(), { fraction: 2 }))).toBe("INVALID_ARGUMENT");
    expect(await codeOf(() => foldIn(model, { colIndex: [0, 0], values: [1, 2] }))).toBe("INDEX");
    expect(await codeOf(() => foldIn(model, { colIndex: [5], values: [1] }))).toBe("INDEX");
    expect(await codeOf(() => foldIn(model, { colIndex: [1], values: [NaN] }))).toBe("NON_FINITE");
    expect(await codeOf(() => parseRatings("1\t2\n"))).toBe("SHAPE");
    expect(await codeOf(() => parseRatings("1\t2\t3\n1\t3\tx\n"))).toBe("NON_FINITE");
    expect(await codeOf(() => parseRatings("\n\n"))).toBe("EMPTY");
  });
});
