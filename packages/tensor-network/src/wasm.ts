import { bindLinalg, pointerOf, type LinalgExports, type WasmInstance } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";

/** Exports of assembly/index.ts: linalg's plus this package's (pointers are byte offsets). */
export interface TensorExports extends LinalgExports {
  modeProduct(
    transM: number, left: number, n: number, right: number, J: number,
    X: number, M: number, ldm: number, out: number, work: number,
  ): void;
  unfoldingGram(left: number, n: number, right: number, X: number, G: number, work: number): void;
  khatriRao(ra: number, rb: number, R: number, A: number, B: number, out: number): void;
  mttkrp(
    left: number, n: number, right: number, R: number,
    X: number, KL: number, KR: number, out: number, scratch: number, work: number,
  ): void;
  permute(ndim: number, dims: number, perm: number, X: number, out: number, scratch: number): void;
  lqRows(m: number, L: number, B: number, ld: number): void;
  lqR(m: number, n: number, A: number, R: number, copy: number, work: number, gw: number): void;
  maskedNormal(count: number, idx: number, x: number, n: number, right: number, sl: number, sr: number, rr: number, Q: number, V: number, B: number): void;
  maskedResidual(count: number, idx: number, x: number, n: number, right: number, sl: number, sr: number, rr: number, Q: number, G: number): number;
}

const bound = new WeakMap<object, TensorKernels>();

/**
 * The tensor kernel set bound to one instance: linalg's bindings plus ours.
 * Our kernels call GEMM inside WASM, so they get their own packing scratch
 * (linalg keeps its block private), allocated once per instance.
 */
export function bindTensor(instance: WasmInstance<TensorExports>): TensorKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const linalg = bindLinalg(instance);
  const x = instance.exports;
  const memory = instance.memory;
  const work = instance.arena.permanent(x.gemmWorkSize() * 8);
  const p = pointerOf(memory);
  const k: TensorKernels = {
    ...linalg,
    modeProduct: (transM, left, n, right, J, X, M, ldm, out) =>
      x.modeProduct(transM ? 1 : 0, left, n, right, J, p(X), p(M), ldm, p(out), work),
    unfoldingGram: (left, n, right, X, G) => x.unfoldingGram(left, n, right, p(X), p(G), work),
    khatriRao: (ra, rb, R, A, B, out) => x.khatriRao(ra, rb, R, p(A), p(B), p(out)),
    mttkrp: (left, n, right, R, X, KL, KR, out, scratch) =>
      x.mttkrp(left, n, right, R, p(X), p(KL), p(KR), p(out), p(scratch), work),
    permute: (ndim, dims, perm, X, out, scratch) => x.permute(ndim, p(dims), p(perm), p(X), p(out), p(scratch)),
    lqRows: (m, L, B, ld) => x.lqRows(m, L, p(B), ld),
    lqR: (m, n, A, R, copy, w) => x.lqR(m, n, p(A), p(R), p(copy), p(w), work),
    maskedNormal: (count, idx, xs, n, right, sl, sr, rr, Q, V, B) =>
      x.maskedNormal(count, p(idx), p(xs), n, right, sl, sr, rr, p(Q), p(V), p(B)),
    maskedResidual: (count, idx, xs, n, right, sl, sr, rr, Q, G) =>
      x.maskedResidual(count, p(idx), p(xs), n, right, sl, sr, rr, p(Q), p(G)),
  };
  bound.set(instance, k);
  return k;
}
