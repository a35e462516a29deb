import { bindLinalg, pointerOf, type LinalgExports, type WasmInstance } from "@lowrank/linalg";
import type { SvdUpdateKernels } from "./kernels.js";

/** Exports of assembly/index.ts: linalg's plus this package's (pointers are byte offsets). */
export interface SvdUpdateExports extends LinalgExports {
  gatherRows(p: number, k: number, idx: number, P: number, out: number): void;
  scatterAddRows(p: number, k: number, idx: number, X: number, P: number): void;
  sparseGramSchmidt(s: number, p: number, k: number, B: number, C: number, R: number, tol2: number, start: number): number;
  csrSupport(s: number, dim: number, indptr: number, indices: number, data: number, marker: number, idx: number): number;
  scatterBatch(s: number, p: number, indptr: number, indices: number, data: number, marker: number, idx: number, Ec: number): void;
  smallSvdCore(r: number, c: number, M: number, kk: number, X: number, d: number, F: number, theta: number, G: number, tol1: number, tol2: number, maxSweeps: number, work: number): void;
  rotateFactor(k: number, K: number, Kinv: number, H: number, identity: number, Kn: number, Kin: number, work: number): number;
  projectBatch(
    s: number, p: number, k: number, indptr: number, indices: number, data: number, marker: number, idx: number,
    P: number, K: number, identity: number, Ec: number, C0: number, tmp: number,
  ): void;
  appendCore(k: number, s: number, sq: number, sv: number, C0: number, R: number, M: number): void;
  gklExpand(
    s: number, p: number, kc: number, k: number, l: number, Xb: number, Xc: number, Pg: number, K: number, identity: number,
    B: number, C: number, Vr: number, Rg: number, Rv: number, t: number, tol2: number,
  ): number;
  pairCoordinates(s: number, p: number, kc: number, lq: number, Xb: number, Xc: number, B: number, C: number, R: number): void;
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
    csrSupport: (s, dim, ip, ix, d, mk, idx) => x.csrSupport(s, dim, p(ip), p(ix), p(d), p(mk), p(idx)),
    scatterBatch: (s, n, ip, ix, d, mk, idx, Ec) => x.scatterBatch(s, n, p(ip), p(ix), p(d), p(mk), p(idx), p(Ec)),
    smallSvdCore: (r, c, M, kk, X, d, F, th, G, t1, t2, sw, wk) => x.smallSvdCore(r, c, p(M), kk, p(X), p(d), p(F), p(th), p(G), t1, t2, sw, p(wk)),
    rotateFactor: (kk, K, Ki, H, id, Kn, Kin, w) => x.rotateFactor(kk, p(K), p(Ki), p(H), id ? 1 : 0, p(Kn), p(Kin), p(w)),
    projectBatch: (s, n, kk, ip, ix, d, mk, idx, P, K, id, Ec, C0, tmp) =>
      x.projectBatch(s, n, kk, p(ip), p(ix), p(d), p(mk), p(idx), p(P), p(K), id ? 1 : 0, p(Ec), p(C0), p(tmp)),
    appendCore: (kk, s, sq, sv, C0, R, M) => x.appendCore(kk, s, sq, p(sv), p(C0), p(R), p(M)),
    gklExpand: (s, n, kc, kk, l, Xb, Xc, Pg, K, id, B, C, Vr, Rg, Rv, t, tol2) =>
      x.gklExpand(s, n, kc, kk, l, p(Xb), p(Xc), p(Pg), p(K), id ? 1 : 0, p(B), p(C), p(Vr), p(Rg), p(Rv), p(t), tol2),
    pairCoordinates: (s, n, kc, lq, Xb, Xc, B, C, R) => x.pairCoordinates(s, n, kc, lq, p(Xb), p(Xc), p(B), p(C), p(R)),
  };
  bound.set(instance, k);
  return k;
}
