// The completion kernel set bound to one WASM instance: linalg's kernels plus
// this package's exports, pointers in, pointers out, no algorithm logic.
import { bindLinalg, pointerOf, type LinalgExports, type WasmInstance } from "@lowrank/linalg";
import type { CompletionKernels } from "./kernels.js";

/** Exports of assembly/index.ts beyond linalg's (pointers are byte offsets, booleans 0/1). */
export interface CompletionExports extends LinalgExports {
  alsHalfStep(
    n: number, k: number, ptr: number, idx: number, vals: number, F: number, otherBias: number,
    X: number, ownBias: number, mu: number, lambda: number, lambdaBias: number, weighted: number, fitBias: number, work: number,
  ): number;
  sketchedHalfStep(
    n: number, k: number, ptr: number, idx: number, vals: number, F: number, m: number, X: number,
    s: number, seed: number, innerTol: number, maxInner: number, ridge: number, maxCount: number, zeros: number, work: number, srht: number,
  ): number;
  squaredError(
    nnz: number, k: number, rowIdx: number, colIdx: number, vals: number, U: number, V: number, rowBias: number, colBias: number, mu: number,
    lo: number, hi: number,
  ): number;
}

const bound = new WeakMap<object, CompletionKernels>();

/** The completion kernels on `instance`; each call checks its views live in that instance's memory. */
export function bindCompletion(instance: WasmInstance<CompletionExports>): CompletionKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const p = pointerOf(memory);
  const k: CompletionKernels = {
    ...bindLinalg(instance),
    alsHalfStep: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, lambda, lambdaBias, weighted, fitBias, work) =>
      x.alsHalfStep(n, kk, p(ptr), p(idx), p(vals), p(F), p(ob), p(X), p(bias), mu, lambda, lambdaBias, weighted ? 1 : 0, fitBias ? 1 : 0, p(work)),
    sketchedHalfStep: (n, kk, ptr, idx, vals, F, m, X, s, seed, innerTol, maxInner, ridge, maxCount, zeros, work, sketch) =>
      x.sketchedHalfStep(n, kk, p(ptr), p(idx), p(vals), p(F), m, p(X), s, seed >>> 0, innerTol, maxInner, ridge, maxCount, p(zeros), p(work), sketch === "srht" ? 1 : 0),
    squaredError: (nnz, kk, ri, ci, vals, U, V, rb, cb, mu, lo, hi) => x.squaredError(nnz, kk, p(ri), p(ci), p(vals), p(U), p(V), p(rb), p(cb), mu, lo, hi),
  };
  bound.set(instance, k);
  return k;
}
