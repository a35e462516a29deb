import { bindLinalg, pointerOf, type LinalgExports, type WasmInstance } from "@lowrank/linalg";
import type { SvdUpdateKernels } from "./kernels.js";

/** Exports of assembly/index.ts: linalg's plus this package's (pointers are byte offsets). */
export interface SvdUpdateExports extends LinalgExports {
  gatherRows(p: number, k: number, idx: number, P: number, out: number): void;
  scatterAddRows(p: number, k: number, idx: number, X: number, P: number): void;
  sparseGramSchmidt(s: number, p: number, k: number, B: number, C: number, R: number, tol2: number, start: number): number;
}

const bound = new WeakMap<object, SvdUpdateKernels>();

/**
 * The svd-update kernel set bound to one instance: pointers in, pointers out,
 * every view checked to live in that instance's memory. Cached per instance. O(1).
 *
 * @example
 * const kernels = bindSvdUpdate(await svdUpdateWasm.instance(bytes));
 */
export function bindSvdUpdate(instance: WasmInstance<SvdUpdateExports>): SvdUpdateKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const p = pointerOf(memory);
  const k: SvdUpdateKernels = {
    ...bindLinalg(instance),
    gatherRows: (n, kk, idx, P, out) => x.gatherRows(n, kk, p(idx), p(P), p(out)),
    scatterAddRows: (n, kk, idx, X, P) => x.scatterAddRows(n, kk, p(idx), p(X), p(P)),
    sparseGramSchmidt: (s, n, kk, B, C, R, tol2, start) => x.sparseGramSchmidt(s, n, kk, p(B), p(C), p(R), tol2, start),
  };
  bound.set(instance, k);
  return k;
}
