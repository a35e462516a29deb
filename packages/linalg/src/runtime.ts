// The one WebAssembly runtime of lowrank. Every package declares its module
// once (`defineKernelModule`: its sources, its binding, its TypeScript twin
// and its warm-up); this file turns that into compilation, the shared
// instances for synchronous calls, private instances for long runs, the
// workspaces and the warm-up. Every declared module joins one registry, so
// one `init()` from any package initialises them all. docs/ARCHITECTURE.md,
// "The runtime", describes it.
import { Arena, guardMode, MAX_WASM_BYTES } from "./arena.js";
import { LowrankError } from "./errors.js";
import { bestVariant, hasRelaxedSimd, hasSimd } from "./platform.js";
import type { LinalgKernels } from "./kernels.js";
import type { Backend, WasmVariant } from "./types.js";
import { JsWorkspace, WasmWorkspace, type Workspace } from "./workspace.js";

/** A variant's module as base64: the string itself (bundled eagerly) or a lazy import of it. */
export type WasmSource = string | (() => Promise<{ default: string }>);

/** Sources of a package's two variants. A string source can be compiled synchronously on first use. */
export type WasmSources = Record<WasmVariant, WasmSource>;

const PAGE = 65536;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** One live instance of a module with its own memory and arena. */
export class WasmInstance<E> {
  readonly arena: Arena;
  constructor(
    readonly variant: WasmVariant,
    readonly memory: WebAssembly.Memory,
    readonly exports: E,
    heapBase: number,
  ) {
    this.arena = new Arena(memory, heapBase);
  }
}

/** The export every lowrank module has (packages/linalg/assembly/index.ts). */
interface BaseExports {
  heapBase(): number;
}

function memoryFor(bytes: number): WebAssembly.Memory {
  if (!(bytes >= 0 && bytes <= MAX_WASM_BYTES)) {
    throw new LowrankError("TOO_LARGE", `needs ${bytes} bytes of WebAssembly memory; wasm32 allows 4 GiB`);
  }
  const initial = Math.max(2, Math.ceil((bytes + 4 * PAGE) / PAGE));
  try {
    return new WebAssembly.Memory({ initial: Math.min(initial, 65536), maximum: 65536 });
  } catch {
    throw new LowrankError("TOO_LARGE", `the engine refused ${initial * PAGE} bytes of WebAssembly memory`);
  }
}

function importsFor(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      "Math.log": Math.log,
      abort() {
        throw new LowrankError("INTERNAL", "a WebAssembly kernel aborted (a lowrank bug: please report it)");
      },
    },
  };
}

/** A compiled module for one variant; instances are cheap to make from it. */
export class WasmModule<E> {
  constructor(
    readonly variant: WasmVariant,
    readonly module: WebAssembly.Module,
  ) {}

  /** A new instance whose memory starts with room for `bytes` bytes of arena (asynchronous: browsers require it on the main thread). */
  async instantiate(bytes = 0): Promise<WasmInstance<E>> {
    const memory = memoryFor(bytes);
    const instance = await WebAssembly.instantiate(this.module, importsFor(memory));
    return this.wrap(memory, instance);
  }

  /** As {@link instantiate}, synchronously (Node, workers; a browser's main thread refuses modules over 4 KiB). */
  instantiateSync(bytes = 0): WasmInstance<E> {
    const memory = memoryFor(bytes);
    return this.wrap(memory, new WebAssembly.Instance(this.module, importsFor(memory)));
  }

  private wrap(memory: WebAssembly.Memory, instance: WebAssembly.Instance): WasmInstance<E> {
    const exports = instance.exports as unknown as E & BaseExports;
    return new WasmInstance<E>(this.variant, memory, exports, exports.heapBase());
  }
}

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

/** Options of {@link initRuntime}. */
export interface InitOptions {
  /** Force a variant; default relaxed-simd where the engine runs it, else simd. */
  variant?: WasmVariant;
}

/**
 * Compiles, instantiates and warms the WebAssembly module of every lowrank
 * package loaded so far (and of any loaded later, in the background), all in
 * one variant. Every package's `init()` is this function: after any of them
 * resolves, the synchronous entry points of every installed package work.
 */
