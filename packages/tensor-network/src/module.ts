// This package's WebAssembly module, declared to linalg's runtime once
// (docs/ARCHITECTURE.md, "The runtime"). The binary holds linalg's kernels and
// the tensor kernels; the simd variant is bundled so that Node and workers
// compile it synchronously on a first call made before `init()`, the relaxed
// one loads lazily. `init` is linalg's: one call initialises every package.
import { defineKernelModule, type Arena } from "@lowrank/linalg/internal";
import { sources } from "./generated/sources.js";
import { threadSources } from "./generated/thread-sources.js";
import { jsTensorKernels, type TensorKernels } from "./kernels/index.js";
import { bindTensor, type TensorExports } from "./wasm.js";
import { warmTensor } from "./warm.js";

export { init } from "@lowrank/linalg";

/** Arena bytes the warm-up takes (about 85 KiB; see warm.ts). */
const WARM_BYTES = 1 << 20;

/**
 * The tensor module: `run(backend, bytes, fn)` for synchronous calls on the
 * shared instance, `workspace(backend, bytes)` for long runs on a private one.
 */
export const tensorModule = defineKernelModule<TensorExports, TensorKernels>({
  name: "@lowrank/tensor-network", sources, bind: bindTensor, js: jsTensorKernels, warm, warmBytes: WARM_BYTES,
  // The pool (docs/ARCHITECTURE.md, "Threads"): GEMM batches in fixed tiles (threads.ts); each thread packs its own panels.
  threads: { sources: threadSources, tasks: ["gemmBatchTask", "eigBatchTask", "scanTask", "gramTask"], scratchBytes: (x) => x.gemmWorkSize() * 8 },
});

function warm(k: TensorKernels, arena: Arena): void {
  warmTensor(k, (n) => arena.f64(n), (n) => arena.i32(n));
}

/** The loader of this package's module (its shared instance and variant). */
export const tensorWasm = tensorModule.loader;
