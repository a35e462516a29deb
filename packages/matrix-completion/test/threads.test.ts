// complete() on the worker pool (docs/ARCHITECTURE.md, "Threads"): the ALS
// and altmin half-steps, robust-altmin's passes, BPMF's half-steps and scoring pass and the squared-error pass
// split over 1, 2, 3 and 4 threads give the same bits, on both WASM variants and against the
// TypeScript reference; a run holds the pool only while it lasts.
import { afterAll, describe, expect, it } from "vitest";
import { Rng, runtimeStatus, stopThreads, type WasmVariant } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { complete, init, type CompleteOptions, type CompletionModel, type Observations } from "../src/index.js";
import { variants } from "./helpers.js";

/** n x m, about nnz distinct positions of a rank-4 matrix plus noise. */
function synthetic(n: number, m: number, nnz: number, seed: number): Observations {
  const rng = new Rng(seed), r = 4;
  const U = rng.fillNormal(new Float64Array(n * r)), V = rng.fillNormal(new Float64Array(m * r));
  const seen = new Uint8Array(n * m);
  const rowIndex: number[] = [], colIndex: number[] = [], values: number[] = [];
  while (values.length < nnz) {
    const i = rng.int(n), j = rng.int(m);
    if (seen[i * m + j]) continue;
    seen[i * m + j] = 1;
    let s = 0;
    for (let t = 0; t < r; t++) s += U[i * r + t] * V[j * r + t];
    rowIndex.push(i);
    colIndex.push(j);
    values.push(3 + s / 2 + 0.1 * rng.normal());
  }
  return { rows: n, cols: m, rowIndex: Int32Array.from(rowIndex), colIndex: Int32Array.from(colIndex), values: Float64Array.from(values) };
}

// 70k observations: past the size at which the half-steps (blocks of 16 rows: 32 and 22 tasks) and the
// loss pass (chunks of 8192: 9 tasks) go to the pool, small enough for a test.
const obs = synthetic(500, 350, 70_000, 5);

/** Every number the model carries from the run. */
function numbers(model: CompletionModel): Float64Array {
  const h = model.history.flatMap((r) => [r.loss, r.trainRmse, r.validationRmse ?? 0, r.innerSteps ?? 0, r.innerUnconverged ?? 0]);
  return Float64Array.from([...model.U, ...model.V, ...model.rowBias, ...model.colBias, model.globalMean, model.residual, ...h]);
}

/** The same as bits (a zero's sign included). */
function bits(model: CompletionModel): BigUint64Array {
  return new BigUint64Array(numbers(model).buffer);
}

