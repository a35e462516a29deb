import type { FactorKernels } from "./factor-kernels.js";

/** Exports of the factorisation kernels in assembly/. */
export interface FactorExports {}

/** Binds the factorisation exports; `p` turns a view into its byte offset (checking its memory). */
export function bindFactor(_x: FactorExports, _p: (a: Float64Array | Int32Array) => number): FactorKernels {
  return {};
}
