// GEMM on the pool (docs/ARCHITECTURE.md, "Threads"): on a threaded instance,
// during a run that has threads, a large enough product is written as a job
// and split by the task kernel gemmTask (assembly/gemm.ts) into its fixed
// grid of C blocks. Each entry of C goes through the same operations as in
// the single-threaded kernel, so the result has the same bits for any thread
// count, one included.
import type { LinalgKernels } from "./kernels/index.js";
import type { WasmInstance } from "./runtime-instance.js";
import { pointerOf, type LinalgExports } from "./wasm.js";

/** Bytes of a gemm job (GEMM_JOB_BYTES in assembly/gemm.ts). */
const GEMM_JOB_BYTES = 64;
/**
 * Writes the job gemmTask reads (assembly/gemm.ts: eleven i32 fields, then
 * alpha and beta as f64 at bytes 48 and 56) at byte offset `job`; A, B, C
 * are byte offsets.
 */
export function writeGemmJob(
  memory: WebAssembly.Memory, job: number, tA: boolean, tB: boolean, m: number, n: number, k: number,
  alpha: number, A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number,
): void {
  new Int32Array(memory.buffer, job, 11).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, A, lda, B, ldb, C, ldc]);
  new Float64Array(memory.buffer, job + 48, 2).set([alpha, beta]);
}

/** Below this many multiply-adds waking the workers costs more than it saves. */
export const PARALLEL_GEMM_MIN = 1 << 21;

const wrapped = new WeakMap<object, LinalgKernels>();

/** `k` with its gemm split over the pool when `instance` is threaded; `k` itself otherwise. */
export function withParallelGemm(k: LinalgKernels, instance: WasmInstance<LinalgExports>): LinalgKernels {
  if (!instance.threaded) return k;
  const have = wrapped.get(instance);
  if (have) return have;
  const x = instance.exports;
  const job = instance.arena.permanent(GEMM_JOB_BYTES); // at bind time, with the arena empty
  const rows = x.gemmTaskRows(), cols = x.gemmTaskCols();
  const p = pointerOf(instance.memory);
  const serial = k.gemm;
  const out: LinalgKernels = {
    ...k,
    gemm(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) {
      const run = instance.tasks;
      const ntasks = Math.ceil(m / rows) * Math.ceil(n / cols);
      if (!run || run.threads < 2 || ntasks < 2 || m * n * Math.max(kk, 1) < PARALLEL_GEMM_MIN) {
        return serial(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
      }
      writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc);
      run.run("gemmTask", job, ntasks);
    },
  };
  wrapped.set(instance, out);
  return out;
}
