// The tensor kernel set bound to one WASM instance: the generated binding of
// every export (src/generated/exports.ts, from assembly/), linalg's kernels,
// and adapters for the few kernels whose TypeScript signature differs from
// the export's (those that call GEMM inside WASM and take its packing scratch);
// on a threaded instance, the parallel forms of threads.ts.
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import { bindLinalg } from "@lowrank/linalg/kernels";
import { bindExports, type Exports } from "./generated/exports.js";
import type { TensorKernels } from "./kernels/index.js";
import { withTensorThreads } from "./threads.js";

/** Exports of assembly/index.ts (linalg's and this package's), generated from its sources. */
export type TensorExports = Exports;

const bound = new WeakMap<object, TensorKernels>();

/**
 * The tensor kernel set of an instance. Our kernels call GEMM inside WASM,
 * so they get their own packing scratch (linalg keeps its block private),
 * allocated once per instance as a permanent arena block.
 */
export function bindTensor(instance: WasmInstance<TensorExports>): TensorKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const linalg = bindLinalg(instance);
  const x = instance.exports;
  const work = instance.arena.permanent(x.gemmWorkSize() * 8);
  const p = pointerOf(instance.memory);
  const serial: TensorKernels = {
    ...bindExports(x, p),
    ...linalg,
    modeProduct: (transM, left, n, right, J, X, M, ldm, out) =>
      x.modeProduct(transM ? 1 : 0, left, n, right, J, p(X), p(M), ldm, p(out), work),
    unfoldingGram: (left, n, right, X, G) => x.unfoldingGram(left, n, right, p(X), p(G), work),
    tridiagonalEigBeside(n, G, d, e, tau, w, Z, ql, lw, maxIter, transM, left, m, right, J, X, M, ldm, out) {
      const it = x.tridiagonalEig(n, p(G), p(d), p(e), p(tau), p(w), p(Z), p(ql), lw, maxIter);
      serial.modeProduct(transM, left, m, right, J, X, M, ldm, out);
      return it;
    },
    mttkrp: (left, n, right, R, X, KL, KR, out, scratch) =>
      x.mttkrp(left, n, right, R, p(X), p(KL), p(KR), p(out), p(scratch), work),
    lqR: (m, n, A, R, copy, w) => x.lqR(m, n, p(A), p(R), p(copy), p(w), work),
  };
  // On the pool's shared memory: the parallel forms (threads.ts), the same bits.
  const k = withTensorThreads(serial, instance, p);
  bound.set(instance, k);
  return k;
}
