// GEMM on the pool (docs/ARCHITECTURE.md, "Threads"): on a threaded instance,
// during a run that has threads, a large enough product is written as a job
// and split by the task kernel gemmTask (assembly/gemm.ts) into its fixed
// grid of C blocks. Each entry of C goes through the same operations as in
// the single-threaded kernel, so the result has the same bits for any thread
// count, one included.
import type { LinalgKernels } from "./kernels/index.js";
import type { WasmInstance } from "./runtime-instance.js";
import { pointerOf, type LinalgExports } from "./wasm.js";

/** Bytes of a gemm job (GEMM_PACKED_JOB_BYTES in assembly/gemm.ts, rounded up to 16). */
const GEMM_JOB_BYTES = 80;
/**
 * Writes the job gemmTask reads (assembly/gemm.ts: eleven i32 fields, then
 * alpha and beta as f64 at bytes 48 and 56) at byte offset `job`; A, B, C
 * are byte offsets. `Ap` and `Bp` (byte offsets, at bytes 64 and 68) are the
 * packed operands' buffers of the packed tasks (gemmPackTask, gemmComputeTask).
 */
export function writeGemmJob(
  memory: WebAssembly.Memory, job: number, tA: boolean, tB: boolean, m: number, n: number, k: number,
  alpha: number, A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number, Ap = 0, Bp = 0,
): void {
  new Int32Array(memory.buffer, job, 11).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, A, lda, B, ldb, C, ldc]);
  new Float64Array(memory.buffer, job + 48, 2).set([alpha, beta]);
  new Int32Array(memory.buffer, job + 64, 2).set([Ap, Bp]);
}

/** Below this many multiply-adds waking the workers costs more than it saves. */
export const PARALLEL_GEMM_MIN = 1 << 21;

const wrapped = new WeakMap<object, LinalgKernels>();

/**
 * `k` with its gemm split over the pool when `instance` is threaded; `k`
 * itself otherwise. Where the memory above the arena's top holds both packed
 * operands (the pool's runs reserve such room: threads.ts) and the module
 * declares the packed tasks, a product runs as two jobs: gemmPackTask packs
 * op(A) and op(B) once, then gemmComputeTask's 128 x 256 pieces of C only
 * multiply. Otherwise each of gemmTask's 256 x 256 blocks packs its own
 * operands. Both give the single-threaded kernel's bits.
 */
export function withParallelGemm(k: LinalgKernels, instance: WasmInstance<LinalgExports>): LinalgKernels {
  if (!instance.threaded) return k;
  const have = wrapped.get(instance);
  if (have) return have;
  const x = instance.exports;
  const job = instance.arena.permanent(GEMM_JOB_BYTES); // at bind time, with the arena empty
  const rows = x.gemmTaskRows(), cols = x.gemmTaskCols();
  const prows = x.gemmPieceRows(), pcols = x.gemmPieceCols();
  const p = pointerOf(instance.memory);
  const serial = k.gemm;
  const out: LinalgKernels = {
    ...k,
    gemm(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) {
      const run = instance.tasks;
      if (!run || run.threads < 2 || m * n * Math.max(kk, 1) < PARALLEL_GEMM_MIN) {
        return serial(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
      }
      const pieces = Math.ceil(m / prows) * Math.ceil(n / pcols);
      const packed = kk > 0 && alpha !== 0 && pieces >= 2 && run.has?.("gemmComputeTask") ? x.gemmPackedSize(m, n, kk) : 0;
      const arena = instance.arena, mark = arena.mark();
      // The packed operands go above the arena's top when the memory already holds them (it cannot grow under live views).
      if (packed > 0 && mark + packed * 8 + 4096 <= instance.memory.buffer.byteLength) {
        try {
          const buf = arena.scratch(packed);
          writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc, buf.byteOffset, buf.byteOffset + x.gemmPackedSize(m, 0, kk) * 8);
          run.run("gemmPackTask", job, x.gemmPackTasks(m, n, kk));
          run.run("gemmComputeTask", job, pieces);
        } finally {
          arena.release(mark);
        }
        return;
      }
      const ntasks = Math.ceil(m / rows) * Math.ceil(n / cols);
      if (ntasks < 2) return serial(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
      writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc);
      run.run("gemmTask", job, ntasks);
    },
  };
  wrapped.set(instance, out);
  return out;
}
