import { afterAll, describe, expect, it } from "vitest";
import { gemm, init, Rng, runtimeStatus, stopThreads } from "../src/index.js";
import { lastInitPhases, linalgModule, threadPool } from "../src/internal.js";
import { LongRun } from "../src/long-run.js";
import { warmPool } from "../src/threads.js";
import { prefault, PREFAULT_BYTES, setWarmDeadline, WARM_FLOOR, WARM_ROUNDS, warmRounds } from "../src/warm-rounds.js";

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

  it("stop at WARM_FLOOR rounds once init's deadline has passed, and run them all without one", async () => {
    let n = 0;
    setWarmDeadline(performance.now() - 1);
    try {
      expect(await warmRounds([() => void n++], WARM_ROUNDS)).toBe(WARM_FLOOR);
    } finally {
      setWarmDeadline(Infinity);
    }
    expect(await warmRounds([() => void n++], WARM_ROUNDS)).toBe(WARM_ROUNDS);
    expect(n).toBe(WARM_FLOOR + WARM_ROUNDS);
  });
});

describe("warm yields", () => {
  it("a run inside the warm rounds is due at every eighth boundary (its loop then has seen a yield), outside only after YIELD_MS", async () => {
    const dueAt = (run: LongRun) => {
      const at: number[] = [];
      for (let b = 1; b <= 24; b++) if (run.due) at.push(b);
      return at;
    };
    let inside: number[] = [];
    await warmRounds([() => void (inside = dueAt(new LongRun("warm")))], 1);
    expect(inside).toEqual([8, 16, 24]);
    expect(dueAt(new LongRun("after"))).toEqual([]);
    // Overlapping rounds (a late registration's in the background) keep the yields until the last one ends.
    let release = () => {};
    const slow = warmRounds([() => new Promise<void>((r) => (release = r))], 1);
    await warmRounds([() => undefined], 1);
    expect(dueAt(new LongRun("still warming"))).toEqual([8, 16, 24]);
    release();
    await slow;
    expect(dueAt(new LongRun("done"))).toEqual([]);
  });
});

describe("prefault", () => {
  it("writes zeros only to the first byte of each page above an empty arena's top, within the memory; nothing under live blocks", async () => {
    const instance = await (await linalgModule.loader.load("simd")).instantiate(1 << 20);
    linalgModule.loader.warm(instance);
    const arena = instance.arena, size = instance.memory.buffer.byteLength;
    const mark = arena.mark();
    arena.reserve(3 << 20);
    const block = arena.scratch((3 << 20) / 8 - 64);
    block.fill(7);
    const at = block.byteOffset;
    expect(prefault(arena)).toBe(0); // a live block: untouched
    expect(block.every((x) => x === 7)).toBe(true);
    arena.release(mark);
    const grown = instance.memory.buffer.byteLength;
    expect(grown).toBeGreaterThan(size);
    const pages = prefault(arena);
    const top = arena.mark(), first = Math.ceil(top / 4096) * 4096, end = Math.min(grown, top + PREFAULT_BYTES);
    expect(pages).toBe(Math.ceil((end - first) / 4096));
    expect(instance.memory.buffer.byteLength).toBe(grown); // no growth
    const u8 = new Uint8Array(instance.memory.buffer), seven = new Uint8Array(new Float64Array([7]).buffer);
    let wrong = 0;
    for (let i = at; i < at + block.length * 8; i++) {
      const touched = (i & 4095) === 0 && i >= first && i < end;
      if (u8[i] !== (touched ? 0 : seven[i & 7])) wrong++;
    }
    expect(wrong).toBe(0); // the freed block's bytes, but for one zero a page
    expect(arena.used).toBe(0);
  });
});

describe("init() with a pool", () => {
  it("moves the warm calls to the pool once it is up: at least WARM_FLOOR rounds there, and the first rounds on one thread", async () => {
    const onPool: boolean[] = [];
    linalgModule.warmCall(() => void onPool.push(runtimeStatus().threadedModules.includes("@lowrank/linalg")));
    const r = await init({ variant: "simd", threads: 2 });
    expect(r.threads).toBe(2);
    expect(onPool.filter((x) => x).length).toBeGreaterThanOrEqual(WARM_FLOOR);
    expect(onPool.length).toBeLessThanOrEqual(WARM_ROUNDS + WARM_FLOOR); // in all, at most as many as one thread then the pool ran before
    expect(onPool.indexOf(true)).toBeGreaterThanOrEqual(0);
    expect(onPool.lastIndexOf(false)).toBeLessThan(onPool.indexOf(true)); // once on the pool, never back
    expect(lastInitPhases).not.toBeNull();
    for (const v of Object.values(lastInitPhases!)) expect(v).toBeGreaterThanOrEqual(0);
    // The same setting again: no more rounds.
    const before = onPool.length;
    await init({ variant: "simd", threads: 2 });
    expect(onPool.length).toBe(before);
  });

  it("warmPool runs its ping jobs on every thread of the pool (each task marks its word), and none without a pool", async () => {
    await init({ variant: "simd", threads: 2 });
    const p = threadPool()!;
    const jobs = p.stats.jobs, tasks = p.stats.tasks;
    expect(warmPool(25)).toBe(25);
    expect(p.stats.jobs - jobs).toBe(25);
    expect(p.stats.tasks - tasks).toBe(25 * 2);
    expect(p.arena.used).toBe(0);
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
