// truncatedSvd's Lanczos methods on the worker pool (docs/ARCHITECTURE.md,
// "Threads"): the same bits for 1, 2, 3 and 4 threads in both forms (the
// one-sided AᵀA form on tall and wide matrices, the two-sided GKL form), and
// the pool really runs the CSR products' tasks.
import { afterAll, describe, expect, it } from "vitest";
import { init, runtimeStatus, stopThreads, type CsrMatrix } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { EvolvingSvd, truncatedSvd } from "../src/index.js";
import { sparseRandom, variants } from "./helpers.js";

/** Whether two arrays hold the same bits. */
function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function pool() {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p;
}

afterAll(() => stopThreads());

// Large enough (over 32768 nonzeros) that the products split into several pieces.
const tall = sparseRandom(2400, 300, 0.06, 3);
const wide: CsrMatrix = sparseRandom(300, 2400, 0.06, 4);

describe.each(variants)("truncatedSvd on the pool, %s: the same bits for 1-4 threads", (variant) => {
  it.each([
    ["tall, the AᵀA form", tall, { rank: 6 }],
    ["wide, the AᵀA form on its transpose", wide, { rank: 6 }],
    ["tall, the two-sided GKL form (tol below what squaring reaches)", tall, { rank: 6, tol: 1e-14 }],
    // A basis of 96 vectors of 2400 (Gram-Schmidt stays on one thread: below the pool's minimum).
    ["tall, the GKL form at rank 40", tall, { rank: 40, tol: 1e-14 }],
  ] as const)("%s", async (_, A, extra) => {
    const r = await init({ variant, threads: 4 });
    expect(r.threads).toBe(4);
    expect(runtimeStatus().threadedModules).toContain("@lowrank/svd-update");
    const one = await truncatedSvd(A, { threads: 1, ...extra });
    for (const threads of [2, 3, 4]) {
      const tasks = pool().stats.tasks;
      const r = await truncatedSvd(A, { threads, ...extra });
      expect(pool().stats.tasks).toBeGreaterThan(tasks);
      expect(same(r.s, one.s) && same(r.U.data, one.U.data) && same(r.V.data, one.V.data), `${threads} threads`).toBe(true);
      expect(r.iterations).toBe(one.iterations);
    }
    // The pool's default (4) and EvolvingSvd.create's initial SVD on it.
    expect(same((await truncatedSvd(A, { ...extra })).s, one.s)).toBe(true);
  });

  it("EvolvingSvd.create's initial Lanczos SVD runs on the pool with the same bits", async () => {
    await init({ variant, threads: 4 });
    const tasks = pool().stats.tasks;
    const e = await EvolvingSvd.create(tall, { rank: 6 });
    expect(pool().stats.tasks).toBeGreaterThan(tasks);
    await init({ variant, threads: 1 });
    const e1 = await EvolvingSvd.create(tall, { rank: 6 });
    expect(same(e.singularValues(), e1.singularValues())).toBe(true);
  });
});
