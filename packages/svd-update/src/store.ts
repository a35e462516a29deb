import { LowrankError, type Backend, type WasmInstance } from "@lowrank/linalg";
import { jsSvdUpdateKernels, type SvdUpdateKernels } from "./kernels.js";
import { svdUpdateWasm } from "./module.js";
import { bindSvdUpdate, type SvdUpdateExports } from "./wasm.js";

/**
 * Where one run's arrays live: plain typed arrays (js backend) or views into a
 * WASM instance the run owns (wasm backend). A stack: `mark`/`release` free
 * the scratch of one step; `reserve` (only with nothing live) is the one place
 * memory grows, since growing detaches every view.
 */
export class Store {
  private constructor(
    readonly kernels: SvdUpdateKernels,
    private readonly instance: WasmInstance<SvdUpdateExports> | null,
  ) {}

  /** A store of the chosen backend with room for `bytes`; the wasm one owns a fresh instance. */
  static async create(backend: Backend | undefined, bytes: number): Promise<Store> {
    const b = backend ?? "wasm";
    if (b === "js") return new Store(jsSvdUpdateKernels, null);
    if (b !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
    const instance = await svdUpdateWasm.instance(bytes + (1 << 20));
    const kernels = bindSvdUpdate(instance);
    instance.arena.reserve(bytes);
    return new Store(kernels, instance);
  }

  f64(n: number): Float64Array {
    return this.instance ? this.instance.arena.f64(n) : new Float64Array(n);
  }

  i32(n: number): Int32Array {
    return this.instance ? this.instance.arena.i32(n) : new Int32Array(n);
  }

  /** The first n entries of a as kernel input: a itself (or a view) on the js backend, a copy in the instance's memory on wasm. */
  inI32(a: Int32Array, n: number): Int32Array {
    if (!this.instance) return a.length === n ? a : a.subarray(0, n);
    const v = this.instance.arena.i32(n);
    v.set(a.subarray(0, n));
    return v;
  }

  /** As inI32, for doubles. */
  inF64(a: Float64Array, n: number): Float64Array {
    if (!this.instance) return a.length === n ? a : a.subarray(0, n);
    const v = this.instance.arena.f64(n);
    v.set(a.subarray(0, n));
    return v;
  }

  mark(): number {
    return this.instance ? this.instance.arena.mark() : 0;
  }

  release(mark: number): void {
    this.instance?.arena.release(mark);
  }

  /** Whether `bytes` more fit without growing memory. */
  fits(bytes: number): boolean {
    return !this.instance || this.instance.arena.mark() + bytes <= this.instance.memory.buffer.byteLength;
  }

  /** Frees everything and makes room for `bytes`; every earlier view is invalid afterwards. */
  reset(bytes: number): void {
    if (!this.instance) return;
    const arena = this.instance.arena;
    arena.release(arena.mark() - arena.used);
    arena.reserve(bytes);
  }
}
