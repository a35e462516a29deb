// The row passes on the worker pool (src/threads.ts, docs/ARCHITECTURE.md
// "Threads"): leverage scores (the R factors of the pass's pieces and the row
// norms), the sketched scores' row pass and the Lewis-weight updates give the
// same bits for 1, 2, 3 and 4 threads, and the pool really ran their tasks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { init, Rng, runtimeStatus, stopThreads, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes, threadPool } from "@lowrank/linalg/internal";
import { leverageScores, leverageScoresAsync, lewisWeights, lpRegression, lpSensitivities, rootLeverageScores } from "../src/index.js";
import { sensitivityModule } from "../src/module.js";
import { expectCode, variants } from "./helpers.js";

const rng = new Rng(5);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });

/** The first index where a and b differ in any bit, or -1. */
function firstDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  if (Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) return -1;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function tasksRun(): number {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p.stats.tasks;
}

/**
 * Runs `f(threads)` for 1 thread, then 2, 3 and 4: the results must equal the
 * first one bit for bit, and each call with threads must have run tasks on the pool.
 */
function sameBits(f: (threads: number) => Float64Array[]): Float64Array[] {
  const t0 = tasksRun();
  const ref = f(1);
  expect(tasksRun(), "one thread runs no tasks").toBe(t0);
  for (const threads of [2, 3, 4]) {
    const before = tasksRun();
    const got = f(threads);
    expect(tasksRun() - before, `threads ${threads} ran tasks`).toBeGreaterThan(1);
    got.forEach((g, i) => expect(firstDiff(g, ref[i]), `threads ${threads}, output ${i}`).toBe(-1));
  }
  return ref;
}

/** sameBits for asynchronous runs (each holds the pool's threaded instance for its whole run). */
async function sameBitsAsync(f: (threads: number) => Promise<Float64Array[]>): Promise<void> {
  const t0 = tasksRun();
  const ref = await f(1);
  expect(tasksRun(), "one thread runs no tasks").toBe(t0);
  for (const threads of [2, 3, 4]) {
    const before = tasksRun();
    const got = await f(threads);
    expect(tasksRun() - before, `threads ${threads} ran tasks`).toBeGreaterThan(1);
    got.forEach((g, i) => expect(firstDiff(g, ref[i]), `threads ${threads}, output ${i}`).toBe(-1));
  }
}

// 10 blocks of 2048 rows: every lane of the R pass takes rows, two of them twice, the last block partial.
const A = randn(20000, 12);
// Wider than the structured QR's limit: the blocked QR on one thread, the row pass on the pool.
const W = randn(3000, 70);
// Three column groups of the CountSketch scatter.
const S = randn(20000, 24);
// 20 blocks: A's copy into the pool's memory split, its last 18 blocks copied while the pool folds the first 2.
const T = randn(40000, 12);
// Six pieces of the Lewis update (1024 rows each).
const L = randn(6000, 12);

afterAll(() => stopThreads());

