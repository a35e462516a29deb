// The half-steps and the squared-error pass on the worker pool
// (docs/ARCHITECTURE.md, "Threads" and "@lowrank/matrix-completion"): on a
// threaded instance, during a run that has threads, a large enough call is
// written as a job and split by the task kernels of assembly/tasks.ts into
// fixed pieces (blocks of rows; chunks of the sum, added here in order).
// Each piece computes what the single-threaded kernel computes at that
// place, so the results have the same bits for any thread count, one included.
import { pointerOf, type WasmInstance } from "@lowrank/linalg";
import { alsWorkSize } from "./als.js";
import type { Exports } from "./generated/exports.js";
import type { CompletionKernels } from "./kernels/index.js";
import { SSE_MAX_CHUNKS, sseChunk } from "./kernels/predict.js";
import { ALS_JOB_BYTES, ALS_TASK_ROWS, SSE_JOB_BYTES } from "./kernels/tasks.js";

/** Below this many multiply-adds (estimated) waking the workers costs more than it saves. */
export const PARALLEL_MIN = 1 << 20;

/** Each job's stamp: a thread's first task in a job claims a scratch slot (assembly/tasks.ts). */
let stamp = 0;
const nextStamp = () => (stamp = (stamp % 0x7fffffff) + 1);

const wrapped = new WeakMap<object, CompletionKernels>();

/**
 * `k` with alsHalfStep and squaredError split over the pool when `instance`
 * is threaded; `k` itself otherwise. The half-step runs in parallel only when
 * its `work` has room for one scratch per thread (alsWorkSize(k) doubles each;
 * src/fit.ts sizes it so), else on the calling thread.
 */
export function withParallelKernels(k: CompletionKernels, instance: WasmInstance<Exports>): CompletionKernels {
  if (!instance.threaded) return k;
  const have = wrapped.get(instance);
  if (have) return have;
  // At bind time, with the arena empty: the two job blocks and the partial sums.
  const alsJob = instance.arena.permanent(ALS_JOB_BYTES);
  const sseJob = instance.arena.permanent(SSE_JOB_BYTES);
  const partials = instance.arena.permanent(8 * SSE_MAX_CHUNKS);
  const memory = instance.memory;
  const p = pointerOf(memory);
  const serial = { alsHalfStep: k.alsHalfStep, squaredError: k.squaredError };
  const out: CompletionKernels = {
    ...k,
    alsHalfStep(n, kk, ptr, idx, vals, F, otherBias, X, ownBias, mu, lambda, lambdaBias, weighted, fitBias, work) {
      const run = instance.tasks;
      const ntasks = Math.ceil(n / ALS_TASK_ROWS);
      const d = fitBias ? kk + 1 : kk, per = alsWorkSize(kk);
      const cost = (ptr[n] - ptr[0]) * d * (d + 1) / 2 + n * d * d * d / 3;
      if (!run || run.threads < 2 || ntasks < 2 || work.length < run.threads * per || cost < PARALLEL_MIN) {
        return serial.alsHalfStep(n, kk, ptr, idx, vals, F, otherBias, X, ownBias, mu, lambda, lambdaBias, weighted, fitBias, work);
      }
      const i = new Int32Array(memory.buffer, alsJob, ALS_JOB_BYTES / 4);
      i.set([n, kk, p(ptr), p(idx), p(vals), p(F), p(otherBias), p(X), p(ownBias), weighted ? 1 : 0, fitBias ? 1 : 0,
        p(work), per * 8, run.threads, nextStamp(), 0, 0]);
      new Float64Array(memory.buffer, alsJob + 72, 3).set([mu, lambda, lambdaBias]);
      run.run("alsHalfStepTask", alsJob, ntasks);
      return i[16];
    },
    squaredError(nnz, kk, rowIdx, colIdx, vals, U, V, rowBias, colBias, mu, lo, hi) {
      const run = instance.tasks;
      const ntasks = Math.ceil(nnz / sseChunk(nnz));
      if (!run || run.threads < 2 || ntasks < 2 || nnz * (kk + 4) < PARALLEL_MIN) {
        return serial.squaredError(nnz, kk, rowIdx, colIdx, vals, U, V, rowBias, colBias, mu, lo, hi);
      }
      new Int32Array(memory.buffer, sseJob, 10).set([nnz, kk, p(rowIdx), p(colIdx), p(vals), p(U), p(V), p(rowBias), p(colBias), partials]);
      new Float64Array(memory.buffer, sseJob + 40, 3).set([mu, lo, hi]);
      run.run("squaredErrorTask", sseJob, ntasks);
      // The chunks' sums added in squaredError's order.
      const part = new Float64Array(memory.buffer, partials, ntasks);
      let s = 0;
      for (let t = 0; t < ntasks; t++) s += part[t];
      return s;
    },
  };
  wrapped.set(instance, out);
  return out;
}
