// This package's kernels on the worker pool (docs/ARCHITECTURE.md, "Threads"
// and the @lowrank/sensitivity-sampling section). On a threaded instance,
// during a run that has threads, a large enough row pass is written as a job
// and split by a task kernel of assembly/tasks.ts into fixed pieces of rows:
// the row norms of A B, the Lewis-weight update and the R factors of a pass's
// pieces; the unweighted CountSketch splits by columns instead. Each row (each
// piece's R, each entry of the sketch) goes through the single-threaded
// kernel's operations, so results have the same bits for any thread count.
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import type { Exports } from "./generated/exports.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { gramGroups, ROW_TASK_ROWS, sketchGroups } from "./kernels/tasks.js";

/**
 * Blocks of rows a pass hands the kernels at once while a run has threads
 * (src/stream.ts): the R pass keeps this many partial R factors, one per
 * lane, so its result does not depend on how many blocks a call takes.
 */
export const QR_LANES = 8;

/** Bytes of scratch each thread's task gets: stackQrLaneTask's 128 d + 2d doubles for d up to 64 (z or g: 2d doubles, d up to 4160). */
export const TASK_SCRATCH_BYTES = 130 * 64 * 8;

/** Below this many multiply-adds waking the workers costs more than it saves. */
const PARALLEL_MIN = 1 << 19;

/** Most tasks of one parallel Lewis update (64M rows); a larger update runs on one thread. */
const MAX_LEWIS_TASKS = 1 << 16;

/** Bytes of the job block: 8 i32 fields and two f64 (the largest job, lewisTask's). */
const JOB_BYTES = 48;

const wrapped = new WeakMap<object, SensitivityKernels>();

/** `k` with its row passes split over the pool when `instance` is threaded; `k` itself otherwise. */
export function withParallelRows(k: SensitivityKernels, instance: WasmInstance<Exports>): SensitivityKernels {
  if (!instance.threaded) return k;
  const have = wrapped.get(instance);
  if (have) return have;
  const memory = instance.memory;
  const job = instance.arena.permanent(JOB_BYTES); // at bind time, with the arena empty
  // One maximum per task of a Lewis job (a permanent block: a job has at most MAX_LEWIS_TASKS tasks, else it runs serially).
  const changes = instance.arena.permanent(MAX_LEWIS_TASKS * 8);
  const p = pointerOf(memory);
  const threads = (): number => instance.tasks?.threads ?? 1;
  const write = (fields: number[], floats: number[] = []): void => {
    new Int32Array(memory.buffer, job, fields.length).set(fields);
    if (floats.length) new Float64Array(memory.buffer, job + 32, floats.length).set(floats);
  };
  const { rowNormsOfProduct, stackQrPieces, stackQrLanes, lewisUpdate, lewisUpdateGram, weightedGram, countSketch } = k;
  const out: SensitivityKernels = {
    ...k,
    streamBlocks: () => (threads() >= 2 ? QR_LANES : 1),
    rowNormsOfProduct(n, d, kk, A, lda, B, ldb, upper, o, z) {
      const ntasks = Math.ceil(n / ROW_TASK_ROWS);
      if (threads() < 2 || ntasks < 2 || n * d * kk < (upper ? 2 : 1) * PARALLEL_MIN) {
        return rowNormsOfProduct(n, d, kk, A, lda, B, ldb, upper, o, z);
      }
      write([n, d, kk, p(A), lda, p(B), ldb, upper ? 1 : 0, p(o)]);
      instance.tasks!.run("rowNormsTask", job, ntasks);
    },
    countSketch(n, d, A, lda, u, m, v, SA) {
      // Unweighted only (the weighted sketch runs in the asynchronous Lewis iterations, on one thread): split by columns.
      const ntasks = sketchGroups(d);
      if (v || threads() < 2 || ntasks < 2 || n * d < PARALLEL_MIN >> 2) return countSketch(n, d, A, lda, u, m, v, SA);
      write([n, d, p(A), lda, p(u), m, p(SA)]);
      instance.tasks!.run("countSketchTask", job, ntasks);
    },
    stackQrLanes(n, d, A, lda, from, Rs, work, meanwhile) {
      const ntasks = Math.min(QR_LANES, Math.ceil((n - from) / 2048));
      if (threads() < 2 || ntasks < 2 || 130 * d * 8 > TASK_SCRATCH_BYTES || (n - from) * d * d < PARALLEL_MIN) {
        return stackQrLanes(n, d, A, lda, from, Rs, work);
      }
      write([n, d, p(A), lda, p(Rs), from]);
      instance.tasks!.run("stackQrLaneTask", job, ntasks, meanwhile);
    },
    stackQrPieces(n, d, B, ldb, rows, Rs, g) {
      const ntasks = Math.ceil(n / rows);
      if (threads() < 2 || ntasks < 2 || 16 * d > TASK_SCRATCH_BYTES || n * d * d < PARALLEL_MIN) {
        return stackQrPieces(n, d, B, ldb, rows, Rs, g);
      }
      write([n, d, p(B), ldb, rows, p(Rs)]);
      instance.tasks!.run("stackQrTask", job, ntasks);
    },
    lewisUpdate(n, d, A, lda, U, pp, alpha, lw, v, z) {
      const ntasks = Math.ceil(n / ROW_TASK_ROWS);
      if (threads() < 2 || ntasks < 2 || ntasks > MAX_LEWIS_TASKS || 16 * d > TASK_SCRATCH_BYTES || n * d * d < PARALLEL_MIN) {
        return lewisUpdate(n, d, A, lda, U, pp, alpha, lw, v, z);
      }
      write([n, d, p(A), lda, p(U), p(lw), p(v), changes], [pp, alpha]);
      instance.tasks!.run("lewisTask", job, ntasks);
      // The largest change over the tasks, in task order, by the kernel's rule (a NaN never wins): the single call's max.
      const ch = new Float64Array(memory.buffer, changes, ntasks);
      let change = 0;
      for (let t = 0; t < ntasks; t++) if (ch[t] > change) change = ch[t];
      return change;
    },
    lewisUpdateGram(n, d, A, lda, U, pp, alpha, lw, v, z, G) {
      // The fused kernel's results are lewisUpdate's then weightedGram's, bit for bit: both on the pool, one after the other.
      if (threads() < 2 || Math.ceil(n / ROW_TASK_ROWS) < 2 || n * d * d < PARALLEL_MIN) {
        return lewisUpdateGram(n, d, A, lda, U, pp, alpha, lw, v, z, G);
      }
      const change = out.lewisUpdate(n, d, A, lda, U, pp, alpha, lw, v, z);
      out.weightedGram(n, d, A, lda, v, G);
      return change;
    },
    weightedGram(n, d, A, lda, v, G) {
      // Bands of G's rows (each entry summed over all of A in weightedGram's order), zeroed before and mirrored after.
      const ntasks = gramGroups(d);
      if (threads() < 2 || ntasks < 2 || n * d * d < 2 * PARALLEL_MIN) return weightedGram(n, d, A, lda, v, G);
      G.fill(0, 0, d * d);
      write([n, d, p(A), lda, p(v), p(G)]);
      instance.tasks!.run("weightedGramTask", job, ntasks);
      for (let j = 0; j < d; j++) for (let l = j + 1; l < d; l++) G[j * d + l] = G[l * d + j];
    },
  };
  wrapped.set(instance, out);
  return out;
}
