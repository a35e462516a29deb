// Threads in the runtime (docs/ARCHITECTURE.md, "Threads"): where the pool
// can run, its start by `init()`, the modules that join it, and which runs
// use it. The pool itself is pool.ts; the worker side pool-worker.ts.
import { type Arena, guardMode, MAX_WASM_BYTES } from "./arena.js";
import { LowrankError } from "./errors.js";
import { THREAD_DATA_BYTES, ThreadPool, workerFactory, type PoolModule } from "./pool.js";
import type { WasmLoader } from "./runtime.js";
import { decodeBase64, importsFor, PAGE, WasmInstance, type BaseExports } from "./runtime-instance.js";
import type { WasmVariant } from "./types.js";

/** Most threads `init()` or a call may ask for. */
export const MAX_THREADS = 64;
/** The default never starts more threads than this, however many cores there are. */
export const DEFAULT_MAX_THREADS = 8;

/** A module's threaded side, declared in `defineKernelModule({ threads })`. */
export interface ThreadSpec<E> {
  /** The threaded variants (tools/wasm-build writes src/generated/wasm-<variant>-threads.ts). */
  sources: Record<WasmVariant, () => Promise<{ default: string; dataBase: number }>>;
  /**
   * Its task kernels: exports `(job: usize, task: i32, scratch: usize): void`
   * that run task `task` of the job described at `job`, each task a fixed
   * piece of the work whatever the thread count.
   */
  tasks: string[];
  /** Bytes of scratch one thread's task needs (each thread has its own). */
  scratchBytes(exports: E): number;
}

interface Entry {
  pm: PoolModule;
  instance: WasmInstance<unknown>;
  /** Its 64 KiB slot of static data in the shared memory. */
  slot: number;
}

let pool: ThreadPool | null = null;
let poolVariant: WasmVariant | null = null;
let maxBytes = 0;
const entries = new Map<WasmLoader<unknown>, Entry>();
let note: string | undefined;

type Globals = {
  process?: { versions?: { node?: string } };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  WorkerGlobalScope?: unknown;
  document?: unknown;
};
const g = globalThis as Globals;

/** Whether this thread may block in Atomics.wait: Node (any thread) and workers, not a browser's main thread. */
export function canBlock(): boolean {
  const forced = pool?.callerMayBlock;
  if (forced === true || forced === false) return forced;
  return !!g.process?.versions?.node || (g.WorkerGlobalScope !== undefined && g.document === undefined);
}

/** Why threads cannot run here, in plain words, or null when they can. */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") {
    if (g.crossOriginIsolated === false) {
      return "one thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp to use threads)";
    }
    return "one thread: this engine has no SharedArrayBuffer";
  }
  if (g.crossOriginIsolated === false) return "one thread: the page is not cross-origin isolated (serve it with COOP/COEP headers to use threads)";
  return null;
}

/** The default thread count: the available parallelism, at most DEFAULT_MAX_THREADS. */
async function defaultThreads(): Promise<number> {
  let cores = g.navigator?.hardwareConcurrency ?? 0;
  if (!cores && g.process?.versions?.node) {
    const name = "node:os";
    const os = (await import(/* @vite-ignore */ name)) as typeof import("node:os");
    cores = os.availableParallelism?.() ?? os.cpus().length;
  }
  return Math.max(1, Math.min(cores || 1, DEFAULT_MAX_THREADS));
}

/** A shared memory with the largest maximum the engine grants (4 GiB first). */
function sharedMemory(initialBytes: number): WebAssembly.Memory | null {
  const initial = Math.ceil(initialBytes / PAGE);
  for (const maximum of [65536, 32768, 16384, 4096]) {
    try {
      const memory = new WebAssembly.Memory({ initial: Math.min(initial, maximum), maximum, shared: true });
      maxBytes = maximum * PAGE;
      return memory;
    } catch {}
  }
  return null;
}

/** Stops the pool (its workers terminate). */
export function stopThreads(): void {
  pool?.stop();
  pool = null;
  poolVariant = null;
  entries.clear();
}

/**
 * Starts the pool (or keeps the one running if it matches) with `requested`
 * threads (default: the available parallelism, at most 8) and the threaded
 * variant of every module that has one. Resolves to the threads that run and
 * why fewer than asked, if so.
 */
export function startThreads(
  variant: WasmVariant, requested: number | undefined, loaders: readonly WasmLoader<unknown>[],
): Promise<{ threads: number; note?: string }> {
  // One start at a time: two init() calls in parallel must not make two pools.
  const next = starting.then(() => start(variant, requested, loaders));
  starting = next.catch(() => undefined);
  return next;
}
let starting: Promise<unknown> = Promise.resolve();

