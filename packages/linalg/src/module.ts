// @lowrank/linalg's own WebAssembly module, declared to the runtime once.
import type { Arena } from "./arena.js";
import { WARM_BLOCKED_QR_BYTES, WARM_DC_BYTES, warmBlockedQr, warmDivideAndConquer, warmFactorizations } from "./factor-warm.js";
import { sources } from "./generated/sources.js";
import { threadSources } from "./generated/thread-sources.js";
import { jsKernels, type LinalgKernels } from "./kernels/index.js";
import { defineKernelModule } from "./runtime-module.js";
import { withParallelGemm } from "./threads-gemm.js";
import type { Backend } from "./types.js";
import { bindLinalg, type LinalgExports } from "./wasm.js";
import type { Workspace } from "./workspace.js";

/**
 * The linalg module: the simd variant is bundled (so Node and workers can
 * compile it synchronously on a first call made before `init()`), the relaxed
 * one and the threaded ones (for the pool, docs/ARCHITECTURE.md "Threads")
 * load lazily.
 */
export const linalgModule = defineKernelModule<LinalgExports, LinalgKernels>({
  name: "@lowrank/linalg", sources, bind: (instance) => withParallelGemm(bindLinalg(instance), instance), js: jsKernels,
  warm: warmLinalg, warmBytes: (1 << 20) + Math.max(WARM_BLOCKED_QR_BYTES, WARM_DC_BYTES),
  threads: {
    sources: threadSources,
    tasks: ["gemmTask", "gemmPackTask", "gemmComputeTask", "pingTask"],
    scratchBytes: (x) => x.gemmWorkSize() * 8,
  },
});

/** The loader of linalg's module (its shared instance, its variant). */
export const linalgWasm = linalgModule.loader;

// Runs each hot kernel a few times on tiny inputs so V8 has compiled them
// with its optimizing tier before the first large call (docs/ARCHITECTURE.md, "Warm-up").
function warmLinalg(k: LinalgKernels, arena: Arena): void {
  const a = arena.f64(4096), b = arena.f64(4096), c = arena.f64(4096);
  a.fill(0.5);
  b.fill(0.25);
  for (let r = 0; r < 10; r++) {
    k.gemm(false, false, 24, 24, 24, 1, a, 24, b, 24, 0, c, 24);
    k.gemm(true, true, 24, 24, 24, 1, a, 24, b, 24, 1, c, 24);
    k.gemv(false, 32, 32, 1, a, 32, b, 0, c);
    k.gemv(true, 32, 32, 1, a, 32, b, 0, c);
    k.dot(1024, a, b);
    k.axpy(1024, 0.5, a, c);
  }
  warmFactorizations(k, arena);
  warmDivideAndConquer(k, arena);
  warmBlockedQr(k, arena);
}

/**
 * Runs `fn` in a linalg workspace of the chosen backend (default wasm)
 * reserving `bytes` up front; `threads` (default: the pool's) lets its
 * parallel kernels use the pool (see KernelModule.run).
 */
export function withLinalg<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace) => T, threads?: number): T {
  return linalgModule.run(backend, bytes, fn, threads);
}

/** A workspace with its own WASM instance (or plain arrays on js), for long or asynchronous runs. */
export function createWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace> {
  return linalgModule.workspace(backend, bytes);
}