/** Index of the first differing bit pattern, or -1. */
function firstDiff(a: BigUint64Array, b: BigUint64Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function pool() {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p;
}

const CASES: [string, CompleteOptions][] = [
  ["als with biases", { rank: 12, maxIter: 3, tol: 0, lambda: 0.05 }],
  ["altmin", { method: "altmin", rank: 12, maxIter: 2, tol: 0 }],
  // Rows of 140 and columns of 200 observations, over the 32 sketch rows: every regression takes the sketched path.
  ["robust-altmin", { method: "robust-altmin", rank: 8, maxIter: 2, tol: 0 }],
  ["robust-altmin, SRHT", { method: "robust-altmin", sketch: "srht", rank: 8, maxIter: 1, tol: 0 }],
  // Each row's normals are drawn before the pass, so a row's sample does not depend on which thread draws it.
  ["bpmf", { method: "bpmf", rank: 12, maxIter: 3, burnIn: 1 }],
];

afterAll(() => stopThreads());

describe.each(variants)("complete on the pool, %s", (variant: WasmVariant) => {
  it("init({ threads: 4 }) adds the module's threaded variant to the pool", async () => {
    expect(await init({ variant, threads: 4 })).toEqual({ variant, threads: 4 });
    expect(runtimeStatus().threadedModules).toContain("@lowrank/matrix-completion");
  });

  it.each(CASES)("%s: the same bits for 1, 2, 3 and 4 threads", async (_, opts) => {
    const p = pool();
    const jobs = p.stats.jobs;
    const ref = bits(await complete(obs, { ...opts, threads: 1 }));
    expect(p.stats.jobs).toBe(jobs); // threads: 1 never touches the pool
    for (const threads of [2, 3, 4]) {
      const before = p.stats.jobs;
      expect(firstDiff(bits(await complete(obs, { ...opts, threads })), ref), `threads ${threads}`).toBe(-1);
      // At least one job per half-step and iteration ran on the pool.
      expect(p.stats.jobs - before).toBeGreaterThanOrEqual(2 * (opts.maxIter ?? 1));
    }
    expect(firstDiff(bits(await complete(obs, opts)), ref)).toBe(-1); // the default: the pool's 4
  });

  it("the loss pass and the validation pass split into chunks, with the same bits", async () => {
    const validation = synthetic(500, 350, 20_000, 9);
    const opts: CompleteOptions = { rank: 12, maxIter: 2, tol: 0, lambda: 0.05, validation };
    const p = pool();
    const tasks = p.stats.tasks;
    const ref = bits(await complete(obs, { ...opts, threads: 1 }));
    const two = await complete(obs, { ...opts, threads: 2 });
    expect(firstDiff(bits(two), ref)).toBe(-1);
    // Per iteration: 22 + 32 half-step tasks and 9 loss chunks.
    expect(p.stats.tasks - tasks).toBe(2 * (22 + 32 + 9));
  });

  it("bpmf: the half-steps (U's scoring its rows as it samples them) run on the pool, with the same bits", async () => {
    const validation = synthetic(500, 350, 20_000, 9);
    const opts: CompleteOptions = { rank: 12, maxIter: 3, burnIn: 1, validation };
    const p = pool();
    const ref = bits(await complete(obs, { ...opts, threads: 1 }));
    const tasks = p.stats.tasks;
    expect(firstDiff(bits(await complete(obs, { ...opts, threads: 2 })), ref)).toBe(-1);
    // Per sweep: 22 + 32 half-step tasks; the scoring pass runs inside U's (no job of its own).
    expect(p.stats.tasks - tasks).toBe(3 * (22 + 32));
  });

  it.runIf(variant === "simd")("simd on 3 threads agrees bit for bit with the TypeScript reference", async () => {
    // als (altmin's QR runs gemm, which agrees with its twin to rounding only at these sizes; docs/ARCHITECTURE.md, "Twins").
    const opts: CompleteOptions = { rank: 12, maxIter: 1, tol: 0, lambda: 0.05 };
    const a = numbers(await complete(obs, { ...opts, threads: 3 })), b = numbers(await complete(obs, { ...opts, backend: "js" }));
    expect(a.findIndex((x, i) => x !== b[i])).toBe(-1);
  });

  it("two runs at once: one takes the pool, the other its own instance; both give the one-thread bits", async () => {
    const opts: CompleteOptions = { rank: 12, maxIter: 2, tol: 0, lambda: 0.05 };
    const ref = bits(await complete(obs, { ...opts, threads: 1 }));
    const [a, b] = await Promise.all([complete(obs, opts), complete(obs, opts)]);
    expect(firstDiff(bits(a), ref)).toBe(-1);
    expect(firstDiff(bits(b), ref)).toBe(-1);
  });

  it("an aborted run gives the pool back", async () => {
    const controller = new AbortController();
    const run = complete(obs, { rank: 12, maxIter: 50, tol: 0, lambda: 0.05, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    expect(pool().arena.used).toBe(0);
    const jobs = pool().stats.jobs;
    await complete(obs, { rank: 12, maxIter: 1, lambda: 0.05 });
    expect(pool().stats.jobs).toBeGreaterThan(jobs);
  });
});
