// An asynchronous run on a thread that cannot block (a browser's main thread, simulated): it takes the pool
// all the same (linalg's pooledWorkspace; the caller spins for the workers instead of waiting) and gives the
// one-thread bits (docs/ARCHITECTURE.md, "Threads").
import { afterAll, expect, it } from "vitest";
import { init, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { mainThreadProbe, sameBits } from "@lowrank/test-utils/threads";
import { truncatedSvd } from "../src/index.js";
import { sparseRandom } from "./helpers.js";

const { pool, onMainThread, since } = mainThreadProbe(threadPool);
const same = sameBits;

afterAll(() => stopThreads());

it("truncatedSvd on a thread that cannot block runs on the pool with the one-thread bits", async () => {
  await init({ threads: 2 });
  const A = sparseRandom(2400, 300, 0.06, 3);
  const one = await truncatedSvd(A, { rank: 6, threads: 1 });
  const s = { ...pool().stats };
  const two = await onMainThread(() => truncatedSvd(A, { rank: 6 }));
  expect(since(s).spinJobs).toBeGreaterThan(0);
  expect(since(s).onWorkers).toBeGreaterThan(0);
  expect(same(two.s, one.s) && same(two.U.data, one.U.data) && same(two.V.data, one.V.data)).toBe(true);
});
