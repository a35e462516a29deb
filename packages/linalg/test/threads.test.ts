// The worker pool and parallel GEMM (docs/ARCHITECTURE.md, "Threads"):
// bit-identical results for 1-4 threads on both variants, the one-thread
// path, abort, dead workers, and a process that exits with an idle pool.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { wasmVariants } from "@lowrank/test-utils";
import { gemm, init, LowrankError, Rng, runtimeStatus, stopThreads, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { threadPool } from "../src/internal.js";
import { writeGemmJob } from "../src/threads-gemm.js";
import { ThreadPool, THREAD_DATA_BYTES } from "../src/pool.js";

const rng = new Rng(7);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const here = fileURLToPath(new URL(".", import.meta.url));
/** The first index where a and b differ in any bit, or -1 (a fast check: toEqual on large arrays is slow). */
function firstDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  if (Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) return -1;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length), y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** GEMM's task blocks (assembly/gemm.ts, GEMM_TASK_ROWS x GEMM_TASK_COLS), and the packed job's pieces (GEMM_PIECE_ROWS x _COLS, GEMM_PACK_SPAN, KC). */
const ROWS = 256, COLS = 256;
const PIECE_ROWS = 126, PIECE_COLS = 252, SPAN = 252, KC = 256;
/** These shapes end in partial blocks both ways, one with a single row of blocks. */
const SHAPES: [number, number, number][] = [
  [300, 700, 129],
  [513, 257, 65],
  [129, 1031, 40],
  [1000, 300, 15],
];
const variants: WasmVariant[] = wasmVariants();

function pool() {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p;
}

async function untilThreads(n: number): Promise<void> {
  for (let i = 0; i < 400 && runtimeStatus().threads !== n; i++) await new Promise((r) => setTimeout(r, 25));
  expect(runtimeStatus().threads).toBe(n);
}

afterAll(() => stopThreads());

describe.each(variants)("parallel gemm, %s: the same bits for 1, 2, 3 and 4 threads", (variant) => {
  it("init({ threads: 4 }) starts the pool", async () => {
    const r = await init({ variant, threads: 4 });
    expect(r).toEqual({ variant, threads: 4 });
    expect(runtimeStatus().threads).toBe(4);
    expect(runtimeStatus().threadedModules).toEqual(["@lowrank/linalg"]);
  });

  it.each(SHAPES)("m = %i, n = %i, k = %i, every transpose, with and without C", (m, n, k) => {
    const jobs = pool().stats.jobs;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const A = transA ? randn(k, m) : randn(m, k);
        const B = transB ? randn(n, k) : randn(k, n);
        const C = randn(m, n);
        const opts = [{ transA, transB }, { transA, transB, C, alpha: -1.5, beta: 0.25 }];
        for (const o of opts) {
          const ref = gemm(A, B, { ...o, threads: 1 }).data;
          for (const threads of [2, 3, 4]) {
            expect(firstDiff(gemm(A, B, { ...o, threads }).data, ref), `threads ${threads}`).toBe(-1);
          }
          expect(firstDiff(gemm(A, B, o).data, ref)).toBe(-1); // the default: the pool's 4
        }
      }
    }
    // Every call above with threads > 1 ran on the pool: four jobs each (pack op(A) while B and C are copied in, pack op(B),
    // multiply the first rows, then the last quarter of them while the first are copied out).
    expect(pool().stats.jobs - jobs).toBe(4 * 4 * 2 * 4);
  });

  it("the input checks beside the packing: a non-finite A or B throws as on one thread; huge finite entries give one thread's bits", () => {
    const A = randn(300, 129), B = randn(129, 700);
    for (const threads of [1, 2, 4]) {
      const jobs = pool().stats.jobs;
      const bad = (M: DenseMatrix, i: number, v: number) => ({ ...M, data: M.data.map((x, j) => (j === i ? v : x)) });
      expect(() => gemm(bad(A, 5000, NaN), B, { threads })).toThrow(/A/);
      expect(() => gemm(A, bad(B, 777, -Infinity), { threads })).toThrow(/B/);
      expect(() => gemm(bad(A, 1, Infinity), bad(B, 2, NaN), { threads })).toThrow(/A/); // A is reported first
      let error: unknown = null;
      try {
        gemm(bad(A, 1, NaN), B, { threads });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LowrankError);
      expect((error as LowrankError).code).toBe("NON_FINITE");
      // Squares past the double range (the dot check fails) but finite entries: the exact scan passes them.
      const big = { ...A, data: A.data.map((x) => x * 1e160) };
      expect(firstDiff(gemm(big, B, { threads }).data, gemm(big, B, { threads: 1 }).data)).toBe(-1);
      expect(pool().stats.jobs - jobs).toBe(threads > 1 ? 5 * 4 : 0);
    }
  });

  it("the Gram matrix AᵀA (gemm with transA and B = A)", () => {
    const A = randn(700, 333);
    const ref = gemm(A, A, { transA: true, threads: 1 }).data;
    for (const threads of [2, 3, 4]) expect(firstDiff(gemm(A, A, { transA: true, threads }).data, ref)).toBe(-1);
  });
});