export async function initRuntime(opts: InitOptions = {}): Promise<{ variant: WasmVariant }> {
  if (opts === null || typeof opts !== "object") throw new LowrankError("INVALID_ARGUMENT", "init: options must be an object");
  for (const key of Object.keys(opts)) {
    if (key !== "variant") throw new LowrankError("INVALID_ARGUMENT", `init: unknown option "${key}"; valid options: variant`);
  }
  let variant: WasmVariant;
  if (opts.variant !== undefined) variant = checkVariant(opts.variant);
  else {
    const best = bestVariant();
    if (!best) throw new LowrankError("INVALID_ARGUMENT", `init: this engine has no WebAssembly SIMD; use backend: "js"`);
    variant = best;
  }
  chosenVariant = variant;
  await Promise.all(registry.map((m) => m.init(variant)));
  return { variant };
}

/** The variant the runtime runs: the one `init()` chose, or null before any `init()`. */
export function runtimeVariant(): WasmVariant | null {
  return chosenVariant;
}

/**
 * What the runtime holds: the variant `init()` chose and, for every package
 * module loaded, the variant its shared instance runs (null while it has none).
 *
 * @example
 * runtimeStatus(); // { variant: "relaxed-simd", modules: [{ name: "@lowrank/linalg", variant: "relaxed-simd" }, ...] }
 */
export function runtimeStatus(): { variant: WasmVariant | null; modules: { name: string; variant: WasmVariant | null }[] } {
  return { variant: chosenVariant, modules: registry.map((m) => ({ name: m.name, variant: m.variant })) };
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
  private pending: Promise<unknown> | null = null;

  constructor(
    readonly name: string,
    private readonly sources: WasmSources,
    private readonly warm: (instance: WasmInstance<E>) => void = () => {},
  ) {
    for (const v of ["simd", "relaxed-simd"] as const) {
      const s = sources[v];
      if (typeof s === "string") this.loaded.set(v, s);
    }
    registry.push(this as WasmLoader<unknown>);
    if (chosenVariant) {
      // Declared after init(): start now, so the first call rarely waits or compiles synchronously.
      const p = this.init(chosenVariant).catch(() => undefined);
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

  /** Compiles `variant`, makes it the shared instance and warms it (warm, yield, warm again). */
  async init(variant: WasmVariant): Promise<void> {
    if (this.pool[0]?.variant === variant) return;
    const module = await this.load(variant);
    const instance = await module.instantiate(1 << 20);
    this.warm(instance);
    await new Promise((r) => setTimeout(r, 0));
    this.warm(instance);
    this.pool = [instance];
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
}

const busy = new WeakSet<object>();

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
}

/** A declared module: its loader and the ways a call gets a workspace on it. */
export interface KernelModule<E, K extends LinalgKernels> {
  readonly loader: WasmLoader<E>;
  readonly js: K;
  bind(instance: WasmInstance<E>): K;
  /** Runs `fn` synchronously in a workspace of `backend` with `bytes` reserved; frees it all afterwards. */
  run<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace<K>) => T): T;
  /** A workspace with its own instance (or plain arrays on js) and `bytes` reserved, for long or asynchronous runs. */
  workspace(backend: Backend | undefined, bytes: number): Promise<Workspace<K>>;
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
    if (!spec.warm) return;
    const kernels = bind(instance); // binding may take permanent blocks: before the mark
    const arena = instance.arena;
    const mark = arena.mark();
    arena.reserve(warmBytes);
    try {
      spec.warm(kernels, arena);
    } finally {
      arena.release(mark);
    }
  });
  return {
    loader,
    js: spec.js,
    bind,
    run(backend, bytes, fn) {
      if (checkBackend(backend) === "js") return fn(new JsWorkspace(spec.js));
      return loader.withShared((instance) => {
        const kernels = bind(instance); // may take permanent blocks: before the mark
        const arena = instance.arena;
        const mark = arena.mark();
        try {
          arena.reserve(bytes);
          return fn(new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes));
        } finally {
          arena.release(mark);
        }
      });
    },
    async workspace(backend, bytes) {
      if (checkBackend(backend) === "js") return new JsWorkspace(spec.js);
      if (!(bytes >= 0 && bytes <= MAX_WASM_BYTES)) {
        throw new LowrankError("TOO_LARGE", `${spec.name}: a run needs ${bytes} bytes of WebAssembly memory; wasm32 allows 4 GiB`);
      }
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
