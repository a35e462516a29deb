import { Arena, MAX_WASM_BYTES } from "./arena.js";
import { LowrankError } from "./errors.js";
import { bestVariant, hasRelaxedSimd, hasSimd } from "./platform.js";
import type { WasmVariant } from "./types.js";

/** Lazily imported base64 modules, one per variant (see tools/wasm-build). */
export type WasmSources = Record<WasmVariant, () => Promise<{ default: string }>>;

const PAGE = 65536;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * One live instance of a package's module with its own memory and arena.
 * The memory is imported (created here), so a later worker pool can hand the
 * same shared memory to several instances.
 */
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

/** The exports every lowrank module has (see packages/linalg/assembly/index.ts). */
interface BaseExports {
  heapBase(): number;
}

/** A compiled module for one variant; instances are cheap to make from it. */
export class WasmModule<E> {
  constructor(
    readonly variant: WasmVariant,
    readonly module: WebAssembly.Module,
  ) {}

  /**
   * A new instance whose memory starts with room for `bytes` bytes of arena.
   * Asynchronous because browsers forbid synchronous instantiation of modules over 4 KiB on the main thread.
   */
  async instantiate(bytes = 0): Promise<WasmInstance<E>> {
    if (!(bytes <= MAX_WASM_BYTES)) {
      throw new LowrankError("TOO_LARGE", `needs ${bytes} bytes of WebAssembly memory; wasm32 allows 4 GiB`);
    }
    const initial = Math.max(2, Math.ceil((bytes + 4 * PAGE) / PAGE));
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.min(initial, 65536), maximum: 65536 });
    } catch {
      throw new LowrankError("TOO_LARGE", `the engine refused ${initial * PAGE} bytes of WebAssembly memory`);
    }
    const imports = {
      env: {
        memory,
        "Math.log": Math.log,
        abort() {
          throw new LowrankError("INVALID_ARGUMENT", "WebAssembly kernel aborted");
        },
      },
    };
    const instance = await WebAssembly.instantiate(this.module, imports);
    const exports = instance.exports as unknown as E & BaseExports;
    return new WasmInstance<E>(this.variant, memory, exports, exports.heapBase());
  }
}

/**
 * Loads, compiles and caches one package's WASM module per variant, and keeps a
 * shared instance of the default variant for synchronous calls.
 */
export class WasmLoader<E> {
  private modules = new Map<WasmVariant, Promise<WasmModule<E>>>();
  private defaultVariant: WasmVariant | null = null;
  private sharedInstance: WasmInstance<E> | null = null;

  constructor(
    readonly name: string,
    private readonly sources: WasmSources,
    private readonly warm: (instance: WasmInstance<E>) => void = () => {},
  ) {}

  /** The compiled module of a variant, compiling it on first use. */
  load(variant: WasmVariant): Promise<WasmModule<E>> {
    let p = this.modules.get(variant);
    if (!p) {
      if (variant === "relaxed-simd" ? !hasRelaxedSimd() : !hasSimd()) {
        return Promise.reject(
          new LowrankError("INVALID_ARGUMENT", `${this.name}: this engine does not run the ${variant} WebAssembly variant`),
        );
      }
      p = this.sources[variant]().then(async (m) => new WasmModule<E>(variant, await WebAssembly.compile(decodeBase64(m.default) as BufferSource)));
      p.catch(() => this.modules.delete(variant));
      this.modules.set(variant, p);
    }
    return p;
  }

  /**
   * Picks the variant (relaxed-simd where the engine has it, else simd, unless
   * `variant` forces one), compiles it, creates the shared instance, warms the
   * hot kernels on tiny inputs and yields once so the optimizing compiler can
   * finish in the background.
   */
  async init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
    const variant = opts.variant ?? bestVariant();
    if (!variant) {
      throw new LowrankError("INVALID_ARGUMENT", `${this.name}: this engine has no WebAssembly SIMD; use backend: "js"`);
    }
    if (this.sharedInstance && this.sharedInstance.variant === variant) return { variant };
    const module = await this.load(variant);
    const instance = await module.instantiate(1 << 20);
    this.warm(instance);
    await new Promise((r) => setTimeout(r, 0));
    this.warm(instance);
    this.sharedInstance = instance;
    this.defaultVariant = variant;
    return { variant };
  }

  /** The variant `init` chose, or null before `init`. */
  get variant(): WasmVariant | null {
    return this.defaultVariant;
  }

  /** The shared instance for synchronous calls; throws NOT_INITIALIZED before `init()`. */
  shared(): WasmInstance<E> {
    if (!this.sharedInstance) {
      throw new LowrankError(
        "NOT_INITIALIZED",
        `${this.name}: call and await init() before using the wasm backend (or pass backend: "js")`,
      );
    }
    return this.sharedInstance;
  }

  /** A fresh instance of the default variant, for a long or asynchronous run that must own its memory. */
  async instance(bytes: number, variant?: WasmVariant): Promise<WasmInstance<E>> {
    const v = variant ?? this.defaultVariant ?? (await this.init()).variant;
    return (await this.load(v)).instantiate(bytes);
  }
}
