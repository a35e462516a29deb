import { type Arena, guardMode, POISON_I32 } from "./arena.js";
import { internalError } from "./errors.js";
import type { LinalgKernels } from "./kernels/index.js";
import type { WasmInstance } from "./runtime.js";

/**
 * Where a run's arrays live, and the kernel set that works on them. Control
 * flow is written once against this: on the js backend arrays are ordinary
 * typed arrays, on the wasm backend they are views into the instance's memory
 * (allocated once, up front, after a single `reserve`).
 */
export interface Workspace<K extends LinalgKernels = LinalgKernels> {
  readonly kernels: K;
  /** A Float64Array of n zeros (on wasm, memory no run has reached yet is not cleared again: it is zero). */
  f64(n: number): Float64Array;
  /** An Int32Array of n zeros. */
  i32(n: number): Int32Array;
  /**
   * A Float64Array of n entries whose contents are unspecified, for an array
   * the caller writes in full before reading (a kernel's output or work
   * array): no clearing at all. Guard mode fills it with NaN, so a read
   * before a write fails the tests. docs/ARCHITECTURE.md, "Memory".
   */
  scratch(n: number): Float64Array;
  /** An Int32Array of n entries, contents unspecified (see `scratch`). */
  scratchI32(n: number): Int32Array;
  /** `src` where kernels can read it: the array itself on js, a copy in WASM memory on wasm. Do not write to it. */
  input(src: Float64Array): Float64Array;
  inputI32(src: Int32Array): Int32Array;
  /** A private, writable copy of `src`. */
  copy(src: Float64Array): Float64Array;
  /** A result the caller may keep after the workspace is gone (copied out of WASM memory on wasm). */
  output(view: Float64Array): Float64Array;
  /**
   * Runs `fn` and then frees every array it took (on wasm the arena is a
   * stack; on js the garbage collector does it). Loops call their per-step
   * work inside a scope so the bytes reserved up front last any number of
   * iterations. Results must be allocated before the scope.
   */
  scoped<T>(fn: () => T): T;
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
  // The same contract as on wasm: guard mode poisons what the caller must write first.
  scratch(n: number) {
    return guardMode ? new Float64Array(n).fill(NaN) : new Float64Array(n);
  }
  scratchI32(n: number) {
    return guardMode ? new Int32Array(n).fill(POISON_I32) : new Int32Array(n);
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
  scoped<T>(fn: () => T): T {
    return fn();
  }
}

/**
 * A workspace whose arrays live in one WASM instance's arena, held to the
 * bytes it reserved: every allocation past them is an INTERNAL error (an
 * undercounted reservation), whatever slack the memory happens to have, so
 * such a bug fails in the tests at any size instead of on a user's input.
 */
export class WasmWorkspace<K extends LinalgKernels> implements Workspace<K> {
  private readonly arena: Arena;
  private readonly limit: number;
  constructor(
    readonly instance: WasmInstance<unknown>,
    readonly kernels: K,
    bytes = Infinity,
  ) {
    this.arena = instance.arena;
    this.limit = this.arena.payload + bytes;
  }
  private check<T>(a: T): T {
    if (this.arena.used > this.limit && this.arena.payload > this.limit) {
      throw internalError(`a run took ${this.arena.payload} arena bytes, more than the ${this.limit} it reserved`);
    }
    return a;
  }
  f64(n: number) {
    return this.check(this.arena.f64(n));
  }
  scratch(n: number) {
    return this.check(this.arena.scratch(n));
  }
  i32(n: number) {
    return this.check(this.arena.i32(n));
  }
  scratchI32(n: number) {
    return this.check(this.arena.scratchI32(n));
  }
  input(src: Float64Array) {
    const a = this.scratch(src.length);
    a.set(src);
    return a;
  }
  inputI32(src: Int32Array) {
    const a = this.scratchI32(src.length);
    a.set(src);
    return a;
  }
  copy(src: Float64Array) {
    return this.input(src);
  }
  output(view: Float64Array) {
    return view.slice();
  }
  scoped<T>(fn: () => T): T {
    const mark = this.arena.mark();
    try {
      return fn();
    } finally {
      this.arena.release(mark);
    }
  }
}