describe("the pool", () => {
  it("workers take tasks: the caller runs only part of a large product", async () => {
    await init({ threads: 2 });
    const A = randn(1024, 1024);
    const s = { ...pool().stats };
    gemm(A, A, { threads: 2 });
    const tasks = pool().stats.tasks - s.tasks, mine = pool().stats.callerTasks - s.callerTasks;
    expect(tasks).toBe(Math.ceil(1024 / KC) * Math.ceil(1024 / SPAN) * 2 + Math.ceil(1024 / PIECE_ROWS) * Math.ceil(1024 / PIECE_COLS));
    expect(mine).toBeLessThan(tasks);
  });

  it("gemmTask's blocks, each packing its own operands (where no room is left for packed ones), give the same bits", async () => {
    await init({ threads: 3 });
    const p = pool();
    const mod = p.modules[0], fn = mod.tasks.indexOf("gemmTask");
    const [m, n, k] = [300, 530, 129];
    for (const [transA, transB] of [[false, false], [true, true], [true, false]]) {
      const A = transA ? randn(k, m) : randn(m, k), B = transB ? randn(n, k) : randn(k, n), C = randn(m, n);
      const ref = gemm(A, B, { transA, transB, C, alpha: 0.75, beta: -2, threads: 1 }).data;
      const mark = p.arena.mark();
      p.arena.reserve((m * k + k * n + m * n) * 8 + 1024);
      try {
        const a = p.arena.scratch(A.data.length), b = p.arena.scratch(B.data.length), c = p.arena.scratch(m * n), job = p.arena.f64(10);
        a.set(A.data);
        b.set(B.data);
        c.set(C.data);
        writeGemmJob(p.memory, job.byteOffset, transA, transB, m, n, k, 0.75, a.byteOffset, A.cols, b.byteOffset, B.cols, -2, c.byteOffset, n);
        const tasks = p.stats.tasks;
        p.runSync(mod, fn, job.byteOffset, Math.ceil(m / ROWS) * Math.ceil(n / COLS), 3);
        expect(p.stats.tasks - tasks).toBe(6);
        expect(firstDiff(c.slice(), ref)).toBe(-1);
      } finally {
        p.arena.release(mark);
      }
    }
  });

  it("runSync's meanwhile runs once on the calling thread beside the job; its error is rethrown and the pool keeps working", async () => {
    await init({ threads: 2 });
    const p = pool();
    const mod = p.modules[0], fn = mod.tasks.indexOf("gemmTask");
    const [m, n, k] = [300, 530, 129];
    const A = randn(m, k), B = randn(k, n);
    const ref = gemm(A, B, { threads: 1 }).data;
    const mark = p.arena.mark();
    p.arena.reserve((m * k + k * n + m * n) * 8 + 1024);
    try {
      const a = p.arena.scratch(A.data.length), b = p.arena.scratch(B.data.length), c = p.arena.scratch(m * n), job = p.arena.f64(10);
      a.set(A.data);
      b.set(B.data);
      const ntasks = Math.ceil(m / ROWS) * Math.ceil(n / COLS);
      const run = (meanwhile: () => void) => {
        c.fill(NaN);
        writeGemmJob(p.memory, job.byteOffset, false, false, m, n, k, 1, a.byteOffset, k, b.byteOffset, n, 0, c.byteOffset, n);
        p.runSync(mod, fn, job.byteOffset, ntasks, 2, true, meanwhile);
      };
      let calls = 0;
      run(() => calls++);
      expect(calls).toBe(1);
      expect(firstDiff(c.slice(), ref)).toBe(-1);
      expect(() => run(() => {
        throw new RangeError("meanwhile failed");
      })).toThrow("meanwhile failed");
      run(() => calls++);
      expect(calls).toBe(2);
      expect(firstDiff(c.slice(), ref)).toBe(-1);
    } finally {
      p.arena.release(mark);
    }
  });

  it("an aborted asynchronous run stops starting tasks and rejects with ABORTED; the pool keeps working", async () => {
    await init({ threads: 2 });
    const p = pool();
    const mod = p.modules[0];
    const n = 640, cols = Math.ceil(n / COLS), ntasks = Math.ceil(n / ROWS) * cols;
    const arena = p.arena;
    const mark = arena.mark();
    arena.reserve(3 * n * n * 8 + 1024);
    try {
      const a = arena.f64(n * n), c = arena.f64(n * n), job = arena.f64(8);
      a.set(randn(n, n).data);
      c.fill(-7);
      writeGemmJob(p.memory, job.byteOffset, false, false, n, n, n, 1, a.byteOffset, n, a.byteOffset, n, 0, c.byteOffset, n);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 0);
      await expect(p.runAsync(mod, 0, job.byteOffset, ntasks, 2, ac.signal)).rejects.toMatchObject({ code: "ABORTED" });
      // Blocks whose first entry was never written: tasks that never started.
      let untouched = 0;
      for (let t = 0; t < ntasks; t++) if (c[Math.floor(t / cols) * ROWS * n + (t % cols) * COLS] === -7) untouched++;
      expect(untouched).toBeGreaterThan(0);
      const pre = new AbortController();
      pre.abort();
      await expect(p.runAsync(mod, 0, job.byteOffset, ntasks, 2, pre.signal)).rejects.toMatchObject({ code: "ABORTED" });
      // Not aborted: every block written.
      await p.runAsync(mod, 0, job.byteOffset, ntasks, 2);
      for (let t = 0; t < ntasks; t++) expect(c[Math.floor(t / cols) * ROWS * n + (t % cols) * COLS]).not.toBe(-7);
    } finally {
      arena.release(mark);
    }
    const A = randn(400, 400);
    expect(firstDiff(gemm(A, A, { threads: 2 }).data, gemm(A, A, { threads: 1 }).data)).toBe(-1);
  });

  it("a worker that dies holding a task fails the call with a LowrankError, not a hang; it is replaced and the next call works", async () => {
    await init({ threads: 2 });
    const A = randn(700, 700);
    const ref = gemm(A, A, { threads: 1 }).data;
    pool().crashOnNextTask(0);
    let error: unknown = null;
    // The caller may take every task before the worker wakes: repeat until the worker claims one.
    for (let i = 0; i < 20 && !error; i++) {
      try {
        expect(firstDiff(gemm(A, A, { threads: 2 }).data, ref)).toBe(-1);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(LowrankError);
    expect(error).toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/worker thread .* died/) });
    expect(firstDiff(gemm(A, A, { threads: 2 }).data, ref)).toBe(-1); // at once, before the replacement is up
    await untilThreads(2);
    const s = pool().stats.jobs;
    expect(firstDiff(gemm(A, A, { threads: 2 }).data, ref)).toBe(-1);
    expect(pool().stats.jobs).toBe(s + 4); // pack op(A), pack op(B), multiply in two jobs
  });

  it("a worker terminated between calls is replaced; calls meanwhile run correctly", async () => {
    await init({ threads: 2 });
    const A = randn(500, 600);
    const ref = gemm(A, A, { transB: true, threads: 1 }).data;
    pool().kill(0);
    expect(firstDiff(gemm(A, A, { transB: true }).data, ref)).toBe(-1);
    await untilThreads(2);
    expect(firstDiff(gemm(A, A, { transB: true }).data, ref)).toBe(-1);
  });

  it("init({ threads: 1 }) stops the pool: one thread, the same bits", async () => {
    await init({ threads: 2 });
    const A = randn(600, 500);
    const ref = gemm(A, A, { transA: true }).data;
    expect(await init({ threads: 1 })).toMatchObject({ threads: 1 });
    expect(threadPool()).toBeNull();
    expect(runtimeStatus()).toMatchObject({ threads: 1, threadedModules: [] });
    expect(firstDiff(gemm(A, A, { transA: true }).data, ref)).toBe(-1);
    expect(firstDiff(gemm(A, A, { transA: true, threads: 4 }).data, ref)).toBe(-1);
  });

  it("refuses a bad thread count", async () => {
    await expect(init({ threads: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(init({ threads: 2.5 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const A = randn(4, 4);
    expect(() => gemm(A, A, { threads: 0 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => gemm(A, A, { threads: 65 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("a worker that always dies while starting is given up after three tries, and a refused thread leaves its slot empty", async () => {
    const memory = new WebAssembly.Memory({ initial: THREAD_DATA_BYTES / 65536 + 4, maximum: 1024, shared: true });
    let spawned = 0;
    const dying = new ThreadPool(memory, 3, (_onMessage, onExit) => {
      spawned++;
      setTimeout(onExit, 1); // dies before it answers its first message
      return { post: () => {}, terminate: () => {}, idle: () => {} };
    });
    await dying.start();
    await new Promise((r) => setTimeout(r, 50)); // replacements start asynchronously
    expect(spawned).toBe(2 * 3);
    expect(dying.ready).toBe(0);
    const refused = new ThreadPool(memory, 2, () => {
      throw new Error("ERR_WORKER_INIT_FAILED");
    });
    await refused.start();
    expect(refused.ready).toBe(0);
  });

  it("a process with a started pool exits by itself (idle workers never keep it alive)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lowrank-threads-"));
    const script = join(dir, "exit.mts");
    const src = resolve(here, "../src/index.ts");
    writeFileSync(
      script,
      `import { gemm, init } from ${JSON.stringify(src)};\n` +
        `const r = await init({ threads: 2 });\n` +
        `const n = 300, A = { rows: n, cols: n, data: new Float64Array(n * n).fill(1) };\n` +
        `console.log(JSON.stringify({ threads: r.threads, c: gemm(A, A).data[0] }));\n`,
    );
    const root = resolve(here, "../../..");
    const started = Date.now();
    // The flag sidesteps Node 20's exit deadlock (nodejs/node#54918; tools/pack-check/lib.mjs, NODE_FLAGS).
    const out = execFileSync(process.execPath, ["--no-concurrent-recompilation", "--import", "tsx", script], { cwd: root, timeout: 90_000, encoding: "utf8" });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ threads: 2, c: 300 });
    expect(Date.now() - started).toBeLessThan(90_000);
  });
});
