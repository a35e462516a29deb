// defineKernelModule: how a package declares its WebAssembly module to the
// runtime (runtime.ts) and gets its synchronous runs and workspaces.
// docs/ARCHITECTURE.md, "The runtime" and "Threads".
import { type Arena, guardMode, MAX_WASM_BYTES } from "./arena.js";
import { LowrankError } from "./errors.js";
import type { LinalgKernels } from "./kernels/index.js";
import { WasmLoader } from "./runtime.js";
import { PAGE, type WasmInstance, type WasmSources } from "./runtime-instance.js";
import { reservePooled, threadedInstance, type ThreadSpec } from "./threads.js";
import type { Backend } from "./types.js";
import { JsWorkspace, WasmWorkspace, type Workspace } from "./workspace.js";

/** Everything a package declares about its WebAssembly module, once. */
export interface KernelModuleSpec<E, K extends LinalgKernels> {
  /** The package name, for messages. */
  name: string;
  /** Its two variants (tools/wasm-build writes them to src/generated/). */
  sources: WasmSources;
  /** The kernel set bound to one instance: the generated binding plus any adapters. */
  bind(instance: WasmInstance<E>): K;
  /** The same kernel set in plain TypeScript (the js backend). */
  js: K;
  /** Runs each hot kernel on tiny inputs so V8 optimises it before real work; takes at most `warmBytes` of arena. */
  warm?(kernels: K, arena: Arena): void;
  /** Arena bytes the warm-up takes (default 1 MiB). */
  warmBytes?: number;
  /** Its threaded variants and task kernels, to run on the worker pool (see {@link ThreadSpec}). */
  threads?: ThreadSpec<E>;
}

/** A declared module: its loader and the ways a call gets a workspace on it. */
export interface KernelModule<E, K extends LinalgKernels> {
  readonly loader: WasmLoader<E>;
  readonly js: K;
  bind(instance: WasmInstance<E>): K;
  /**
   * Runs `fn` synchronously in a workspace of `backend` with `bytes` reserved;
   * frees it all afterwards. With `threads` above 1 (default: the pool's size)
   * and the pool available to this thread, the workspace is on the module's
   * threaded instance and its parallel kernels split their work over the pool.
   */
  run<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace<K>) => T, threads?: number): T;
  /** A workspace with its own instance (or plain arrays on js) and `bytes` reserved, for long or asynchronous runs. */
  workspace(backend: Backend | undefined, bytes: number): Promise<Workspace<K>>;
  /**
   * As {@link workspace}, for a run that calls `release()` when done (in a
   * `finally`, after copying its results out): the instance then serves the
   * next run, which saves a fresh memory and its page faults. `threads` is 1.
   */
  leasedWorkspace(backend: Backend | undefined, bytes: number): Promise<LeasedWorkspace<K>>;
  /**
   * The workspace of one long (asynchronous) run on the pool: the module's
   * threaded instance with `bytes` reserved, when the pool can take the run
   * (a pool runs, the pool is free, more than one of `threads` asked); null
   * otherwise (then use `workspace`). On a thread that cannot block (a
   * browser's main thread) its kernels join the pool's jobs by spinning
   * (threads.ts, `threadedInstance`), so only asynchronous runs should take
   * one: their yields keep the page responsive between kernels. Synchronous, so
   * no other run takes the instance between the check and the reservation.
   * The run holds the pool's arena until `release()` (call it in a
   * `finally`); calls made meanwhile run on one thread.
   */
  pooledWorkspace(bytes: number, threads?: number): PooledWorkspace<K> | null;
  /**
   * Registers a call of one of the package's entry points on small inputs
   * that `init()` repeats until V8 has optimised its path (WASM and
   * JavaScript alike); call it at the top level of the file that defines the
   * entry point (docs/ARCHITECTURE.md, "The runtime": warm-up).
   */
  warmCall(fn: () => unknown): void;
}

/** A run's workspace on the pool's threaded instance (see {@link KernelModule.pooledWorkspace}). */
export interface PooledWorkspace<K extends LinalgKernels> {
  readonly ws: WasmWorkspace<K>;
  /** The threads its parallel kernels split over. */
  readonly threads: number;
  /** Frees the reservation and gives the pool back (once; later calls do nothing). */
  release(): void;
}

/** The workspace of one run from `leasedWorkspace` (plain arrays on js), and the call that frees it. */
export interface LeasedWorkspace<K extends LinalgKernels> {
  readonly ws: Workspace<K>;
  /** 1: a leased workspace runs on the calling thread. */
  readonly threads: number;
  /** Frees the reservation and hands the instance back for the next run (once; later calls do nothing). */
  release(): void;
}