async function start(
  variant: WasmVariant, requested: number | undefined, loaders: readonly WasmLoader<unknown>[],
): Promise<{ threads: number; note?: string }> {
  const want = requested ?? (await defaultThreads());
  note = undefined;
  if (pool && (poolVariant !== variant || pool.threads !== want)) stopThreads();
  if (want > 1 && !pool) {
    const why = threadsUnavailable();
    const spawn = why ? null : await workerFactory();
    const memory = why || !spawn ? null : sharedMemory(THREAD_DATA_BYTES + want * (2 << 20) + (8 << 20));
    if (why || !spawn || !memory) {
      note = why ?? (spawn ? "one thread: the engine refused a shared WebAssembly memory" : "one thread: this platform cannot start workers");
    } else {
      pool = new ThreadPool(memory, want, spawn);
      poolVariant = variant;
      await pool.start();
    }
  }
  // Every module joins at once: their compilations overlap, and the workers instantiate them in one wait.
  if (pool) await Promise.all(loaders.map((l) => joinThreads(l)));
  const threads = pool ? 1 + pool.ready : 1;
  if (pool && threads < want) note ??= `${threads} of ${want} threads: some workers failed to start`;
  if (pool && !canBlock()) {
    note ??= "synchronous calls made on this thread run on it alone (a browser's main thread cannot wait for workers); the asynchronous runs that take the pool (fits, truncated SVDs, leverage scores, Lewis weights, Tucker, CP) use every thread here: call lowrank from a Web Worker to have synchronous calls on the pool too";
  }
  return note === undefined ? { threads } : { threads, note };
}

/** Adds a module's threaded variant to the pool (when both exist and it is not there yet). */
export function joinThreads(loader: WasmLoader<unknown>): Promise<void> {
  const j = joining.get(loader);
  if (j && j.pool === pool) return j.done;
  const done = join(loader).finally(() => {
    if (joining.get(loader)?.done === done) joining.delete(loader);
  });
  joining.set(loader, { pool, done });
  return done;
}
/** Joins under way (one per module and pool: two init() calls must not add a module twice). */
const joining = new Map<WasmLoader<unknown>, { pool: ThreadPool | null; done: Promise<void> }>();

async function join(loader: WasmLoader<unknown>): Promise<void> {
  const p = pool, variant = poolVariant, spec = loader.threads;
  if (!p || !variant || !spec || entries.has(loader)) return;
  const { default: b64, dataBase } = await spec.sources[variant]();
  const module = await WebAssembly.compile(decodeBase64(b64) as BufferSource);
  if (p !== pool || entries.has(loader)) return;
  // Everything below is synchronous: the permanent blocks need the arena empty.
  while (p.arena.used > 0 || p.running) await new Promise((r) => setTimeout(r, 5));
  const raw = new WebAssembly.Instance(module, importsFor(p.memory)).exports as unknown as BaseExports & Record<string, unknown>;
  const heapBase = raw.heapBase();
  const slot = Math.floor(dataBase / PAGE);
  for (const e of entries.values()) {
    if (e.slot === slot) throw new LowrankError("INTERNAL", `${loader.name}: its threaded module shares a data slot with ${e.pm.name} (tools/wasm-build THREAD_SLOTS)`);
  }
  if (heapBase > (slot + 1) * PAGE || heapBase > THREAD_DATA_BYTES) {
    throw new LowrankError("INTERNAL", `${loader.name}: its threaded module's static data does not fit its 64 KiB slot`);
  }
  const instance = new WasmInstance<unknown>(variant, p.memory, raw, heapBase, p.arena);
  const fns = spec.tasks.map((name) => {
    const f = raw[name];
    if (typeof f !== "function") throw new LowrankError("INTERNAL", `${loader.name}: no task kernel ${name} in its threaded module`);
    return f as (job: number, task: number, scratch: number) => void;
  });
  const added = p.addModule({ name: loader.name, tasks: spec.tasks, fns, scratchBytes: spec.scratchBytes(raw), module });
  const pm = p.modules[p.modules.length - 1];
  loader.warm(instance); // binds (permanent blocks) and warms once: the workers share the compiled code
  await added;
  entries.set(loader, { pm, instance, slot });
}

/** What the pool holds now: ready threads (calling thread included), why fewer if so, and the modules it runs. */
export function threadsStatus(): { threads: number; note?: string; modules: string[] } {
  const modules = [...entries.values()].map((e) => e.pm.name);
  const threads = pool ? 1 + pool.ready : 1;
  return note === undefined ? { threads, modules } : { threads, note, modules };
}

/** The pool, for tests and benchmarks (null when none runs). */
export function threadPool(): ThreadPool | null {
  return pool;
}

/** The most room `reservePooled` keeps above a run's reservation. */
const HEADROOM_MAX = 64 << 20;

