// GEMM on the pool (docs/ARCHITECTURE.md, "Threads"): on a threaded instance,
// during a run that has threads, a large enough product is written as a job
// and split by the task kernel gemmTask (assembly/gemm.ts) into its fixed
// grid of C blocks. Each entry of C goes through the same operations as in
// the single-threaded kernel, so the result has the same bits for any thread
// count, one included.
import type { LinalgKernels } from "./kernels/index.js";
import { guardMode } from "./arena.js";
import type { WasmInstance } from "./runtime-instance.js";
import { pointerOf, type LinalgExports } from "./wasm.js";
import type { Workspace, WasmWorkspace } from "./workspace.js";

/** Bytes of a gemm job (GEMM_PACKED_JOB_BYTES in assembly/gemm.ts, rounded up to 16). */
const GEMM_JOB_BYTES = 80;
/**
 * Writes the job gemmTask reads (assembly/gemm.ts: eleven i32 fields, then
 * alpha and beta as f64 at bytes 48 and 56) at byte offset `job`; A, B, C
 * are byte offsets. `Ap` and `Bp` (byte offsets, at bytes 64 and 68) are the
 * packed operands' buffers of the packed tasks (gemmPackTask, gemmComputeTask),
 * `first` (at byte 72) the piece of C gemmComputeTask's task 0 computes.
 */
export function writeGemmJob(
  memory: WebAssembly.Memory, job: number, tA: boolean, tB: boolean, m: number, n: number, k: number,
  alpha: number, A: number, lda: number, B: number, ldb: number, beta: number, C: number, ldc: number, Ap = 0, Bp = 0, first = 0,
): void {
  new Int32Array(memory.buffer, job, 11).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, A, lda, B, ldb, C, ldc]);
  new Float64Array(memory.buffer, job + 48, 2).set([alpha, beta]);
  new Int32Array(memory.buffer, job + 64, 3).set([Ap, Bp, first]);
}

/**
 * Below this many multiply-adds waking the workers costs more than it saves: a
 * product of 128³ (2^21) called now and then (not in a tight loop, where the
 * workers are still watching) took longer on two threads than on one.
 */
export const PARALLEL_GEMM_MIN = 1 << 22;

const wrapped = new WeakMap<object, LinalgKernels>();
/** The overlapped form of each threaded instance's gemm (see gemmOverlapped). */
const overlapped = new WeakMap<object, OverlappedGemm>();

/** Work on the calling thread while the pool packs the operands (see {@link gemmOverlapped}). */
export interface GemmOverlap {
  /** Runs while op(A) is packed: may fill B (and anything else op(A)'s packing does not read); must not write A or C. */
  duringA(): void;
  /** Runs after `duringA`, while op(B) is packed: may fill C; must not write A or B. */
  duringB(): void;
  /**
   * On the pool's packed path only: runs while the last rows of C (from
   * `rows` on) are computed, with C's first `rows` rows final (it may read
   * them, not write them). The caller handles the rest once the product returns.
   */
  duringC?(rows: number): void;
}

type GemmArgs = Parameters<LinalgKernels["gemm"]>;
type OverlappedGemm = (hooks: GemmOverlap | undefined, ...args: GemmArgs) => void;

/**
 * `k.gemm(...args)` with `hooks` run on the calling thread: on the pool's
 * packed path, `duringA` while the workers pack op(A) (a job of its own) and
 * `duringB` while they pack op(B), so copying B and C into WASM memory and
 * checking the inputs overlap the packing, and `duringC` (if given) on C's
 * first rows while they compute the last quarter of its rows of pieces (a
 * compute job of its own); otherwise `duringA` and `duringB` run first, in
 * order, and `duringC` not at all. The product has the same bits either
 * way, and for any thread count.
 */
export function gemmOverlapped(ws: Workspace<LinalgKernels>, hooks: GemmOverlap, ...args: GemmArgs): void {
  const instance = (ws as Partial<WasmWorkspace<LinalgKernels>>).instance;
  const f = instance && overlapped.get(instance);
  if (!f) {
    hooks.duringA();
    hooks.duringB();
    return ws.kernels.gemm(...args);
  }
  f(hooks, ...args);
  if (guardMode) instance.arena.checkGuards("kernel gemm"); // as the guarded kernel set does after each call
}