/** Throws INVALID_ARGUMENT unless `backend` is undefined, "wasm" or "js"; returns it with the default applied. */
export function checkBackend(backend: unknown): Backend {
  if (backend === undefined || backend === "wasm") return "wasm";
  if (backend === "js") return "js";
  throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${typeof backend === "string" ? JSON.stringify(backend) : String(backend)}`);
}

/**
 * Declares a package's module: joins the runtime (so `init()` covers it) and
 * returns the loader, the bound kernel set and the workspace factories.
 *
 * @example
 * export const mod = defineKernelModule({ name: "@lowrank/x", sources, bind: bindX, js: jsXKernels, warm: warmX });
 * mod.run(opts.backend, bytes, (ws) => ws.kernels.gemm(...));
 */
export function defineKernelModule<E, K extends LinalgKernels>(spec: KernelModuleSpec<E, K>): KernelModule<E, K> {
  const warmBytes = spec.warmBytes ?? 1 << 20;
  const bind = guardMode ? guarded(spec.bind) : spec.bind;
  const loader = new WasmLoader<E>(spec.name, spec.sources, (instance) => {
    const kernels = bind(instance); // binding may take permanent blocks: before the mark
    if (!spec.warm) return;
    const arena = instance.arena;
    const mark = arena.mark();
    arena.reserve(warmBytes);
    try {
      spec.warm(kernels, arena);
    } finally {
      arena.release(mark);
    }
  }, spec.threads);
  const runOn = <T>(instance: WasmInstance<E>, bytes: number, fn: (ws: Workspace<K>) => T): T => {
    const kernels = bind(instance); // may take permanent blocks: before the mark
    const arena = instance.arena;
    const mark = arena.mark();
    try {
      if (instance.tasks) reservePooled(arena, bytes);
      else arena.reserve(bytes);
      return fn(new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes));
    } finally {
      arena.release(mark);
    }
  };
  const checkBytes = (bytes: number) => {
    if (!(bytes >= 0 && bytes <= MAX_WASM_BYTES)) {
      throw new LowrankError("TOO_LARGE", `${spec.name}: a run needs ${bytes} bytes of WebAssembly memory; wasm32 allows 4 GiB`);
    }
  };
  return {
    loader,
    js: spec.js,
    bind,
    run(backend, bytes, fn, threads) {
      if (checkBackend(backend) === "js") return fn(new JsWorkspace(spec.js));
      const instance = threadedInstance(loader, threads, bytes);
      if (instance) {
        try {
          return runOn(instance, bytes, fn);
        } finally {
          instance.tasks = null;
        }
      }
      return loader.withShared((i) => runOn(i, bytes, fn));
    },
    warmCall(fn) {
      loader.addWarmCall(fn);
    },
    pooledWorkspace(bytes, threads) {
      const instance = threadedInstance(loader, threads, bytes, true);
      if (!instance) return null;
      const arena = instance.arena;
      let mark = -1;
      try {
        const kernels = bind(instance); // may take permanent blocks: before the mark
        mark = arena.mark();
        reservePooled(arena, bytes);
        const ws = new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes);
        let released = false;
        return {
          ws, threads: instance.tasks?.threads ?? 1,
          release() {
            if (released) return;
            released = true;
            arena.release(mark);
            instance.tasks = null;
          },
        };
      } catch (e) {
        if (mark >= 0) arena.release(mark);
        instance.tasks = null;
        throw e;
      }
    },
    async leasedWorkspace(backend, bytes) {
      if (checkBackend(backend) === "js") return { ws: new JsWorkspace(spec.js), threads: 1, release() {} };
      checkBytes(bytes);
      const instance = await loader.lease(bytes + 4 * PAGE * 16);
      const arena = instance.arena;
      const kernels = bind(instance); // may take permanent blocks: before the mark
      const mark = arena.mark();
      try {
        arena.reserve(bytes);
      } catch (e) {
        arena.release(mark);
        loader.giveBack(instance);
        throw e;
      }
      let released = false;
      return {
        ws: new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes), threads: 1,
        release() {
          if (released) return;
          released = true;
          arena.release(mark);
          loader.giveBack(instance);
        },
      };
    },
    async workspace(backend, bytes) {
      if (checkBackend(backend) === "js") return new JsWorkspace(spec.js);
      checkBytes(bytes);
      const instance = await loader.instance(bytes + 4 * PAGE * 16);
      const kernels = bind(instance);
      instance.arena.reserve(bytes);
      return new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes);
    },
  };
}

/** Guard mode: the bound kernel set with every call followed by the arena's guard check. */
function guarded<E, K extends LinalgKernels>(bind: (instance: WasmInstance<E>) => K): (instance: WasmInstance<E>) => K {
  const cache = new WeakMap<object, K>();
  return (instance) => {
    let k = cache.get(instance);
    if (!k) {
      const raw = bind(instance) as unknown as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, f] of Object.entries(raw)) {
        out[name] = typeof f !== "function" ? f : (...args: unknown[]) => {
          const r = (f as (...a: unknown[]) => unknown)(...args);
          instance.arena.checkGuards(`kernel ${name}`);
          return r;
        };
      }
      k = out as unknown as K;
      cache.set(instance, k);
    }
    return k;
  };
}
