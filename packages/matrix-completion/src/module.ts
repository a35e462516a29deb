// @lowrank/matrix-completion's WebAssembly module (linalg's kernels plus this
// package's half-steps), declared once to lowrank's runtime: linalg's `init()`
// compiles and warms it with every other package's module
// (docs/ARCHITECTURE.md, "The runtime").
import { defineKernelModule, type Arena } from "@lowrank/linalg/internal";
import type { Exports } from "./generated/exports.js";
import { sources } from "./generated/sources.js";
import { threadSources } from "./generated/thread-sources.js";
import { bpmfSlotSize } from "./kernels/bpmf.js";
import { jsCompletionKernels, type CompletionKernels } from "./kernels/index.js";
import { withParallelKernels } from "./parallel.js";
import { sketchedHalfStep, sketchedWorkSize, type SketchKind } from "./robust-altmin.js";
import { bindCompletion } from "./wasm.js";

/** Arena bytes the warm-up takes (a few hundred doubles; generous). */
const WARM_BYTES = 1 << 17;

/**
 * The module: the simd variant is bundled (so Node and workers can compile it
 * synchronously on first use), the relaxed-simd variant loads when `init()`
 * picks it, and the threaded variants when the pool starts (their task
 * kernels: the ALS half-step's blocks of rows, robust-altmin's pieces of a
 * block and the squared error's chunks,
 * src/parallel.ts). A run takes the threaded instance when the pool is free
 * (src/run-workspace.ts), else its private instance.
 */
export const completionModule = defineKernelModule<Exports, CompletionKernels>({
  name: "@lowrank/matrix-completion", sources, bind: (instance) => withParallelKernels(bindCompletion(instance), instance),
  js: jsCompletionKernels, warm: warmCompletion, warmBytes: WARM_BYTES,
  // A task's scratch holds the stamp and slot of the thread's last job (assembly/tasks.ts); the solves' scratch comes with the job.
  threads: { sources: threadSources, tasks: ["alsHalfStepTask", "bpmfHalfStepTask", "sketchedPrepareTask", "sketchedStepTask", "squaredErrorTask"], scratchBytes: () => 16 },
});

// Runs each half-step kernel (and bpmf's noise-scale kernels) ten times on a tiny problem (8 x 8, k = 4, fully
// observed) so V8 has optimised them before the first real call
// (docs/ARCHITECTURE.md, "The runtime", warm-up).
function warmCompletion(k: CompletionKernels, arena: Arena): void {
  const n = 8, r = 4, nnz = n * n;
  const ptr = arena.i32(n + 1), idx = arena.i32(nnz), ri = arena.i32(nnz);
  const vals = arena.f64(nnz), F = arena.f64(n * r), X = arena.f64(n * r), bias = arena.f64(n), zeros = arena.f64(n);
  // One work block serves ALS (its solve) and BPMF (one sampling slot: its Gram tiles are wider than the problem).
  const work = arena.f64(Math.max(4 * r * r + 5 * r + 2 * n * (r + 3) + 64, bpmfSlotSize(r, true)));
  for (let i = 0; i <= n; i++) ptr[i] = i * n;
  for (let q = 0; q < nnz; q++) {
    idx[q] = q % n;
    ri[q] = (q / n) | 0;
    vals[q] = Math.sin(q);
  }
  for (let q = 0; q < n * r; q++) F[q] = Math.cos(q);
  // BPMF's prior (identity precision, zero mean), one set of normals and a prediction sum.
  const lam = arena.f64((r + 1) * (r + 1)), h0 = arena.f64(r + 1), normals = arena.f64(n * (r + 1)), acc = arena.f64(nnz);
  const means = arena.f64(n * r), meanBias = arena.f64(n);
  for (let t = 0; t <= r; t++) lam[t * (r + 2)] = 1;
  for (let q = 0; q < normals.length; q++) normals[q] = Math.sin(3 * q);
  const sketched = (sketch: SketchKind) => {
    const s = 2 + r;
    const work = arena.f64(sketchedWorkSize(r, s, n, n, sketch));
    return sketchedHalfStep(k, work, { k: r, sketchSize: s, sketch, innerTol: 1e-3, maxInner: 5, ridge: 0 }, n, n);
  };
  const halfSteps = [sketched("countsketch"), sketched("srht")];
  // noise "scaled": unit scales and their roots (ow, rs), the rows' errors, the scaled eight-wide rows and a generator.
  const ones = arena.f64(n).fill(1), errs = arena.f64(2 * n), tau = arena.f64(n), root = arena.f64(n), F7 = arena.f64(n * 7), Fw = arena.f64(8 * n);
  const state = arena.i32(4);
  state.set([0x2545f491, 0x4f6cdd1d, 0x6a09e667, 0x3c6ef372]);
  for (let q = 0; q < n * 7; q++) F7[q] = Math.cos(q);
  for (let rep = 0; rep < 10; rep++) {
    k.bpmfHalfStep(n, r, ptr, idx, vals, F, zeros, X, bias, 0.5, 2, lam, h0, true, normals, means, meanBias, work, ones, ones, errs, null);
    k.bpmfGammas(n, ptr, 20, tau, state);
    k.bpmfScaleRows(n, tau, errs, 1, 20, tau, root);
    k.bpmfWeightRows(n, 7, true, F7, ones, Fw);
    k.alsHalfStep(n, r, ptr, idx, vals, F, zeros, X, bias, 0.5, 0.1, 0.1, true, true, work);
    k.bpmfHalfStep(n, r, ptr, idx, vals, F, zeros, X, bias, 0.5, 2, lam, h0, true, normals, means, meanBias, work, null, null, null, null);
    k.bpmfAccumulate(nnz, r, ri, idx, vals, X, F, bias, zeros, acc);
    halfSteps[rep & 1]({ n, ptr, idx, vals, F, fRows: n, X, bias, zeros, seed: rep });
    k.squaredError(nnz, r, ri, idx, vals, X, F, bias, zeros, 0.5, -1, 1);
  }
}
