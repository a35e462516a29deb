// Its own file: the first calls below run before any init() of this process's runtime.
import { describe, expect, it } from "vitest";
import { gemm, init, Rng, svd } from "../src/index.js";
import { linalgModule, threadPool } from "../src/internal.js";

describe("warm-up", () => {
  it("results are the same bits before and after init() warmed the paths, and init() leaves no arena in use", async () => {
    const rng = new Rng(3);
    const A = { rows: 200, cols: 40, data: rng.fillNormal(new Float64Array(8000)) };
    const B = { rows: 40, cols: 64, data: rng.fillNormal(new Float64Array(2560)) };
    // Node compiles the bundled (simd) variant on first use: these run unwarmed, on one thread.
    const s0 = svd(A), g0 = gemm(A, B);
    // The same variant, warmed (kernels and registered calls), with the pool.
    await init({ variant: "simd", threads: 2 });
    expect(threadPool()?.arena.used ?? 0).toBe(0);
    linalgModule.loader.withShared((i) => expect(i.arena.used).toBe(0));
    const s1 = svd(A), g1 = gemm(A, B);
    expect(Array.from(s1.s)).toEqual(Array.from(s0.s));
    expect(Array.from(s1.U.data)).toEqual(Array.from(s0.U.data));
    expect(Array.from(s1.V.data)).toEqual(Array.from(s0.V.data));
    expect(Array.from(g1.data)).toEqual(Array.from(g0.data));
    await init({ threads: 1 });
  });
});
