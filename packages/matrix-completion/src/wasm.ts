// The completion kernel set bound to one WASM instance: the generated binding
// of every export (src/generated/exports.ts, from assembly/), linalg's
// binding of its own kernels, and the one adapter whose TypeScript signature
// differs from the export's (alsHalfStep's and the bpmf half-steps' booleans as 0/1).
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import { bindLinalg } from "@lowrank/linalg/kernels";
import { bindExports, type Exports } from "./generated/exports.js";
import type { CompletionKernels } from "./kernels/index.js";

const bound = new WeakMap<object, CompletionKernels>();

/** The completion kernels on `instance`; each call checks its views live in that instance's memory. */
export function bindCompletion(instance: WasmInstance<Exports>): CompletionKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const g = bindExports(instance.exports, pointerOf(instance.memory));
  const k: CompletionKernels = {
    ...g,
    ...bindLinalg(instance),
    alsHalfStep: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, lambda, lambdaBias, weighted, fitBias, work) =>
      g.alsHalfStep(n, kk, ptr, idx, vals, F, ob, X, bias, mu, lambda, lambdaBias, weighted ? 1 : 0, fitBias ? 1 : 0, work),
    bpmfHalfStep: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work) =>
      g.bpmfHalfStep(n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias ? 1 : 0, z, M, meanBias, work),
    bpmfHalfStepScored: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, acc, div, sums) =>
      g.bpmfHalfStepScored(n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias ? 1 : 0, z, M, meanBias, work, acc, div, sums),
  };
  bound.set(instance, k);
  return k;
}
