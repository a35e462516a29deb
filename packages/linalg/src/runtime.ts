// The one WebAssembly runtime of lowrank. Every package declares its module
// once (`defineKernelModule`, runtime-module.ts: its sources, its binding, its
// TypeScript twin and its warm-up); this file turns that into compilation,
// the shared instances for synchronous calls and private instances for long
// runs, and starts the worker pool (threads.ts). Every declared module joins
// one registry, so one `init()` from any package initialises them all.
// docs/ARCHITECTURE.md, "The runtime" and "Threads", describes it.
import { LowrankError } from "./errors.js";
import { bestVariant, hasRelaxedSimd, hasSimd } from "./platform.js";
import { decodeBase64, WasmModule, type WasmInstance, type WasmSources } from "./runtime-instance.js";
import { joinThreads, MAX_THREADS, startThreads, threadPool, threadsStatus, threadsUnavailable, warmPoolQuietly, type ThreadSpec } from "./threads.js";
import type { WasmVariant } from "./types.js";
import { INIT_WARM_MS, prefault, setWarmDeadline, WARM_FLOOR, WARM_ROUNDS, warmRounds } from "./warm-rounds.js";

export { WasmInstance, WasmModule, type WasmSource, type WasmSources, type TaskRunner } from "./runtime-instance.js";

/** Every declared module, in declaration order; `init()` initialises them all. */
const registry: WasmLoader<unknown>[] = [];
/** The variant the last `init()` chose (every module runs the same one), or null before any. */
let chosenVariant: WasmVariant | null = null;

function checkVariant(variant: unknown): WasmVariant {
  if (variant !== "simd" && variant !== "relaxed-simd") {
    throw new LowrankError("INVALID_ARGUMENT", `init: variant must be "simd" or "relaxed-simd", got ${String(variant)}`);
  }
  if (variant === "relaxed-simd" ? !hasRelaxedSimd() : !hasSimd()) {
    throw new LowrankError("INVALID_ARGUMENT", `init: this engine does not run the ${variant} WebAssembly variant`);
  }
  return variant;
}

/** Options of `init()` (every package's `init` is this one runtime's). */
export interface InitOptions {
  /** Force a variant; default relaxed-simd where the engine runs it, else simd. */
  variant?: WasmVariant;
  /**
   * Threads for parallel kernels, the calling thread included (an integer
   * from 1 to 64). Default: the machine's available parallelism, at most 8.
   * 1 stops the pool. Where threads cannot run (no SharedArrayBuffer, a page
   * that is not cross-origin isolated) the runtime runs one and says why.
   */
  threads?: number;
}

/** What `init()` resolves to. */
export interface InitResult {
  variant: WasmVariant;
  /** Threads parallel kernels run on (1: the calling thread only). */
  threads: number;
  /** In plain words, why fewer threads run than asked for, or that synchronous calls on this thread stay on it (absent otherwise). */
  threadsNote?: string;
}

