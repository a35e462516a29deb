// @lowrank/svd-update's WebAssembly module (linalg's kernels plus this
// package's), declared to the one runtime of lowrank: linalg's `init()`
// compiles and warms it with every other package's (docs/ARCHITECTURE.md,
// "The runtime").
import { defineKernelModule, type Arena } from "@lowrank/linalg/internal";
import type { Exports } from "./generated/exports.js";
import { sources } from "./generated/sources.js";
import { threadSources } from "./generated/thread-sources.js";
import { jsSvdUpdateKernels, type SvdUpdateKernels } from "./kernels/index.js";
import { bindSvdUpdate } from "./wasm.js";

/** Arena bytes the warm-up takes (its 13 blocks of at most 4 n² doubles, n = 8, plus alignment). */
const WARM_BYTES = 1 << 16;

/**
 * The module: the simd variant is bundled, so in Node and workers a
 * synchronous call made before `init()` compiles it on first use; the
 * relaxed-simd variant loads when `init()` picks it.
 */
export const svdUpdateModule = defineKernelModule<Exports, SvdUpdateKernels>({
  name: "@lowrank/svd-update", sources, bind: bindSvdUpdate, js: jsSvdUpdateKernels, warm: warmSvdUpdate, warmBytes: WARM_BYTES,
  // The Lanczos SVD's CSR products (linalg's withParallelCsr) and gemm (linalg's gemmTask, or its packed pair gemmPackTask + gemmComputeTask) on the worker pool.
  threads: { sources: threadSources, tasks: ["csrTask", "gemmTask", "gemmPackTask", "gemmComputeTask"], scratchBytes: (x) => x.gemmWorkSize() * 8 },
});

// Runs the hot kernels of an update on tiny inputs so V8 optimises them before
// the first real batch (docs/ARCHITECTURE.md, "The runtime").
function warmSvdUpdate(k: SvdUpdateKernels, arena: Arena): void {
  const n = 8;
  const idx = arena.i32(n), B = arena.f64(n * n), C = arena.f64(n * n), R = arena.f64(n * n), P = arena.f64(4 * n * n);
  const Y = arena.f64(n * n), tau = arena.f64(n), work = arena.f64(n), d = arena.f64(n), X = arena.f64(2 * n * n);
  for (let r = 0; r < 10; r++) {
    for (let i = 0; i < n; i++) idx[i] = 3 * i;
    for (let i = 0; i < n * n; i++) {
      B[i] = Math.sin(i + r);
      C[i] = 0.1 * Math.cos(i);
    }
    k.gatherRows(n, n, idx, P, Y);
    k.scatterAddRows(n, n, idx, B, P);
    k.sparseGramSchmidt(n, n, n, B, C, R, 1e-12, 0);
    k.gemm(false, false, n, n, n, 1, B, n, C, n, 0, Y, n);
    k.householderQr(n, n, Y, n, tau, work);
    X.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) X[i * 2 * n + j] = B[i * n + j];
      X[i * 2 * n + n + i] = 1;
    }
    k.jacobiRows(n, n, 2 * n, X, 2 * n, d, 1e-15, 30);
    // The per-batch kernels of an update (assembly/batch.ts).
    for (let i = 0; i < n; i++) Y[i * n + i] += 3;
    k.smallSvdCore(n, n, Y, n, X, d, B, tau, C, 30, P);
    k.rotateFactor(n, Y, Y, Y, false, B, C, P);
  }
}
