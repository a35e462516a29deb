// Long runs started together, across packages, with the worker pool on: the
// first to start holds the pool (its threaded instance and the shared arena)
// until it releases it, even between its yields when it holds no block yet;
// the others run on their own instances meanwhile. Each result equals the
// same call made alone (docs/ARCHITECTURE.md, "Threads").
import { gemm, init, Rng, stopThreads, type DenseMatrix } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { complete } from "@lowrank/matrix-completion";
import { leverageScoresAsync, lewisWeights } from "@lowrank/sensitivity-sampling";
import { truncatedSvd } from "@lowrank/svd-update";
import { cp, tucker } from "@lowrank/tensor-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const rng = new Rng(11);
const dense = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const A = dense(300, 40);
const B = dense(200, 30);
const X = { shape: [12, 10, 8], data: rng.fillNormal(new Float64Array(960)) };
const obs = (() => {
  const n = 60, m = 50, nnz = 1500;
  const rowIndex = new Int32Array(nnz), colIndex = new Int32Array(nnz), values = new Float64Array(nnz);
  const seen = new Set<number>();
  for (let q = 0; q < nnz; ) {
    const i = rng.int(n), j = rng.int(m);
    if (seen.has(i * m + j)) continue;
    seen.add(i * m + j);
    rowIndex[q] = i;
    colIndex[q] = j;
    values[q++] = rng.normal();
  }
  return { rows: n, cols: m, rowIndex, colIndex, values };
})();

const runs: Record<string, () => Promise<Float64Array>> = {
  truncatedSvd: async () => (await truncatedSvd(A, { rank: 3, seed: 1 })).s,
  truncatedSvd5: async () => (await truncatedSvd(B, { rank: 5, seed: 2 })).s,
  tucker: async () => (await tucker(X, { rank: [3, 3, 2] })).core.data,
  cp: async () => (await cp(X, { rank: 2, seed: 1, maxIter: 5, tol: 0 })).factors[0].data,
  leverage: async () => (await leverageScoresAsync(A)).scores,
  lewis: async () => (await lewisWeights(B, 1, { maxIter: 5 })).weights,
  complete: async () => (await complete(obs, { rank: 3, lambda: 0.1, maxIter: 3, tol: 0, seed: 1 })).U,
};

const alone = new Map<string, Float64Array>();

beforeAll(async () => {
  await init({ threads: 2 });
  for (const [name, f] of Object.entries(runs)) alone.set(name, Float64Array.from(await f()));
});
afterAll(() => stopThreads());

describe("long runs started together share the pool safely", () => {
  const pairs: [string, string][] = [
    ["truncatedSvd", "tucker"],
    ["leverage", "tucker"],
    ["truncatedSvd", "truncatedSvd5"],
    ["tucker", "truncatedSvd"],
    ["cp", "leverage"],
    ["lewis", "complete"],
    ["complete", "cp"],
  ];
  it.each(pairs)("%s with %s", async (a, b) => {
    const [ra, rb] = await Promise.all([runs[a](), runs[b]()]);
    expect(ra).toEqual(alone.get(a));
    expect(rb).toEqual(alone.get(b));
  });

  it("all seven at once, and a synchronous gemm while they run", async () => {
    const G = dense(64, 64);
    const ref = gemm(G, G).data;
    const all = Promise.all(Object.values(runs).map((f) => f()));
    expect(gemm(G, G).data).toEqual(ref);
    const out = await all;
    Object.keys(runs).forEach((name, i) => expect(out[i]).toEqual(alone.get(name)));
    expect(threadPool()?.arena.used).toBe(0);
  });
});
