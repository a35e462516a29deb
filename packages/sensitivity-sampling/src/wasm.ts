import { bindLinalg, pointerOf, type LinalgExports, type WasmInstance } from "@lowrank/linalg";
import type { SensitivityKernels } from "./kernels.js";

/** Exports of assembly/index.ts beyond linalg's (pointers are byte offsets, booleans 0/1). */
export interface SensitivityExports extends LinalgExports {
  rowNormsSq(n: number, d: number, X: number, ldx: number, out: number): void;
  rowNormsOfProduct(n: number, d: number, k: number, A: number, lda: number, B: number, ldb: number, upper: number, out: number, z: number): void;
  countSketch(n: number, d: number, A: number, lda: number, u: number, m: number, v: number, SA: number): void;
  countSketchShort(n: number, d: number, A: number, lda: number, u: number, m: number, SA: number): void;
  countSketchDraw(n: number, d: number, A: number, lda: number, st: number, m: number, SA: number): void;
  srhtColumns(
    n: number, A: number, lda: number, j0: number, g: number, sign: number, np: number, T: number, ldt: number,
    m: number, idx: number, scale: number, SA: number, ldsa: number,
  ): void;
  weightedGram(n: number, d: number, A: number, lda: number, v: number, G: number): void;
  lewisUpdate(n: number, d: number, A: number, lda: number, U: number, p: number, alpha: number, w: number, v: number, z: number): number;
  lewisUpdateGram(n: number, d: number, A: number, lda: number, U: number, p: number, alpha: number, w: number, v: number, z: number, G: number): number;
  irlsRows(n: number, d: number, A: number, lda: number, b: number, r: number, omega: number, p: number, eps: number, out: number, ldo: number): number;
  sumAbsPow(n: number, r: number, omega: number, p: number): number;
  tallQrR(n: number, w: number, M: number, ldm: number, chunk: number, R: number, buf: number, tau: number, work: number): void;
  stackQrR(n: number, d: number, B: number, ldb: number, R: number, g: number): void;
  onlineLeverage(nb: number, d: number, A: number, lda: number, H: number, c: number, u: number, score: number, weight: number, t: number): number;
  onlineLewis(nb: number, d: number, A: number, lda: number, H: number, p: number, c: number, u: number, score: number, weight: number, t: number): number;
}

const bound = new WeakMap<object, SensitivityKernels>();

/**
 * The kernel set bound to one instance: linalg's kernels plus this package's,
 * views in, byte offsets out (cached per instance). O(1).
 *
 * @example
 * const kernels = bindSensitivity(await sensitivityWasm.instance(1 << 20));
 */
export function bindSensitivity(instance: WasmInstance<SensitivityExports>): SensitivityKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const p = pointerOf(memory);
  // countSketchDraw's generator state (linalg's 32-byte Rng block) and its ring of 32 codes, taken once per instance.
  const rngState = instance.arena.permanent(32 + 128);
  let stateView = new DataView(memory.buffer);
  const k: SensitivityKernels = {
    ...bindLinalg(instance),
    rowNormsSq: (n, d, X, ldx, out) => x.rowNormsSq(n, d, p(X), ldx, p(out)),
    rowNormsOfProduct: (n, d, kk, A, lda, B, ldb, upper, out, z) =>
      x.rowNormsOfProduct(n, d, kk, p(A), lda, p(B), ldb, upper ? 1 : 0, p(out), p(z)),
    // Unweighted short rows go to the specialised kernel (the same sums, see assembly/sketch.ts).
    countSketch: (n, d, A, lda, u, m, v, SA) => v || d > COUNT_SKETCH_SHORT_D
      ? x.countSketch(n, d, p(A), lda, p(u), m, v ? p(v) : 0, p(SA))
      : x.countSketchShort(n, d, p(A), lda, p(u), m, p(SA)),
    countSketchDraw(n, d, A, lda, rng, m, SA) {
      if (stateView.buffer !== memory.buffer) stateView = new DataView(memory.buffer);
      const view = stateView;
      rng.saveState(view, rngState);
      x.countSketchDraw(n, d, p(A), lda, rngState, m, p(SA));
      rng.loadState(view, rngState);
    },
    srhtColumns: (n, A, lda, j0, g, sign, np, T, ldt, m, idx, scale, SA, ldsa) =>
      x.srhtColumns(n, p(A), lda, j0, g, p(sign), np, p(T), ldt, m, p(idx), scale, p(SA), ldsa),
    weightedGram: (n, d, A, lda, v, G) => x.weightedGram(n, d, p(A), lda, p(v), p(G)),
    lewisUpdate: (n, d, A, lda, U, pp, alpha, w, v, z) => x.lewisUpdate(n, d, p(A), lda, p(U), pp, alpha, p(w), p(v), p(z)),
    lewisUpdateGram: (n, d, A, lda, U, pp, alpha, w, v, z, G) => x.lewisUpdateGram(n, d, p(A), lda, p(U), pp, alpha, p(w), p(v), p(z), p(G)),
    irlsRows: (n, d, A, lda, b, r, omega, pp, eps, out, ldo) =>
      x.irlsRows(n, d, p(A), lda, p(b), p(r), p(omega), pp, eps, p(out), ldo),
    sumAbsPow: (n, r, omega, pp) => x.sumAbsPow(n, p(r), p(omega), pp),
    tallQrR: (n, w, M, ldm, chunk, R, buf, tau, work) => x.tallQrR(n, w, p(M), ldm, chunk, p(R), p(buf), p(tau), p(work)),
    stackQrR: (n, d, B, ldb, R, g) => x.stackQrR(n, d, p(B), ldb, p(R), p(g)),
    onlineLeverage: (nb, d, A, lda, H, c, u, score, weight, t) =>
      x.onlineLeverage(nb, d, p(A), lda, p(H), c, p(u), p(score), p(weight), p(t)),
    onlineLewis: (nb, d, A, lda, H, pp, c, u, score, weight, t) =>
      x.onlineLewis(nb, d, p(A), lda, p(H), pp, c, p(u), p(score), p(weight), p(t)),
  };
  bound.set(instance, k);
  return k;
}

/** Widest A whose unweighted CountSketch runs in `countSketchShort` (1e6 x 10: 10.5 vs 6.4 ms; no faster at d = 50). */
const COUNT_SKETCH_SHORT_D = 16;
