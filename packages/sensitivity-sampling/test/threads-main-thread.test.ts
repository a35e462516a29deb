// An asynchronous run on a thread that cannot block (a browser's main thread, simulated): it takes the pool
// all the same (linalg's pooledWorkspace; the caller spins for the workers instead of waiting) and gives the
// one-thread bits (docs/ARCHITECTURE.md, "Threads").
import { afterAll, expect, it } from "vitest";
import { init, Rng, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { mainThreadProbe, sameBits } from "@lowrank/test-utils/threads";
import { leverageScores, leverageScoresAsync, lewisWeights } from "../src/index.js";

const { pool, onMainThread, since } = mainThreadProbe(threadPool);
const same = sameBits;

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
