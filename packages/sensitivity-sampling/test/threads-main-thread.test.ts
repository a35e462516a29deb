// An asynchronous run on a thread that cannot block (a browser's main thread, simulated): it takes the pool
// all the same (linalg's pooledWorkspace; the caller spins for the workers instead of waiting) and gives the
// one-thread bits (docs/ARCHITECTURE.md, "Threads").
import { afterAll, expect, it } from "vitest";
import { init, Rng, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { leverageScores, leverageScoresAsync, lewisWeights } from "../src/index.js";

/**
 * Runs `f` as on a browser's main thread, simulated in Node: the pool's test switch makes this thread one
 * that cannot block, and Atomics.wait throws here, so a blocking wait anywhere in the run fails the test.
 */
async function onMainThread<T>(f: () => Promise<T>): Promise<T> {
  const p = pool(), wait = Atomics.wait;
  p.callerMayBlock = false;
  Atomics.wait = () => {
    throw new Error("Atomics.wait on a thread that cannot block");
  };
  try {
    return await f();
  } finally {
    Atomics.wait = wait;
    p.callerMayBlock = null;
  }
}

function pool() {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p;
}

/** Jobs the caller joined spinning, and tasks the workers ran, since `s`. */
function since(s: { spinJobs: number; tasks: number; callerTasks: number }) {
  const p = pool().stats;
  return { spinJobs: p.spinJobs - s.spinJobs, onWorkers: p.tasks - s.tasks - (p.callerTasks - s.callerTasks) };
}

/** Whether a and b hold the same bits. */
const same = (a: Float64Array, b: Float64Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

afterAll(() => stopThreads());

it("leverageScoresAsync and lewisWeights on a thread that cannot block run on the pool with the one-thread bits", async () => {
  await init({ threads: 2 });
  const rng = new Rng(4);
  const A = { rows: 20000, cols: 12, data: rng.fillNormal(new Float64Array(20000 * 12)) };
  const L = { rows: 6000, cols: 12, data: rng.fillNormal(new Float64Array(6000 * 12)) };
  const scores = leverageScores(A, { threads: 1 }).scores, weights = (await lewisWeights(L, 1, { threads: 1 })).weights;
  const s = { ...pool().stats };
  const got = await onMainThread(async () => [(await leverageScoresAsync(A)).scores, (await lewisWeights(L, 1)).weights]);
  expect(since(s).spinJobs).toBeGreaterThan(0);
  expect(since(s).onWorkers).toBeGreaterThan(0);
  expect(same(got[0], scores)).toBe(true);
  expect(same(got[1], weights)).toBe(true);
});
