// Compiled modules and their instances: the pieces of the runtime
// (runtime.ts) that know about WebAssembly.Module, Instance and Memory.
// docs/ARCHITECTURE.md, "The runtime" and "Threads".
import { Arena, MAX_WASM_BYTES } from "./arena.js";
import { LowrankError } from "./errors.js";
import type { WasmVariant } from "./types.js";

/** A variant's module as base64: the string itself (bundled eagerly) or a lazy import of it. */
export type WasmSource = string | (() => Promise<{ default: string }>);

/** Sources of a package's two variants. A string source can be compiled synchronously on first use. */
export type WasmSources = Record<WasmVariant, WasmSource>;

export const PAGE = 65536;

/**
 * The bytes of a module's base64 text: the engine's own decoder where there is
 * one (`Uint8Array.fromBase64`, Node's Buffer), which takes microseconds where
 * the loop below, cold at `init()`, took milliseconds per module.
 */
export function decodeBase64(s: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } };
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === "function") return native(s);
  if (typeof g.Buffer?.from === "function") {
    const b = g.Buffer.from(s, "base64");
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Runs a threaded module's task kernels on the pool during one run: set on a
 * threaded instance by the runtime for the run's duration (null otherwise).
 */
export interface TaskRunner {
  /** Threads the run may use (the calling thread included). */
  readonly threads: number;
  /**
   * Runs tasks 0..ntasks-1 of the exported task kernel `task` on the job at
   * byte offset `job`; returns when all are done. `meanwhile`, when given, is
   * called once by the calling thread after the job is published and before
   * it takes tasks itself (work the tasks do not read, such as copying the
   * input of the next job); if it throws, no further task starts and run
   * rethrows its error once the job's threads have left.
   */
  run(task: string, job: number, ntasks: number, meanwhile?: () => void): void;
  /** Whether the module declares the task kernel `task` (absent: only those a caller knows it declares). */
  has?(task: string): boolean;
}

/** One live instance of a module with its own memory and arena (or, threaded, the pool's shared ones). */
export class WasmInstance<E> {
  readonly arena: Arena;
  /** The pool's task runner while a threaded run holds this instance; null otherwise. */
  tasks: TaskRunner | null = null;
  constructor(
    readonly variant: WasmVariant,
    readonly memory: WebAssembly.Memory,
    readonly exports: E,
    heapBase: number,
    arena?: Arena,
  ) {
    this.arena = arena ?? new Arena(memory, heapBase);
  }

  /** Whether this instance runs on the pool's shared memory (a threaded variant). */
  get threaded(): boolean {
    return typeof SharedArrayBuffer !== "undefined" && this.memory.buffer instanceof SharedArrayBuffer;
  }
}

/** The export every lowrank module has (packages/linalg/assembly/index.ts). */
export interface BaseExports {
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

/** The imports of every lowrank module. */
export function importsFor(memory: WebAssembly.Memory): WebAssembly.Imports {
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
