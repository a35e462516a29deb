import { svd } from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import { init, residualMetric, singularValueError } from "../src/index.js";
import { csr, expectCode, randn } from "./helpers.js";

describe("accuracy metrics", () => {
  it("singularValueError is |s - ref| / ref per value", () => {
    const e = singularValueError([3, 2.2, 0.9], [3, 2, 1]);
    expect(Array.from(e).map((v) => +v.toFixed(12))).toEqual([0, 0.1, 0.1]);
  });

  it("residualMetric is ~0 for exact triplets and 1/2 when every singular value is doubled", async () => {
    await init();
    const A = randn(30, 20, 1);
    const { U, s, V } = svd(A, { backend: "js", k: 5 });
    for (const backend of ["js", "wasm"] as const) {
      for (const v of residualMetric(csr(A), U, s, V, { backend })) expect(v).toBeLessThan(1e-12);
      for (const v of residualMetric(A, U, s.map((x) => 2 * x), V, { backend })) expect(Math.abs(v - 0.5)).toBeLessThan(1e-12);
    }
  });

  it("rejects mismatched shapes", async () => {
    const A = randn(10, 8, 2);
    const { U, s, V } = svd(A, { backend: "js", k: 3 });
    await expectCode(() => residualMetric(A, V, s, U, { backend: "js" }), "SHAPE");
    await expectCode(() => singularValueError([1, 2], [1]), "SHAPE");
  });
});
