import { beforeAll, describe, expect, it } from "vitest";
import { axpy, dot, gemm, gemv, init, LowrankError, Rng } from "../src/index.js";
import { naiveProduct, randn, relDiff, variants } from "./helpers.js";

const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 4, 4],
  [17, 33, 9],
  [130, 70, 300],
  [257, 515, 129],
];

for (const variant of variants) {
  describe(`BLAS on wasm ${variant}`, () => {
    beforeAll(async () => {
      expect((await init({ variant })).variant).toBe(variant);
    });

    for (const [m, n, k] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`gemm ${m}x${k} * ${k}x${n} (transA=${tA}, transB=${tB}) matches the definition and the js backend`, () => {
          const A = randn(tA ? k : m, tA ? m : k, m * 7 + k);
          const B = randn(tB ? n : k, tB ? k : n, n * 13 + k);
          const w = gemm(A, B, { transA: tA, transB: tB });
          const j = gemm(A, B, { transA: tA, transB: tB, backend: "js" });
          const d = naiveProduct(A, B, tA, tB);
          expect(w.rows).toBe(m);
          expect(w.cols).toBe(n);
          expect(relDiff(w.data, j.data)).toBeLessThan(1e-12);
          expect(relDiff(j.data, d.data)).toBeLessThan(1e-13);
        });
      }
    }

    it("gemm adds beta C and scales by alpha without modifying C", () => {
      const A = randn(20, 30, 1), B = randn(30, 10, 2), C = randn(20, 10, 3);
      const C0 = C.data.slice();
      const w = gemm(A, B, { alpha: -2, C, beta: 0.5 });
      const j = gemm(A, B, { alpha: -2, C, beta: 0.5, backend: "js" });
      const P = naiveProduct(A, B);
      const expected = P.data.map((v, i) => -2 * v + 0.5 * C0[i]);
      expect(relDiff(w.data, expected)).toBeLessThan(1e-13);
      expect(relDiff(j.data, expected)).toBeLessThan(1e-13);
      expect(C.data).toEqual(C0);
    });

    it("gemv with and without transpose matches gemm", () => {
      const A = randn(67, 45, 4);
      const x = new Rng(5).fillNormal(new Float64Array(45));
      const xt = new Rng(6).fillNormal(new Float64Array(67));
      const y = gemv(A, x, { alpha: 3 });
      const yt = gemv(A, xt, { trans: true });
      const yj = gemv(A, x, { alpha: 3, backend: "js" });
      const ref = naiveProduct(A, { rows: 45, cols: 1, data: x }).data.map((v) => 3 * v);
      const reft = naiveProduct(A, { rows: 67, cols: 1, data: xt }, true).data;
      expect(relDiff(y, ref)).toBeLessThan(1e-13);
      expect(relDiff(yj, ref)).toBeLessThan(1e-13);
      expect(relDiff(yt, reft)).toBeLessThan(1e-13);
    });

    it("dot and axpy agree with the definition for lengths around the SIMD width", () => {
      for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 1000, 1001]) {
        const x = new Rng(n).fillNormal(new Float64Array(n));
        const y = new Rng(n + 1).fillNormal(new Float64Array(n));
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i] * y[i];
        expect(Math.abs(dot(x, y) - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)) * Math.sqrt(n));
        expect(Math.abs(dot(x, y, { backend: "js" }) - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)) * Math.sqrt(n));
        const z = axpy(-1.5, x, y);
        const zj = axpy(-1.5, x, y, { backend: "js" });
        expect(relDiff(z, zj)).toBeLessThan(1e-15);
        expect(z[n - 1]).toBeCloseTo(y[n - 1] - 1.5 * x[n - 1], 14);
      }
    });
  });
}

describe("BLAS bad input", () => {
  beforeAll(async () => {
    await init();
  });
  it("rejects mismatched inner dimensions with SHAPE", () => {
    expect(() => gemm(randn(3, 4, 1), randn(5, 2, 2))).toThrow(expect.objectContaining({ code: "SHAPE" }));
  });
  it("rejects data whose length does not match rows * cols with SHAPE", () => {
    expect(() => gemm({ rows: 2, cols: 2, data: new Float64Array(3) }, randn(2, 2, 1))).toThrow(LowrankError);
  });
  it("rejects NaN and Infinity with NON_FINITE on both backends", () => {
    const A = randn(3, 3, 1);
    A.data[4] = NaN;
    for (const backend of ["wasm", "js"] as const) {
      expect(() => gemm(A, randn(3, 3, 2), { backend })).toThrow(expect.objectContaining({ code: "NON_FINITE" }));
    }
    expect(() => dot([1, Infinity], [1, 2])).toThrow(expect.objectContaining({ code: "NON_FINITE" }));
  });
  it("rejects empty matrices and vectors with EMPTY", () => {
    expect(() => gemm({ rows: 0, cols: 3, data: new Float64Array(0) }, randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "EMPTY" }));
    expect(() => dot([], [])).toThrow(expect.objectContaining({ code: "EMPTY" }));
  });
  it("rejects a product that cannot fit wasm32 memory with TOO_LARGE before allocating", () => {
    const huge = { rows: 40000, cols: 40000, data: new Float64Array(0) };
    expect(() => gemm(huge, huge)).toThrow(expect.objectContaining({ code: "TOO_LARGE" }));
  });
  it("rejects an unknown backend", () => {
    expect(() => dot([1], [1], { backend: "gpu" as never })).toThrow(LowrankError);
  });
  it("accepts plain number arrays as data", () => {
    const C = gemm({ rows: 1, cols: 2, data: [1, 2] as unknown as Float64Array }, { rows: 2, cols: 1, data: new Float64Array([3, 4]) });
    expect(C.data[0]).toBe(11);
  });
});
