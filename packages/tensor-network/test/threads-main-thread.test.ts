// An asynchronous run on a thread that cannot block (a browser's main thread, simulated): it takes the pool
// all the same (linalg's pooledWorkspace; the caller spins for the workers instead of waiting) and gives the
// one-thread bits (docs/ARCHITECTURE.md, "Threads").
import { afterAll, expect, it } from "vitest";
import { init, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { mainThreadProbe, sameBits } from "@lowrank/test-utils/threads";
import { randnTensor } from "@lowrank/test-utils";
import { cp, tucker } from "../src/index.js";

const { pool, onMainThread, since } = mainThreadProbe(threadPool);
const same = sameBits;

afterAll(() => stopThreads());

it("tucker (HOOI) and cp on a thread that cannot block run on the pool with the one-thread bits", async () => {
  await init({ threads: 2 });
  const X = randnTensor([100, 66, 90], 11);
  const t = { rank: [6, 5, 4], method: "hooi" as const, maxIter: 2, tol: 0 }, c = { rank: 6, maxIter: 2, tol: 0 };
  const t1 = await tucker(X, { ...t, threads: 1 }), c1 = await cp(X, { ...c, threads: 1 });
  const s = { ...pool().stats };
  const [t2, c2] = await onMainThread(async () => [await tucker(X, t), await cp(X, c)] as const);
  expect(since(s).spinJobs).toBeGreaterThan(0);
  expect(since(s).onWorkers).toBeGreaterThan(0);
  expect(same(t2.core.data, t1.core.data)).toBe(true);
  t2.factors.forEach((f, k) => expect(same(f.data, t1.factors[k].data), `tucker factor ${k}`).toBe(true));
  expect(same(c2.weights, c1.weights)).toBe(true);
  c2.factors.forEach((f, k) => expect(same(f.data, c1.factors[k].data), `cp factor ${k}`).toBe(true));
});
