// This package's WebAssembly module, declared to linalg's runtime once
// (docs/ARCHITECTURE.md, "The runtime"): `init` is linalg's, which
// initialises every declared module; `sensitivityModule.run` and
// `.workspace` give the synchronous and the long-run workspaces.
import { Rng } from "@lowrank/linalg";
import { defineKernelModule, type Arena } from "@lowrank/linalg/internal";
import type { Exports } from "./generated/exports.js";
import { sources } from "./generated/sources.js";
import { threadSources } from "./generated/thread-sources.js";
import { jsSensitivityKernels, type SensitivityKernels } from "./kernels/index.js";
import { TASK_SCRATCH_BYTES, withParallelRows } from "./threads.js";
import { bindSensitivity } from "./wasm.js";

/** Arena bytes the warm-up takes. */
const WARM_BYTES = 1 << 16;

/**
 * The module: the simd variant bundled (so Node and workers compile it
 * synchronously on a first call made before `init()`), relaxed-simd and the
 * threaded variants (for the worker pool, src/threads.ts) loaded lazily.
 */
export const sensitivityModule = defineKernelModule<Exports, SensitivityKernels>({
  name: "@lowrank/sensitivity-sampling",
  sources,
  bind: (instance) => withParallelRows(bindSensitivity(instance), instance),
  js: jsSensitivityKernels,
  warm,
  warmBytes: WARM_BYTES,
  threads: { sources: threadSources, tasks: ["rowNormsTask", "stackQrTask", "lewisTask", "countSketchTask", "weightedGramTask", "stackQrLaneTask"], scratchBytes: () => TASK_SCRATCH_BYTES },
});

// Runs each hot kernel ten times on tiny inputs so V8 optimises them before
// the first large call (docs/ARCHITECTURE.md, "The runtime").
function warm(k: SensitivityKernels, arena: Arena): void {
  const n = 64, d = 8;
  const A = arena.f64(n * d), B = arena.f64(d * d), out = arena.f64(n), z = arena.f64(2 * d + 2);
  const w = arena.f64(n), v = arena.f64(n), M = arena.f64(n * (d + 1)), b = arena.f64(n), tau = arena.f64(d + 1);
  const idx = arena.i32(8).fill(3);
  const rng = new Rng(1);
  const R = arena.f64((d + 1) * (d + 1)), qbuf = arena.f64((d + 17) * (d + 1)), H = arena.f64(d * d);
  const P = arena.f64(n * d), Rs = arena.f64(8 * d * d), W = arena.f64(130 * d);
  for (let i = 0; i < n * d; i++) A[i] = Math.sin(i + 1);
  for (let i = 0; i < d; i++) B[i * d + i] = 1;
  for (let r = 0; r < 10; r++) {
    w.fill(1);
    v.fill(1);
    b.fill(0.5);
    k.rowNormsSq(n, d, A, d, out);
    k.rowNormsOfProduct(n, d, d, A, d, B, d, r % 2 === 0, out, z);
    k.countSketch(n, d, A, d, out.fill(0.25), 4, r % 2 ? v : null, M);
    k.countSketchDraw(n, d, A, d, rng, 4, M);
    k.srhtColumns(32, A, d, 0, 3, v, 32, qbuf, 4, 8, idx, 0.5, M, d);
    k.weightedGram(n, d, A, d, v, M);
    k.lewisUpdate(n, d, A, d, B, 1, 1, w, v, z);
    k.lewisUpdateGram(n, d, A, d, B, 1, 1, w, v, z, M);
    k.irlsRows(n, d, A, d, b, out, v, 1, 1e-3, M, d + 1);
    k.sumAbsPow(n, b, v, 1.5);
    k.tallQrR(n, d + 1, M, d + 1, 16, R, qbuf, tau, z);
    P.set(A);
    k.stackQrPieces(n, d, P, d, 16, Rs, z);
    k.stackQrLanes(n, d, A, d, 0, Rs, W);
    H.set(B);
    k.onlineLeverage(n, d, A, d, H, 1, out, w, v, z);
    H.set(B);
    k.onlineLewis(n, d, A, d, H, 1 + (r % 3), 1, out, w, v, z);
  }
}