describe.each(variants)("%s on 1-4 threads: the same bits", (variant) => {
  beforeAll(async () => {
    await init({ variant, threads: 4 });
    for (let i = 0; i < 400 && runtimeStatus().threads !== 4; i++) await new Promise((r) => setTimeout(r, 25));
    expect(runtimeStatus().threads).toBe(4);
  });

  it("exact leverage scores (pieces' R factors and row norms on the pool), equal to the js backend on simd", () => {
    const [ref] = sameBits((threads) => [leverageScores(A, { threads }).scores]);
    expect(firstDiff(leverageScores(A).scores, ref)).toBe(-1); // the default: the pool's 4
    // A whole in the pool's memory: one task per lane of the R pass, then the row norms by 1024 rows (the streamed
    // pass, as in leverageScoresAsync below, runs 8 block tasks and 16 row tasks for the first 16384 rows instead).
    const t0 = tasksRun();
    leverageScores(A, { threads: 2 });
    expect(tasksRun() - t0).toBe(8 + Math.ceil(A.rows / 1024));
    if (variant === "simd") expect(firstDiff(leverageScores(A, { backend: "js" }).scores, ref)).toBe(-1);
    sameBits((threads) => [leverageScores(W, { threads }).scores]);
    // Taller: the lanes of the first 2 blocks (2 tasks) beside the copy of the rest, then the rest's 8 lanes, the row norms.
    const [tall] = sameBits((threads) => [leverageScores(T, { threads }).scores]);
    const t1 = tasksRun();
    leverageScores(T, { threads: 2 });
    expect(tasksRun() - t1).toBe(2 + 8 + Math.ceil(T.rows / 1024));
    if (variant === "simd") expect(firstDiff(leverageScores(T, { backend: "js" }).scores, tall)).toBe(-1);
  });

  it("leverageScoresAsync: the streamed passes on the pool's instance, the synchronous scores' bits", async () => {
    const ref = leverageScores(A, { threads: 1 }).scores;
    await sameBitsAsync(async (threads) => {
      const s = (await leverageScoresAsync(A, { threads })).scores;
      expect(firstDiff(s, ref), `threads ${threads}`).toBe(-1);
      return [s];
    });
  });

  it("sketched and root leverage scores", () => {
    sameBits((threads) => [
      leverageScores(S, { method: "sketch", seed: 3, threads }).scores,
      leverageScores(A, { method: "sketch", sketch: "srht", seed: 3, projections: 4, threads }).scores,
      rootLeverageScores(A, 1, { threads }).scores,
    ]);
  });

  it("Lewis-weight updates (lewisUpdate, and lewisUpdateGram's update) on the pool", () => {
    const n = A.rows, d = A.cols;
    const U = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) U[i * d + j] = i === j ? 0.02 : 0.001 * rng.normal();
    const lw0 = rng.fillNormal(new Float64Array(n));
    sameBits((threads) => sensitivityModule.run("wasm", arenaBytes(n * d + d * d + 4 * n + d * d + 2 * d, 0, 12), (ws) => {
      const K = ws.kernels;
      const a = ws.input(A.data), u = ws.input(U), lw = ws.input(lw0), v = ws.f64(n), z = ws.f64(2 * d), G = ws.f64(d * d);
      const out: Float64Array[] = [];
      for (const [p, alpha] of [[1, 1], [3, 0.5]]) {
        const c1 = K.lewisUpdate(n, d, a, d, u, p, alpha, lw, v, z);
        out.push(lw.slice(), v.slice());
        const c2 = K.lewisUpdateGram(n, d, a, d, u, p, alpha, lw, v, z, G);
        out.push(lw.slice(), v.slice(), G.slice(), Float64Array.of(c1, c2));
      }
      return out;
    }, threads));
  });

  it("Lewis weights (exact p = 1 and 5, sketched p = 1) and Lewis-bound sensitivities: long runs on the pool's instance", async () => {
    const opts = { maxIter: 8 };
    await sameBitsAsync(async (threads) => [
      (await lewisWeights(L, 1, { ...opts, threads })).weights,
      (await lewisWeights(L, 5, { ...opts, threads })).weights,
      (await lewisWeights(L, 1, { ...opts, method: "sketch", seed: 2, threads })).weights,
      (await lpSensitivities(L, 1, { ...opts, threads })).sensitivities,
    ]);
  });

  it("lpRegression (p = 1.5, and p = 1 with its exact finish): each iteration's R factor on the pool", async () => {
    const b = rng.fillNormal(new Float64Array(L.rows));
    await sameBitsAsync(async (threads) => {
      const out: Float64Array[] = [];
      for (const p of [1.5, 1]) {
        const r = await lpRegression(L, b, p, { maxIter: 4, threads });
        out.push(r.x, Float64Array.of(r.objective, r.iterations));
      }
      return out;
    });
  });

  it("the weighted Gram matrix, split by bands of its rows (alone and after the Lewis update)", () => {
    const n = S.rows, d = S.cols;
    const v0 = Float64Array.from(rng.fillUniform(new Float64Array(n)), (x) => 0.5 + x);
    const U = new Float64Array(d * d);
    for (let i = 0; i < d; i++) U[i * d + i] = 0.05;
    sameBits((threads) => sensitivityModule.run("wasm", arenaBytes(n * d + 3 * n + 2 * d * d + 2 * d, 0, 8), (ws) => {
      const K = ws.kernels, a = ws.input(S.data), v = ws.input(v0), G = ws.f64(d * d);
      const before = tasksRun();
      K.weightedGram(n, d, a, d, v, G);
      expect(tasksRun() - before).toBe(threads > 1 ? 3 : 0);
      const out = [G.slice()];
      const lw = ws.f64(n), w = ws.f64(n), z = ws.f64(2 * d), u = ws.input(U);
      out.push(Float64Array.of(K.lewisUpdateGram(n, d, a, d, u, 1, 1, lw, w, z, G)), lw.slice(), w.slice(), G.slice());
      return out;
    }, threads));
  });

  it("the unweighted CountSketch scatter, split by column groups", () => {
    const n = S.rows, d = S.cols, m = 300;
    const u = rng.fillUniform(new Float64Array(n));
    sameBits((threads) => sensitivityModule.run("wasm", arenaBytes(n * d + n + m * d, 0, 4), (ws) => {
      const SA = ws.f64(m * d);
      const before = tasksRun();
      ws.kernels.countSketch(n, d, ws.input(S.data), d, ws.input(u), m, null, SA);
      expect(tasksRun() - before).toBe(threads > 1 ? 3 : 0);
      return [SA.slice()];
    }, threads));
  });
});

describe("the threads option", () => {
  it("is checked on the synchronous and the asynchronous forms", async () => {
    await expectCode(() => leverageScores(A, { threads: 0 }), "INVALID_ARGUMENT");
    await expectCode(() => leverageScores(A, { threads: 1.5 }), "INVALID_ARGUMENT");
    await expect(leverageScoresAsync(A, { threads: 65 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
