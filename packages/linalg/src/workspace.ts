import type { Arena } from "./arena.js";
import { LowrankError } from "./errors.js";
import type { LinalgKernels } from "./kernels.js";
import type { WasmInstance } from "./runtime.js";

/**
 * Where a run's arrays live, and the kernel set that works on them. Control
 * flow is written once against this: on the js backend arrays are ordinary
 * typed arrays, on the wasm backend they are views into the instance's memory
 * (allocated once, up front, after a single `reserve`).
 */
export interface Workspace<K extends LinalgKernels = LinalgKernels> {
  readonly kernels: K;
  /** A zeroed Float64Array of n entries. */
  f64(n: number): Float64Array;
  /** A zeroed Int32Array of n entries. */
  i32(n: number): Int32Array;
  /** `src` where kernels can read it: the array itself on js, a copy in WASM memory on wasm. Do not write to it. */
  input(src: Float64Array): Float64Array;
  inputI32(src: Int32Array): Int32Array;
  /** A private, writable copy of `src`. */
  copy(src: Float64Array): Float64Array;
  /** A result the caller may keep after the workspace is gone (copied out of WASM memory on wasm). */
  output(view: Float64Array): Float64Array;
}

/** The plain-TypeScript workspace. */
export class JsWorkspace<K extends LinalgKernels> implements Workspace<K> {
  constructor(readonly kernels: K) {}
  f64(n: number) {
    return new Float64Array(n);
  }
  i32(n: number) {
    return new Int32Array(n);
  }
  input(src: Float64Array) {
    return src;
  }
  inputI32(src: Int32Array) {
    return src;
  }
  copy(src: Float64Array) {
    return src.slice();
  }
  output(view: Float64Array) {
    return view;
  }
}

/** A workspace whose arrays live in one WASM instance's arena. */
export class WasmWorkspace<K extends LinalgKernels> implements Workspace<K> {
  private readonly arena: Arena;
  constructor(
    readonly instance: WasmInstance<unknown>,
    readonly kernels: K,
  ) {
    this.arena = instance.arena;
  }
  f64(n: number) {
    return this.arena.f64(n);
  }
  i32(n: number) {
    return this.arena.i32(n);
  }
  input(src: Float64Array) {
    const a = this.arena.f64(src.length);
    a.set(src);
    return a;
  }
  inputI32(src: Int32Array) {
    const a = this.arena.i32(src.length);
    a.set(src);
    return a;
  }
  copy(src: Float64Array) {
    return this.input(src);
  }
  output(view: Float64Array) {
    return view.slice();
  }
}

/**
 * Runs `fn` synchronously in a workspace of the chosen backend. On wasm it uses
 * the instance's arena: reserves `bytes` first (the only point where memory may
 * grow), and frees everything `fn` allocated when it returns or throws.
 */
export function runInWorkspace<K extends LinalgKernels, T>(
  backend: "wasm" | "js",
  bytes: number,
  js: K,
  wasm: () => { instance: WasmInstance<unknown>; kernels: K },
  fn: (ws: Workspace<K>) => T,
): T {
  if (backend === "js") return fn(new JsWorkspace(js));
  if (backend !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
  const { instance, kernels } = wasm();
  const arena = instance.arena;
  if (arena.used > 0) {
    throw new LowrankError(
      "INVALID_ARGUMENT",
      "internal: nested synchronous call on the shared WASM instance; compose kernels inside one workspace instead",
    );
  }
  arena.reserve(bytes);
  const mark = arena.mark();
  try {
    return fn(new WasmWorkspace(instance, kernels));
  } finally {
    arena.release(mark);
  }
}
