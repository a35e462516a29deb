// The svd-update kernel set bound to one WASM instance: the binding generated
// from assembly/ (src/generated/exports.ts) plus linalg's kernels. Every
// export of this package has the TypeScript signature of its twin in
// src/kernels/, so no adapter is needed (docs/ARCHITECTURE.md, "The runtime").
// On a threaded instance the CSR products of the Lanczos methods and gemm run
// on the pool (linalg's withParallelCsr and withParallelGemm).
import { pointerOf, withParallelGemm, type WasmInstance } from "@lowrank/linalg/internal";
import { bindLinalg, withParallelCsr } from "@lowrank/linalg/kernels";
import { bindExports, type Exports } from "./generated/exports.js";
import type { SvdUpdateKernels } from "./kernels/index.js";

const bound = new WeakMap<object, SvdUpdateKernels>();

/**
 * The svd-update kernel set bound to one instance of its module: views in,
 * every view checked to live in that instance's memory. Cached per instance.
 * Linalg's binding comes last so its adapters (gemm's packing scratch, the
 * RNG state) replace the plain generated ones. O(1).
 */
export function bindSvdUpdate(instance: WasmInstance<Exports>): SvdUpdateKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const at = pointerOf(instance.memory);
  // linalg's gemm on the pool too (its gemmTask is part of this module), for the Lanczos restarts and final factors.
  const base: SvdUpdateKernels = { ...bindExports(instance.exports, at), ...bindLinalg(instance) };
  const k = withParallelCsr({ ...base, gemm: withParallelGemm(base, instance as never).gemm }, instance, at);
  bound.set(instance, k);
  return k;
}
