// An asynchronous run on a thread that cannot block (a browser's main thread, simulated): it takes the pool
// all the same (linalg's pooledWorkspace; the caller spins for the workers instead of waiting) and gives the
// one-thread bits (docs/ARCHITECTURE.md, "Threads").
import { afterAll, expect, it } from "vitest";
import { Rng, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { mainThreadProbe, sameBits } from "@lowrank/test-utils/threads";
import { complete, init, type CompletionModel, type Observations } from "../src/index.js";

const { pool, onMainThread, since } = mainThreadProbe(threadPool);
const same = sameBits;

/** n x m, about a third of the positions of a rank-3 matrix plus noise. */
function synthetic(n: number, m: number): Observations {
  const rng = new Rng(9), U = rng.fillNormal(new Float64Array(n * 3)), V = rng.fillNormal(new Float64Array(m * 3));
  const rowIndex: number[] = [], colIndex: number[] = [], values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (rng.int(3) !== 0) continue;
      rowIndex.push(i);
      colIndex.push(j);
      values.push(3 + U[i * 3] * V[j * 3] + U[i * 3 + 1] * V[j * 3 + 1] + U[i * 3 + 2] * V[j * 3 + 2] + 0.1 * rng.normal());
    }
  }
  return { rows: n, cols: m, rowIndex: Int32Array.from(rowIndex), colIndex: Int32Array.from(colIndex), values: Float64Array.from(values) };
}

const factors = (r: CompletionModel) => Float64Array.from([...r.U, ...r.V, ...r.rowBias, ...r.colBias, r.globalMean]);

afterAll(() => stopThreads());

it("complete on a thread that cannot block runs on the pool with the one-thread bits", async () => {
  await init({ threads: 2 });
  const obs = synthetic(400, 300), opts = { rank: 10, maxIter: 2, tol: 0, lambda: 0.05 };
  const one = await complete(obs, { ...opts, threads: 1 });
  const s = { ...pool().stats };
  const two = await onMainThread(() => complete(obs, opts));
  expect(since(s).spinJobs).toBeGreaterThan(0);
  expect(since(s).onWorkers).toBeGreaterThan(0);
  expect(same(factors(two), factors(one))).toBe(true);
});