/**
 * `k` with its gemm split over the pool when `instance` is threaded; `k`
 * itself otherwise. Where the memory above the arena's top holds both packed
 * operands (the pool's runs reserve such room: threads.ts) and the module
 * declares the packed tasks, a product runs as two jobs: gemmPackTask packs
 * op(A) and op(B) once, then gemmComputeTask's 126 x 252 pieces of C only
 * multiply (with hooks, gemmOverlapped's, the packing is two jobs: op(A),
 * written with n = 0, then op(B), written with m = 0; the packed layouts do
 * not depend on the other operand's size; with `duringC`, the compute is
 * two jobs too, the second's record naming its first piece). Otherwise each of gemmTask's
 * 256 x 256 blocks packs its own operands. All give the single-threaded
 * kernel's bits.
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
  const gemm: OverlappedGemm = (hooks, tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) => {
    const run = instance.tasks;
    const before = () => {
      hooks?.duringA();
      hooks?.duringB();
    };
    if (!run || run.threads < 2 || m * n * Math.max(kk, 1) < PARALLEL_GEMM_MIN) {
      before();
      return serial(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
    }
    const pieces = Math.ceil(m / prows) * Math.ceil(n / pcols);
    const packed = kk > 0 && alpha !== 0 && pieces >= 2 && run.has?.("gemmComputeTask") ? x.gemmPackedSize(m, n, kk) : 0;
    const arena = instance.arena, mark = arena.mark();
    // The packed operands go above the arena's top when the memory already holds them (it cannot grow under live views).
    if (packed > 0 && mark + packed * 8 + 4096 <= instance.memory.buffer.byteLength) {
      try {
        const buf = arena.scratch(packed);
        const Ap = buf.byteOffset, Bp = buf.byteOffset + x.gemmPackedSize(m, 0, kk) * 8;
        const a = p(A), b = p(B), c = p(C);
        if (hooks) {
          writeGemmJob(instance.memory, job, tA, tB, m, 0, kk, alpha, a, lda, b, ldb, beta, c, ldc, Ap, Bp);
          run.run("gemmPackTask", job, x.gemmPackTasks(m, 0, kk), hooks.duringA);
          writeGemmJob(instance.memory, job, tA, tB, 0, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, Ap, Bp);
          run.run("gemmPackTask", job, x.gemmPackTasks(0, n, kk), hooks.duringB);
          writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, Ap, Bp);
          // The last quarter of C's rows of pieces (at least one) in a job of its own, beside duringC on the rows before.
          const rowPieces = Math.ceil(m / prows), tail = Math.ceil(rowPieces / 4), split = (rowPieces - tail) * (pieces / rowPieces);
          if (hooks.duringC && split > 0) {
            const duringC = hooks.duringC;
            run.run("gemmComputeTask", job, split);
            writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, Ap, Bp, split);
            run.run("gemmComputeTask", job, pieces - split, () => duringC((rowPieces - tail) * prows));
            return;
          }
        } else {
          writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc, Ap, Bp);
          run.run("gemmPackTask", job, x.gemmPackTasks(m, n, kk));
        }
        run.run("gemmComputeTask", job, pieces);
      } finally {
        arena.release(mark);
      }
      return;
    }
    const ntasks = Math.ceil(m / rows) * Math.ceil(n / cols);
    before();
    if (ntasks < 2) return serial(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
    writeGemmJob(instance.memory, job, tA, tB, m, n, kk, alpha, p(A), lda, p(B), ldb, beta, p(C), ldc);
    run.run("gemmTask", job, ntasks);
  };
  const out: LinalgKernels = { ...k, gemm: (...args) => gemm(undefined, ...args) };
  wrapped.set(instance, out);
  overlapped.set(instance, gemm);
  return out;
}
