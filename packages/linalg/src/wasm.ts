import { LowrankError } from "./errors.js";
import { bindFactor, type FactorExports } from "./factor-wasm.js";
import type { LinalgKernels } from "./kernels.js";
import { RNG_STATE_BYTES } from "./rng.js";
import type { WasmInstance } from "./runtime.js";

/** Exports of packages/linalg/assembly/index.ts (pointers are byte offsets). */
export interface LinalgExports extends FactorExports {
  heapBase(): number;
  dot(n: number, x: number, y: number): number;
  axpy(n: number, alpha: number, x: number, y: number): void;
  scal(n: number, alpha: number, x: number): void;
  nrm2(n: number, x: number): number;
  gemv(trans: number, m: number, n: number, alpha: number, A: number, lda: number, x: number, beta: number, y: number): void;
  gemm(
    transA: number, transB: number, m: number, n: number, k: number,
    alpha: number, A: number, lda: number, B: number, ldb: number,
    beta: number, C: number, ldc: number, work: number,
  ): void;
  gemmWorkSize(): number;
  spmm(rows: number, k: number, indptr: number, indices: number, data: number, B: number, C: number): void;
  spmmT(rows: number, cols: number, k: number, indptr: number, indices: number, data: number, B: number, C: number): void;
  rngFillUniform(state: number, out: number, n: number): void;
  rngFillNormal(state: number, out: number, n: number): void;
}

const bound = new WeakMap<object, LinalgKernels>();

/**
 * The function every binding uses to turn a view into the byte offset a WASM
 * kernel takes, checking that the view lives in `memory` (a view from another
 * instance, or one detached by memory growth, would silently read the wrong
 * bytes). O(1) per call: memory.buffer is a getter, so its value is cached
 * and re-read only when a view does not match it.
 *
 * @example
 * const p = pointerOf(instance.memory);
 * exports.myKernel(n, p(x), p(y));
 */
export function pointerOf(memory: WebAssembly.Memory): (a: Float64Array | Int32Array) => number {
  let buffer = memory.buffer;
  return (a) => {
    if (a.buffer !== buffer && a.buffer !== (buffer = memory.buffer)) {
      throw new LowrankError(
        "INVALID_ARGUMENT",
        "internal: a view passed to a WASM kernel is not in that instance's memory (allocate it from the workspace; memory growth detaches old views)",
      );
    }
    return a.byteOffset;
  };
}

/**
 * The linalg kernel set bound to one instance's exports: each call checks that
 * its views live in that instance's memory and passes their byte offsets.
 * Per-instance scratch (GEMM packing, the RNG state block) is allocated once.
 */
export function bindLinalg(instance: WasmInstance<LinalgExports>): LinalgKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const gemmWork = instance.arena.permanent(x.gemmWorkSize() * 8);
  const rngState = instance.arena.permanent(RNG_STATE_BYTES);
  const p = pointerOf(memory);
  const k: LinalgKernels = {
    ...bindFactor(x, p),
    backend: "wasm",
    dot: (n, a, b) => x.dot(n, p(a), p(b)),
    axpy: (n, alpha, a, b) => x.axpy(n, alpha, p(a), p(b)),
    scal: (n, alpha, a) => x.scal(n, alpha, p(a)),
    nrm2: (n, a) => x.nrm2(n, p(a)),
    gemv: (trans, m, n, alpha, A, lda, v, beta, y) => x.gemv(trans ? 1 : 0, m, n, alpha, p(A), lda, p(v), beta, p(y)),
    gemm: (tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) =>
      x.gemm(tA ? 1 : 0, tB ? 1 : 0, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc, gemmWork),
    spmm: (rows, kk, indptr, indices, data, B, C) => x.spmm(rows, kk, p(indptr), p(indices), p(data), p(B), p(C)),
    spmmT: (rows, cols, kk, indptr, indices, data, B, C) =>
      x.spmmT(rows, cols, kk, p(indptr), p(indices), p(data), p(B), p(C)),
    rngFill(rng, out, normal) {
      const view = new DataView(memory.buffer);
      rng.saveState(view, rngState);
      if (normal) x.rngFillNormal(rngState, p(out), out.length);
      else x.rngFillUniform(rngState, p(out), out.length);
      rng.loadState(view, rngState);
    },
  };
  bound.set(instance, k);
  return k;
}
