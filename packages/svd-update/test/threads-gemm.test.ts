// svd-update's module declares linalg's packed GEMM tasks (gemmPackTask,
// gemmComputeTask; docs/ARCHITECTURE.md, "Threads"): a large product in one of
// its pool runs takes the packed path (two jobs: pack, multiply; gemmTask's
// blocks would be one) and gives the single-thread bits for 1-4 threads.
import { afterAll, describe, expect, it } from "vitest";
import { init, Rng, stopThreads } from "@lowrank/linalg";
import { arenaBytes, threadPool } from "@lowrank/linalg/internal";
import { svdUpdateModule } from "../src/module.js";
import { variants } from "./helpers.js";

const same = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

afterAll(() => stopThreads());

describe.each(variants)("svd-update's gemm on the pool, %s", (variant) => {
  it("the packed tasks: two jobs per product, the same bits for 1-4 threads", async () => {
    await init({ variant, threads: 4 });
    const m = 300, n = 520, k = 70;
    const rng = new Rng(5);
    const A = rng.fillNormal(new Float64Array(k * m)), B = rng.fillNormal(new Float64Array(k * n));
    const product = (threads: number) =>
      svdUpdateModule.run("wasm", arenaBytes(A.length + B.length + m * n), (ws) => {
        const c = ws.scratch(m * n);
        ws.kernels.gemm(true, false, m, n, k, 0.5, ws.input(A), m, ws.input(B), n, 0, c, n);
        return ws.output(c);
      }, threads);
    const ref = product(1);
    for (const threads of [2, 3, 4]) {
      const jobs = threadPool()!.stats.jobs;
      expect(same(product(threads), ref), `threads ${threads}`).toBe(true);
      expect(threadPool()!.stats.jobs - jobs).toBe(2);
    }
  });
});
