import { describe, expect, it } from "vitest";
import { coreShape, cp, reconstruct, tensorRing, tensorTrain, ttRound, tucker } from "../src/index.js";

// A zero tensor has every rank and error degenerate at once (0/0 relative
// errors, zero Gram matrices, singular normal equations): every method must
// still return a zero reconstruction instead of throwing or producing NaN.
describe("the zero tensor", () => {
  const Z = { shape: [4, 5, 3], data: new Float64Array(60) };
  const isZero = (x: Float64Array) => x.every((v) => v === 0);

  it("Tucker, CP, TT, TR-SVD and TR-ALS reconstruct it as zero with error 0", async () => {
    for (const method of ["hosvd", "st-hosvd", "hooi"] as const) {
      const t = await tucker(Z, { rank: 2, method, backend: "js", returnErrors: true });
      expect(isZero(reconstruct(t, { backend: "js" }).data)).toBe(true);
      expect(t.errors!.every((e) => e === 0)).toBe(true);
    }
    const c = await cp(Z, { rank: 2, backend: "js", returnErrors: true });
    expect(Array.from(c.weights)).toEqual([0, 0]);
    expect(c.errors!.every((e) => e === 0)).toBe(true);
    const tt = await tensorTrain(Z, { backend: "js" });
    expect(tt.ranks).toEqual([1, 1, 1, 1]);
    expect(isZero(reconstruct(ttRound(tt, { backend: "js" }), { backend: "js" }).data)).toBe(true);
    expect(isZero(reconstruct(await tensorRing(Z, { backend: "js" }), { backend: "js" }).data)).toBe(true);
    const als = await tensorRing(Z, { rank: [2, 2, 1], method: "als", backend: "js" });
    expect(isZero(reconstruct(als, { backend: "js" }).data)).toBe(true);
    expect((await coreShape(Z, { budget: 30, backend: "js" })).errorBound).toBe(0);
  });
});