function checkThreads(threads: unknown): number | undefined {
  if (threads === undefined) return undefined;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new LowrankError("INVALID_ARGUMENT", `init: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  return threads;
}

/**
 * Compiles, instantiates and warms the WebAssembly module of every lowrank
 * package loaded so far (and of any loaded later, in the background), all in
 * one variant. Every package's `init()` is this function: after any of them
 * resolves, the synchronous entry points of every installed package work.
 */
export async function initRuntime(opts: InitOptions = {}): Promise<InitResult> {
  if (opts === null || typeof opts !== "object") throw new LowrankError("INVALID_ARGUMENT", "init: options must be an object");
  for (const key of Object.keys(opts)) {
    if (key !== "variant" && key !== "threads") throw new LowrankError("INVALID_ARGUMENT", `init: unknown option "${key}"; valid options: variant, threads`);
  }
  const threads = checkThreads(opts.threads);
  let variant: WasmVariant;
  if (opts.variant !== undefined) variant = checkVariant(opts.variant);
  else {
    const best = bestVariant();
    if (!best) throw new LowrankError("INVALID_ARGUMENT", `init: this engine has no WebAssembly SIMD; use backend: "js"`);
    variant = best;
  }
  chosenVariant = variant;
  // Past INIT_WARM_MS every module's rounds stop at their floor (warm-rounds.ts).
  const t0 = performance.now();
  setWarmDeadline(t0 + INIT_WARM_MS);
  try {
    return await initWarm(variant, threads, t0);
  } finally {
    setWarmDeadline(Infinity);
  }
}

/** initRuntime's work once the options are read: compile, start the pool, the warm rounds. */
async function initWarm(variant: WasmVariant, threads: number | undefined, t0: number): Promise<InitResult> {
  // The workers boot (on their own threads) while this thread compiles and warms the modules, then runs the
  // public calls (their JavaScript is the same on the pool; one module at a time, as they compete for the cores).
  // With a pool coming, the threaded variants start loading first, and the rounds move to the pool as soon as it is
  // up: at two threads or more a call runs on the threaded instance, whose WebAssembly tiers up on its own.
  const poolComing = threads !== 1 && threadsUnavailable() === null;
  if (poolComing) for (const m of registry) m.threads?.sources[variant]().catch(() => undefined);
  const started = startThreads(variant, threads, registry);
  let up = false;
  started.then(() => { up = true; }, () => undefined);
  await Promise.all(registry.map((m) => m.init(variant)));
  // The pages a first call takes above the warm calls' are touched before the rounds, which then bring the caches back.
  for (const m of registry) m.prefault();
  const t1 = performance.now();
  const ran = new Map<WasmLoader<unknown>, number>();
  for (const m of registry) ran.set(m, await m.warmCalls(`${variant}/1`, WARM_ROUNDS, poolComing ? () => up : undefined));
  const t2 = performance.now();
  const t = await started;
  const pool = threadPool();
  if (pool) prefault(pool.arena);
  // The job loop's JavaScript (calling thread and workers) made hot before the warm calls on the pool (threads.ts).
  if (t.threads > 1) warmPoolQuietly();
  const t3 = performance.now();
  // In all WARM_ROUNDS + WARM_FLOOR rounds a module (as when the pool's rounds came after all 12 on one thread), at
  // least WARM_FLOOR of them on the pool; without a pool, WARM_ROUNDS on one thread (none more for a module whose
  // rounds on one thread already ran in an earlier init()).
  for (const m of registry) {
    const r = ran.get(m) ?? 0;
    if (t.threads > 1) await m.warmCalls(`${variant}/${t.threads}`, Math.max(WARM_FLOOR, WARM_ROUNDS + WARM_FLOOR - r));
    else if (r > 0 && r < WARM_ROUNDS) await m.warmCalls(`${variant}/1 rest`, WARM_ROUNDS - r);
  }
  lastInitPhases = { compile: t1 - t0, warmCalls: t2 - t1, poolWait: t3 - t2, poolWarmCalls: performance.now() - t3 };
  return t.note === undefined ? { variant, threads: t.threads } : { variant, threads: t.threads, threadsNote: t.note };
}

/** Milliseconds of the last `init()`'s phases (benchmarks): compiling and warming the kernels, the warm calls on one thread, the wait for the pool, the warm calls on the pool. */
export let lastInitPhases: { compile: number; warmCalls: number; poolWait: number; poolWarmCalls: number } | null = null;

/** Every declared module's loader, in declaration order (benchmarks and tests). */
export function runtimeModules(): readonly WasmLoader<unknown>[] {
  return registry;
}

/** The variant the runtime runs: the one `init()` chose, or null before any `init()`. */
export function runtimeVariant(): WasmVariant | null {
  return chosenVariant;
}

/** What {@link runtimeStatus} reports. */
export interface RuntimeStatus {
  variant: WasmVariant | null;
  /** Threads of the pool ready now, the calling thread included (1 without a pool). */
  threads: number;
  /** The note of the last `init()` about threads (see InitResult), when it had one. */
  threadsNote?: string;
  /** Every package module loaded, with the variant of its shared instance (null while it has none). */
  modules: { name: string; variant: WasmVariant | null }[];
  /** The modules whose threaded variant the pool runs. */
  threadedModules: string[];
}

/**
 * What the runtime holds: the variant `init()` chose, the threads of the
 * pool, every package module loaded with the variant its shared instance
 * runs, and the modules the pool runs.
 *
 * @example
 * runtimeStatus(); // { variant: "relaxed-simd", threads: 2, modules: [{ name: "@lowrank/linalg", variant: "relaxed-simd" }, ...], threadedModules: ["@lowrank/linalg"] }
 */
export function runtimeStatus(): RuntimeStatus {
  const t = threadsStatus();
  const modules = registry.map((m) => ({ name: m.name, variant: m.variant }));
  const base = { variant: chosenVariant, threads: t.threads, modules, threadedModules: t.modules };
  return t.note === undefined ? base : { ...base, threadsNote: t.note };
}

/**
 * Loads, compiles and caches one package's module per variant, keeps the
 * shared instances for synchronous calls, and makes private ones for long
 * runs. Construct one per package (through `defineKernelModule`); it joins the
 * runtime's registry.
 */
export class WasmLoader<E> {
  private modules = new Map<WasmVariant, Promise<WasmModule<E>>>();
  private compiled = new Map<WasmVariant, WasmModule<E>>();
  private loaded = new Map<WasmVariant, string>();
  /** Shared instances: the first serves synchronous calls; more are made when calls nest. */
  private pool: WasmInstance<E>[] = [];
  /** The private instance the last finished run gave back (see `lease`), or null. */
  private idle: WasmInstance<E> | null = null;
  private pending: Promise<unknown> | null = null;
  /** Entry points called on small inputs after init (see `addWarmCall`), and the rounds already run. */
  private calls: (() => unknown)[] = [];
  private warmed = 0;
  /** The settings (variant / threads) the warm calls already ran in. */
  private warmedFor = new Set<string>();

  constructor(
    readonly name: string,
    private readonly sources: WasmSources,
    /** Binds and warms an instance (a shared one, a threaded one). */
    readonly warm: (instance: WasmInstance<E>) => void = () => {},
    /** The threaded variants and task kernels, when the module has parallel kernels. */
    readonly threads?: ThreadSpec<E>,
  ) {
    for (const v of ["simd", "relaxed-simd"] as const) {
      const s = sources[v];
      if (typeof s === "string") this.loaded.set(v, s);
    }
    registry.push(this as WasmLoader<unknown>);
    if (chosenVariant) {
      // Declared after init(): start now, so the first call rarely waits or compiles synchronously.
      const p = this.init(chosenVariant).then(() => joinThreads(this as WasmLoader<unknown>)).catch(() => undefined);
      this.pending = p;
    }
  }

  /** The compiled module of a variant, compiling it on first use. */
  load(variant: WasmVariant): Promise<WasmModule<E>> {
    let p = this.modules.get(variant);
    if (!p) {
      checkVariant(variant);
      const src = this.sources[variant];
      const text = typeof src === "string" ? Promise.resolve(src) : src().then((m) => m.default);
      p = text.then(async (b64) => {
        this.loaded.set(variant, b64);
        const m = new WasmModule<E>(variant, await WebAssembly.compile(decodeBase64(b64) as BufferSource));
        this.compiled.set(variant, m);
        return m;
      });
      p.catch(() => this.modules.delete(variant));
      this.modules.set(variant, p);
    }
    return p;
  }

  /**
   * Compiles `variant`, makes it the shared instance and warms its kernels
   * once (one pass starts V8's background optimisation of every hot kernel;
   * a second pass, as before, cost as much again of `init()` for nothing the
   * warm calls do not cover).
   */
  async init(variant: WasmVariant): Promise<void> {
    if (this.pool[0]?.variant === variant) return;
    const module = await this.load(variant);
    const instance = await module.instantiate(1 << 20);
    this.warm(instance);
    this.pool = [instance];
  }

  /**
   * Registers a public call on small inputs (an entry point of the package,
   * input checks and all) that `init()` runs until it takes no less time
   * from one round to the next: V8 then runs that path's WASM and JavaScript
   * in its optimizing tiers, so the first real call does too. Registered at
   * load time by the file that defines the entry point (so a bundle that
   * leaves the entry point out leaves its warm call out); a call registered
   * after `init()` is warmed in the background.
   */
  addWarmCall(fn: () => unknown): void {
    this.calls.push(fn);
    if (this.warmed > 0) {
      const p = new Promise((r) => setTimeout(r, 0)).then(() => warmRounds([fn])).catch(() => undefined);
      this.pending = this.pending ? Promise.all([this.pending, p]) : p;
    }
  }

  /**
   * Runs the registered warm calls for at most `rounds` rounds (see
   * `addWarmCall`), unless they already ran in the same setting (`key`: the
   * variant and the threads, which decide the code that runs), or fewer
   * when `stop()` turns true after a round; returns the rounds run.
   */
  async warmCalls(key: string, rounds = WARM_ROUNDS, stop?: () => boolean): Promise<number> {
    if (this.calls.length === 0 || this.pool.length === 0 || this.warmedFor.has(key)) return 0;
    const t = performance.now();
    const ran = await warmRounds(this.calls, rounds, stop);
    this.warmed += ran;
    this.warmedFor.add(key);
    const last = this.lastWarm;
    this.lastWarm = last && last.variant === key.split("/")[0] ? { ...last, rounds: last.rounds + ran, ms: last.ms + performance.now() - t } : { variant: key.split("/")[0], rounds: ran, ms: performance.now() - t };
    return ran;
  }

  /** The rounds of warm calls run for the last variant and the milliseconds they took (benchmarks; null before any). */
  lastWarm: { variant: string; rounds: number; ms: number } | null = null;

  /** Touches the pages the shared instance's next calls take first (see `prefault`). */
  prefault(): void {
    if (this.pool[0]) prefault(this.pool[0].arena);
  }

  /** The variant of the shared instance, or null before it exists. */
  get variant(): WasmVariant | null {
    return this.pool[0]?.variant ?? null;
  }

  /** A compiled module available now, compiling synchronously if a source is at hand (null when none is). */
  private moduleSync(): WasmModule<E> | null {
    const want = chosenVariant ?? bestVariant();
    const order: WasmVariant[] = want === "relaxed-simd" ? ["relaxed-simd", "simd"] : ["simd"];
    for (const v of order) {
      const have = this.compiled.get(v);
      if (have) return have;
    }
    for (const v of order) {
      const b64 = this.loaded.get(v);
      if (b64 === undefined || (v === "relaxed-simd" && !hasRelaxedSimd()) || !hasSimd()) continue;
      let m: WasmModule<E>;
      try {
        m = new WasmModule<E>(v, new WebAssembly.Module(decodeBase64(b64) as BufferSource));
      } catch {
        return null; // a browser's main thread refuses synchronous compilation of large modules
      }
      this.compiled.set(v, m);
      this.modules.set(v, Promise.resolve(m));
      return m;
    }
    return null;
  }

  /** A new shared instance made synchronously, or NOT_INITIALIZED when this thread cannot. */
  private sharedSync(): WasmInstance<E> {
    const module = this.moduleSync();
    let instance: WasmInstance<E> | null = null;
    if (module) {
      try {
        instance = module.instantiateSync(1 << 20);
      } catch (e) {
        if (e instanceof LowrankError) throw e;
      }
    }
    if (!instance) {
      throw new LowrankError(
        "NOT_INITIALIZED",
        `${this.name}: this thread cannot compile WebAssembly synchronously; call and await init() (from any @lowrank package) first, or pass backend: "js"`,
      );
    }
    this.warm(instance);
    return instance;
  }

  /** The shared instance for synchronous calls, compiled synchronously on first use where the platform allows. */
  shared(): WasmInstance<E> {
    if (this.pool.length === 0) this.pool.push(this.sharedSync());
    return this.pool[0];
  }

  /**
   * Runs `fn` on an idle shared instance: the first, or another one when a
   * call is already running on it (a call made from inside a callback of
   * another). `fn` frees what it allocates (see `run`).
   */
  withShared<T>(fn: (instance: WasmInstance<E>) => T): T {
    this.shared();
    let instance = this.pool.find((i) => i.arena.used === 0 && !busy.has(i));
    if (!instance) {
      instance = this.sharedSync();
      this.pool.push(instance);
    }
    busy.add(instance);
    try {
      return fn(instance);
    } finally {
      busy.delete(instance);
    }
  }

  /** A fresh instance of the runtime's variant, for a long or asynchronous run that must own its memory. */
  async instance(bytes: number, variant?: WasmVariant): Promise<WasmInstance<E>> {
    if (this.pending) await this.pending;
    const v = variant ?? this.variant ?? chosenVariant ?? (await initRuntime()).variant;
    return (await this.load(v)).instantiate(bytes);
  }

  /**
   * A private instance for a run that hands it back ({@link giveBack}) when
   * done: the idle one a finished run left, when it is of the runtime's
   * variant, else a fresh one. A fresh instance costs a new memory whose
   * every page faults on first touch (about 10 ms for a few MiB, the bulk
   * of a mid-sized run); the idle one's pages are already there.
   */
  async lease(bytes: number): Promise<WasmInstance<E>> {
    if (this.pending) await this.pending;
    const v = this.variant ?? chosenVariant ?? (await initRuntime()).variant;
    const idle = this.idle;
    this.idle = null;
    if (idle && idle.variant === v && idle.arena.used === 0) return idle;
    return this.instance(bytes, v);
  }

  /**
   * Takes back an instance from {@link lease} whose run has freed its arena:
   * kept as the one idle instance (replacing any other) when its memory is
   * at most IDLE_MAX_BYTES, else left to the garbage collector.
   */
  giveBack(instance: WasmInstance<E>): void {
    if (instance.arena.used === 0 && instance.memory.buffer.byteLength <= IDLE_MAX_BYTES) this.idle = instance;
  }
}

const busy = new WeakSet<object>();

/** Memory above which a private instance is not kept idle after its run (see `WasmLoader.lease`): what a finished run leaves behind stays small. */
const IDLE_MAX_BYTES = 64 << 20;
