// linalg's kernel set bound to one WASM instance: the generated binding
// (src/generated/exports.ts, from assembly/) plus the few adapters whose
// TypeScript signature differs from the export's.
import { internalError } from "./errors.js";
import { checkQrBlockedWork } from "./kernels/qr-blocked.js";
import { bindExports, type Exports } from "./generated/exports.js";
import type { LinalgKernels } from "./kernels/index.js";
import { RNG_STATE_BYTES } from "./rng.js";
import type { WasmInstance } from "./runtime.js";

/** Exports of packages/linalg/assembly/index.ts, generated from its sources (pointers are byte offsets). */
export type LinalgExports = Exports;

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
      throw internalError("a view passed to a WASM kernel is not in that instance's memory (allocate it from the workspace; memory growth detaches old views)");
    }
    return a.byteOffset;
  };
}

/**
 * The linalg kernel set bound to an instance of any lowrank module (every
 * module re-exports linalg's kernels). Per-instance scratch (GEMM packing, the
 * RNG state block) is allocated once, as permanent arena blocks.
 */
export function bindLinalg(instance: WasmInstance<LinalgExports>): LinalgKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const gemmWork = instance.arena.permanent(x.gemmWorkSize() * 8);
  const rngState = instance.arena.permanent(RNG_STATE_BYTES);
  const p = pointerOf(memory);
  const g = bindExports(x, p);
  const k: LinalgKernels = {
    ...g,
    backend: "wasm",
    gemm: (tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) =>
      x.gemm(tA ? 1 : 0, tB ? 1 : 0, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc, gemmWork),
    householderQrBlocked(m, n, A, lda, tau, work) {
      checkQrBlockedWork("householderQrBlocked", m, n, work);
      g.householderQrBlocked(m, n, A, lda, tau, work);
    },
    householderQBlocked(m, kk, A, lda, tau, Q, ldq, work) {
      checkQrBlockedWork("householderQBlocked", m, kk, work);
      g.householderQBlocked(m, kk, A, lda, tau, Q, ldq, work);
    },
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
