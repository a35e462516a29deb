// The pool on a thread that cannot block (docs/ARCHITECTURE.md, "Threads"),
// simulated in Node: the pool's test switch makes this thread count as a
// browser's main thread, and Atomics.wait is made to throw here, so any
// blocking wait fails the test. Synchronous calls stay on this thread; the
// kernels of a pooled (asynchronous) run join the pool's jobs by spinning,
// with the same bits, and a worker that dies or hangs fails the call with a
// LowrankError within the spin limit instead of hanging it.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { gemm, init, LowrankError, Rng, runtimeStatus, stopThreads, type DenseMatrix } from "../src/index.js";
import { threadPool } from "../src/internal.js";
import { linalgModule } from "../src/module.js";

const rng = new Rng(11);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const same = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function pool() {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p;
}

const wait = Atomics.wait;
beforeEach(async () => {
  await init({ threads: 2 });
  pool().callerMayBlock = false;
  Atomics.wait = () => {
    throw new Error("Atomics.wait on a thread that cannot block");
  };
});
afterEach(() => {
  Atomics.wait = wait;
  const p = threadPool();
  if (p) {
    p.callerMayBlock = null;
    p.spinLimitMs = 10_000;
  }
});
afterAll(() => stopThreads());

/** op(A) B of n x n matrices in a pooled run's workspace (its kernels on the pool, joined by spinning). */
function pooledGemm(A: DenseMatrix, B: DenseMatrix): Float64Array {
  const n = A.rows;
  const run = linalgModule.pooledWorkspace(3 * n * n * 8 + 4096);
  if (!run) throw new Error("the pool did not take the run");
  try {
    expect(run.threads).toBe(2);
    const a = run.ws.input(A.data), b = run.ws.input(B.data), c = run.ws.f64(n * n);
    run.ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    return c.slice();
  } finally {
    run.release();
  }
}

async function untilThreads(n: number): Promise<void> {
  for (let i = 0; i < 400 && runtimeStatus().threads !== n; i++) await new Promise((r) => setTimeout(r, 25));
  expect(runtimeStatus().threads).toBe(n);
}

describe("a thread that cannot block", () => {
  it("synchronous calls stay on it; init says so", async () => {
    const A = randn(600, 600);
    const jobs = pool().stats.jobs;
    const ref = gemm(A, A, { threads: 1 }).data;
    expect(same(gemm(A, A).data, ref)).toBe(true);
    expect(pool().stats.jobs).toBe(jobs);
    const r = await init({ threads: 2 });
    expect(r.threadsNote).toMatch(/synchronous calls made on this thread run on it alone.*asynchronous runs that take the pool .* use every thread/);
  });

  it("a pooled run's kernels split over the pool by spinning, with the same bits as one thread", () => {
    const n = 768, A = randn(n, n), B = randn(n, n);
    const ref = gemm(A, B, { threads: 1 }).data;
    const s = { ...pool().stats };
    let onWorkers = 0;
    // The caller could take every piece before the worker wakes: repeat until the worker ran some.
    for (let i = 0; i < 10 && onWorkers === 0; i++) {
      expect(same(pooledGemm(A, B), ref)).toBe(true);
      const p = pool().stats;
      onWorkers = p.tasks - s.tasks - (p.callerTasks - s.callerTasks);
    }
    expect(pool().stats.spinJobs).toBeGreaterThan(s.spinJobs);
    expect(onWorkers).toBeGreaterThan(0);
  });

  it("a worker that dies holding a piece fails the call with a LowrankError; the next call works", async () => {
    const n = 700, A = randn(n, n);
    const ref = gemm(A, A, { threads: 1 }).data;
    pool().crashOnNextTask(0);
    let error: unknown = null;
    for (let i = 0; i < 20 && !error; i++) {
      try {
        expect(same(pooledGemm(A, A), ref)).toBe(true);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(LowrankError);
    expect(error).toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/worker thread .* died/) });
    await untilThreads(2);
    expect(same(pooledGemm(A, A), ref)).toBe(true);
  });

  it("a worker that hangs holding a piece (reporting nothing) is given up after the spin limit: INTERNAL, replaced, never a hang", async () => {
    const n = 700, A = randn(n, n);
    const ref = gemm(A, A, { threads: 1 }).data;
    pool().spinLimitMs = 200;
    pool().hangOnNextTask(0);
    let error: unknown = null, ms = 0;
    for (let i = 0; i < 20 && !error; i++) {
      const t0 = performance.now();
      try {
        expect(same(pooledGemm(A, A), ref)).toBe(true);
      } catch (e) {
        error = e;
        ms = performance.now() - t0;
      }
    }
    expect(error).toBeInstanceOf(LowrankError);
    expect(error).toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/finished no task for \d+ ms/) });
    expect(ms).toBeLessThan(20_000); // bounded: the limit (at least 200 ms, 20x the caller's slowest piece) and the grace
    await untilThreads(2);
    expect(same(pooledGemm(A, A), ref)).toBe(true);
  });
});