/**
 * Reserves `bytes` on the pool's arena and, where the memory's maximum
 * allows, as much again (at most 64 MiB) of room above them: parallel
 * kernels take their temporary shared blocks there during a call (gemm's
 * packed operands, threads-gemm.ts), since memory cannot grow under a run's
 * live views. Only the memory grows; the reservation is `bytes`.
 */
export function reservePooled(arena: Arena, bytes: number): void {
  const limit = Math.min(maxBytes, MAX_WASM_BYTES);
  const room = Math.max(0, Math.min(bytes, HEADROOM_MAX, Math.floor((limit - arena.mark() - 65536) / (guardMode ? 2 : 1)) - bytes));
  try {
    arena.reserve(bytes + room);
  } catch {
    arena.reserve(bytes); // the engine refused the growth: the run goes on without the room
  }
}

/**
 * The threaded instance of `loader`'s module set up for a run of `threads`
 * threads (default: the pool's) that reserves `bytes`, or null when the run
 * must stay on one thread: no pool, one thread asked, the pool busy with
 * another run, more memory than it can hold, or a thread that cannot block
 * (a browser's main thread) unless `spin`. With `spin` (the long,
 * asynchronous runs of `pooledWorkspace`) such a thread joins its kernels'
 * jobs by spinning instead of waiting (ThreadPool.runSync), so those runs
 * use the pool there too.
 */
export function threadedInstance<E>(loader: WasmLoader<E>, threads: number | undefined, bytes: number, spin = false): WasmInstance<E> | null {
  const p = pool;
  const block = canBlock();
  if (!p || threads === 1 || !(block || spin)) return null;
  const e = entries.get(loader as WasmLoader<unknown>);
  if (!e || p.running || p.arena.used > 0) return null;
  // A run holds the pool from the moment it is handed an instance (its `tasks` set) until it
  // releases it, even while it has taken no block yet (an asynchronous run between two yields).
  for (const other of entries.values()) if (other.instance.tasks) return null;
  const t = Math.min(threads ?? p.threads, p.threads);
  if (t < 2 || !(p.arena.mark() + (guardMode ? 2 * bytes : bytes) + 65536 <= Math.min(maxBytes, MAX_WASM_BYTES))) return null;
  const { pm, instance } = e;
  instance.tasks = {
    threads: t,
    run: (task, job, ntasks, meanwhile) => {
      const fn = pm.tasks.indexOf(task);
      if (fn < 0) throw new LowrankError("INTERNAL", `${pm.name}: ${task} is not a declared task kernel`);
      p.runSync(pm, fn, job, ntasks, t, block, meanwhile);
    },
    has: (task) => pm.tasks.includes(task),
  };
  return instance as WasmInstance<E>;
}

/** Jobs of pingTask that init() runs once the pool is up (warmPool). */
export const PING_JOBS = 1000;

/**
 * Runs `jobs` jobs of linalg's no-op task pingTask (task t marks word t of the job) through a threaded instance's
 * task runner, every other one with work beside it on the calling thread (five different functions in turn), as a
 * threaded call runs its jobs: the job
 * loop's JavaScript, on the calling thread and on every worker, then runs optimised from the first real threaded
 * call, which otherwise pays for those compiles while it runs (with a core per thread, V8's background compiles take
 * the cores the threads need). Returns the jobs run (0 without a pool, or while a run holds it). INTERNAL if a task
 * did not run.
 */
export function warmPool(jobs = PING_JOBS): number {
  const p = pool;
  const found = [...entries.entries()].find(([, e]) => e.pm.tasks.includes("pingTask"));
  if (!p || !found) return 0;
  const instance = threadedInstance(found[0], undefined, 64);
  const run = instance?.tasks;
  if (!instance || !run) return 0;
  const mark = p.arena.mark();
  try {
    const t = run.threads, job = p.arena.scratchI32(t), at = job.byteOffset;
    // Five distinct functions beside the jobs, so that the optimised job loop calls whatever a real call passes
    // (one function there was inlined, and a user's first threaded call deoptimised on its own: "wrong call target").
    const besides = [() => undefined, () => 0, () => null, () => false, () => ""];
    for (let j = 0; j < jobs; j++) {
      job.fill(0);
      run.run("pingTask", at, t, j & 1 ? besides[(j >> 1) % besides.length] : undefined);
      for (let s = 0; s < t; s++) if (job[s] !== s + 1) throw new LowrankError("INTERNAL", `pingTask: task ${s} of a warm-up job did not run`);
    }
    return jobs;
  } finally {
    p.arena.release(mark);
    instance.tasks = null;
  }
}

/**
 * warmPool for init(): best effort, as the warm calls (a pool that fails here fails the first threaded call, which
 * reports it, not init(); the pool replaces a worker that died).
 */
export function warmPoolQuietly(): void {
  try {
    warmPool();
  } catch {
    // see above
  }
}
