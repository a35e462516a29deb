import { LowrankError, WasmWorkspace, type WasmInstance } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";

/**
 * A WASM workspace that holds a run to the arena bytes it reserved. The
 * instance's memory usually has some slack beyond the reservation, which
 * would hide an undercounted reservation until an input of the wrong size
 * came along; checking every allocation makes such a bug fail in the tests,
 * at any size.
 */
export class BudgetedWorkspace extends WasmWorkspace<TensorKernels> {
  private readonly limit: number;
  constructor(instance: WasmInstance<unknown>, kernels: TensorKernels, bytes: number) {
    super(instance, kernels);
    this.limit = instance.arena.used + bytes;
  }
  private check<T>(a: T): T {
    if (this.instance.arena.used > this.limit) {
      throw new LowrankError("TOO_LARGE", `internal: a run took more than the ${this.limit} arena bytes it reserved`);
    }
    return a;
  }
  override f64(n: number) {
    return this.check(super.f64(n));
  }
  override i32(n: number) {
    return this.check(super.i32(n));
  }
  override input(src: Float64Array) {
    return this.check(super.input(src));
  }
  override inputI32(src: Int32Array) {
    return this.check(super.inputI32(src));
  }
}
