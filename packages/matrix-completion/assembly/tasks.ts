// Task kernels of the worker pool (docs/ARCHITECTURE.md, "Threads" and
// "@lowrank/matrix-completion"): the ALS half-step cut into fixed blocks of
// ALS_TASK_ROWS rows, and the squared-error pass cut into its chunks. Which
// thread runs a task never changes what it computes: a block's rows are
// solved exactly as alsHalfStep solves them, and a chunk's sum is the one
// squaredError adds at that place, so the results have the same bits for any
// thread count. Twin: src/kernels/tasks.ts; the jobs are written by
// src/parallel.ts.
import { alsRows } from "./als-half-step";
import { sseChunk, squaredErrorRange } from "./predict";

/** Rows of one task of the parallel half-step. */
export const ALS_TASK_ROWS: i32 = 16;

/**
 * The ALS job (bytes): i32 n 0, k 4, ptr 8, idx 12, vals 16, F 20, otherBias 24,
 * X 28, ownBias 32, weighted 36, fitBias 40, work 44 (the threads' scratch),
 * work stride 48 (bytes per thread), slots 52 (threads it has room for),
 * stamp 56 (this job's), next slot 60, singular rows 64; f64 mu 72, lambda 80,
 * lambdaBias 88.
 */
export const ALS_JOB_BYTES: i32 = 96;

/**
 * This thread's slot of the job's scratch. `scratch` (the pool's per-thread
 * block, 8 bytes used) remembers the last job's stamp and slot; the first
 * task a thread takes in a job claims the next slot. A job never has more
 * threads than slots: a claim past them is a lowrank bug and traps.
 */
@inline function threadSlot(job: usize, scratch: usize): i32 {
  const stamp = load<i32>(job, 56);
  if (load<i32>(scratch) == stamp) return load<i32>(scratch, 4);
  let slot: i32;
  if (ASC_FEATURE_THREADS) {
    slot = atomic.add<i32>(job + 60, 1);
  } else {
    slot = load<i32>(job, 60);
    store<i32>(job + 60, slot + 1);
  }
  if (slot >= load<i32>(job, 52)) unreachable();
  store<i32>(scratch, stamp);
  store<i32>(scratch, slot, 4);
  return slot;
}

/** Task t of the ALS job at `job`: rows t · ALS_TASK_ROWS onwards (at most ALS_TASK_ROWS), solved as alsHalfStep solves them. */
export function alsHalfStepTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), i0 = t * ALS_TASK_ROWS;
  if (i0 >= n) return;
  const slot = threadSlot(job, scratch);
  const work = <usize>load<u32>(job, 44) + <usize>slot * <usize>load<u32>(job, 48);
  const singular = alsRows(
    i0, min(n, i0 + ALS_TASK_ROWS), load<i32>(job, 4), <usize>load<u32>(job, 8), <usize>load<u32>(job, 12), <usize>load<u32>(job, 16),
    <usize>load<u32>(job, 20), <usize>load<u32>(job, 24), <usize>load<u32>(job, 28), <usize>load<u32>(job, 32),
    load<f64>(job, 72), load<f64>(job, 80), load<f64>(job, 88), load<i32>(job, 36), load<i32>(job, 40), work,
  );
  if (singular == 0) return;
  if (ASC_FEATURE_THREADS) atomic.add<i32>(job + 64, singular);
  else store<i32>(job + 64, load<i32>(job, 64) + singular);
}

/**
 * The squared-error job (bytes): i32 nnz 0, k 4, rowIdx 8, colIdx 12, vals 16,
 * U 20, V 24, rowBias 28, colBias 32, partial sums 36 (one f64 per chunk);
 * f64 mu 40, lo 48, hi 56.
 */
export const SSE_JOB_BYTES: i32 = 64;

/** Task t of the squared-error job: the sum of chunk t (sseChunk(nnz) positions), stored as partial sum t. */
export function squaredErrorTask(job: usize, t: i32, scratch: usize): void {
  const nnz = load<i32>(job), chunk = sseChunk(nnz), q0 = t * chunk;
  if (q0 >= nnz) return;
  const s = squaredErrorRange(
    q0, min(nnz, q0 + chunk), load<i32>(job, 4), <usize>load<u32>(job, 8), <usize>load<u32>(job, 12), <usize>load<u32>(job, 16),
    <usize>load<u32>(job, 20), <usize>load<u32>(job, 24), <usize>load<u32>(job, 28), <usize>load<u32>(job, 32),
    load<f64>(job, 40), load<f64>(job, 48), load<f64>(job, 56),
  );
  store<f64>(<usize>load<u32>(job, 36) + (<usize>t << 3), s);
}
