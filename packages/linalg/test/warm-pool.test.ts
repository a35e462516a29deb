import { afterAll, describe, expect, it } from "vitest";
import { gemm, init, Rng, runtimeStatus, stopThreads } from "../src/index.js";
import { lastInitPhases, linalgModule, threadPool } from "../src/internal.js";
import { WARM_FLOOR, WARM_ROUNDS, warmRounds } from "../src/warm-rounds.js";

afterAll(() => stopThreads());

describe("warm rounds", () => {
  it("run `most` rounds, stop after the round in which stop() turns true, and count a throwing call as run", async () => {
    let a = 0, b = 0;
    expect(await warmRounds([() => void a++, () => { b++; throw new Error("skipped"); }], 3)).toBe(3);
    expect([a, b]).toEqual([3, 3]);
    let n = 0;
    expect(await warmRounds([() => void n++], WARM_ROUNDS, () => n >= 2)).toBe(2);
    expect(await warmRounds([() => void n++], WARM_ROUNDS, () => true)).toBe(1); // one round at least
    expect(n).toBe(3);
  });
});

describe("init() with a pool", () => {
  it("moves the warm calls to the pool once it is up: at least WARM_FLOOR rounds there, and the first rounds on one thread", async () => {
    const onPool: boolean[] = [];
    linalgModule.warmCall(() => void onPool.push(runtimeStatus().threadedModules.includes("@lowrank/linalg")));
    const r = await init({ variant: "simd", threads: 2 });
    expect(r.threads).toBe(2);
    expect(onPool.filter((x) => x).length).toBeGreaterThanOrEqual(WARM_FLOOR);
    expect(onPool.length).toBeLessThanOrEqual(WARM_ROUNDS + WARM_FLOOR);
    expect(onPool.indexOf(true)).toBeGreaterThanOrEqual(0);
    expect(onPool.lastIndexOf(false)).toBeLessThan(onPool.indexOf(true)); // once on the pool, never back
    expect(lastInitPhases).not.toBeNull();
    for (const v of Object.values(lastInitPhases!)) expect(v).toBeGreaterThanOrEqual(0);
    // The same setting again: no more rounds.
    const before = onPool.length;
    await init({ variant: "simd", threads: 2 });
    expect(onPool.length).toBe(before);
  });

  it("a product below PARALLEL_GEMM_MIN stays on the calling thread; one above it takes the pool, with the same bits", () => {
    const rng = new Rng(5);
    const mat = (n: number) => ({ rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) });
    const p = threadPool()!;
    const small = mat(128), jobs = p.stats.jobs;
    const ref = gemm(small, small, { threads: 1 }).data;
    expect(gemm(small, small).data).toEqual(ref);
    expect(p.stats.jobs).toBe(jobs);
    const big = mat(200); // 8e6 multiply-adds
    const refBig = gemm(big, big, { threads: 1 }).data;
    expect(gemm(big, big).data).toEqual(refBig);
    expect(p.stats.jobs).toBeGreaterThan(jobs);
  });
});
