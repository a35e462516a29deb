// Task kernels of the worker pool (docs/ARCHITECTURE.md, "Threads" and
// "@lowrank/matrix-completion"): the ALS half-step cut into fixed blocks of
// ALS_TASK_ROWS rows, robust-altmin's prepare and PCG-step passes over a
// block cut into pieces of SKETCH_TASK_ROWS rows, and the squared-error pass
// cut into its chunks, BPMF's scoring pass in chunks. Which
// thread runs a task never changes what it computes: a block's rows are
// solved exactly as alsHalfStep solves them, and a chunk's sum is the one
// squaredError adds at that place, so the results have the same bits for any
// thread count. Twin: src/kernels/tasks.ts; the jobs are written by
// src/parallel.ts.
import { alsRows } from "./als-half-step";
import { bpmfRows, sampleErrors } from "./bpmf";
import { scoreRows } from "./bpmf-scored";
import { sseChunk, squaredErrorRange } from "./predict";
import { sketchedPrepare, sketchedStep } from "./sketched-solve";

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
@inline function threadSlot(job: usize, scratch: usize, at: usize): i32 {
  // At `at`: i32 slots, stamp, next slot.
  const stamp = load<i32>(job + at, 4);
  if (load<i32>(scratch) == stamp) return load<i32>(scratch, 4);
  let slot: i32;
  if (ASC_FEATURE_THREADS) {
    slot = atomic.add<i32>(job + at + 8, 1);
  } else {
    slot = load<i32>(job + at, 8);
    store<i32>(job + at + 8, slot + 1);
  }
  if (slot >= load<i32>(job + at)) unreachable();
  store<i32>(scratch, stamp);
  store<i32>(scratch, slot, 4);
  return slot;
}

/** Task t of the ALS job at `job`: rows t · ALS_TASK_ROWS onwards (at most ALS_TASK_ROWS), solved as alsHalfStep solves them. */
export function alsHalfStepTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), i0 = t * ALS_TASK_ROWS;
  if (i0 >= n) return;
  const slot = threadSlot(job, scratch, 52);
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
 * The BPMF job (bytes): i32 n 0, k 4, ptr 8, idx 12, vals 16, F 20, otherBias 24,
 * X 28, ownBias 32, Lam 36, h0 40, fitBias 44, z 48, work 52 (the threads'
 * scratch), work stride 56, slots 60, stamp 64, next slot 68, failed rows 72,
 * M 76, meanBias 80; f64 mu 88, alpha 96; then the fused scoring pass (assembly/bpmf-scored.ts), if acc is not 0:
 * i32 acc 104, sums 108; f64 div 112; the weights (bpmfRows, assembly/bpmf.ts; 0: none): i32 ow 120, rs 124; i32
 * errs 128 (each row's sample's weighted squared error at errs[2i], when acc is 0), Fw 132 (the weighted design rows);
 * the average's other side (scoreRows' Fs and sb; 0: none): i32 Fs 136, sb 140.
 */
export const BPMF_JOB_BYTES: i32 = 144;

/**
 * Task t of the BPMF job: rows t · ALS_TASK_ROWS onwards (at most ALS_TASK_ROWS), sampled as bpmfHalfStep samples them
 * (each row has its own normals), then scored as bpmfHalfStepScored scores them when the job has an acc.
 */
export function bpmfHalfStepTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), i0 = t * ALS_TASK_ROWS;
  if (i0 >= n) return;
  const slot = threadSlot(job, scratch, 60);
  const work = <usize>load<u32>(job, 52) + <usize>slot * <usize>load<u32>(job, 56);
  const failed = bpmfRows(
    i0, min(n, i0 + ALS_TASK_ROWS), load<i32>(job, 4), <usize>load<u32>(job, 8), <usize>load<u32>(job, 12), <usize>load<u32>(job, 16),
    <usize>load<u32>(job, 20), <usize>load<u32>(job, 24), <usize>load<u32>(job, 28), <usize>load<u32>(job, 32),
    load<f64>(job, 88), load<f64>(job, 96), <usize>load<u32>(job, 36), <usize>load<u32>(job, 40), load<i32>(job, 44),
    <usize>load<u32>(job, 48), <usize>load<u32>(job, 76), <usize>load<u32>(job, 80), work,
    load<u32>(job, 104) != 0 ? <usize>load<u32>(job, 108) : <usize>load<u32>(job, 128), <usize>load<u32>(job, 120), <usize>load<u32>(job, 124), <usize>load<u32>(job, 132),
  );
  const acc = <usize>load<u32>(job, 104), errs = <usize>load<u32>(job, 128);
  if (acc == 0 && errs != 0) {
    sampleErrors(
      i0, min(n, i0 + ALS_TASK_ROWS), load<i32>(job, 4), <usize>load<u32>(job, 8), <usize>load<u32>(job, 12), <usize>load<u32>(job, 16),
      <usize>load<u32>(job, 20), <usize>load<u32>(job, 24), <usize>load<u32>(job, 28), <usize>load<u32>(job, 32),
      load<f64>(job, 88), load<i32>(job, 44), <usize>load<u32>(job, 120), errs,
    );
  }
  if (acc != 0) {
    scoreRows(
      i0, min(n, i0 + ALS_TASK_ROWS), load<i32>(job, 4), <usize>load<u32>(job, 8), <usize>load<u32>(job, 12), <usize>load<u32>(job, 16),
      <usize>load<u32>(job, 20), <usize>load<u32>(job, 24), <usize>load<u32>(job, 28), <usize>load<u32>(job, 32),
      load<f64>(job, 88), <usize>load<u32>(job, 76), <usize>load<u32>(job, 80), acc, load<f64>(job, 112), <usize>load<u32>(job, 108),
      load<i32>(job, 44), <usize>load<u32>(job, 120), <usize>load<u32>(job, 136), <usize>load<u32>(job, 140),
    );
  }
  if (failed == 0) return;
  if (ASC_FEATURE_THREADS) atomic.add<i32>(job + 72, failed);
  else store<i32>(job + 72, load<i32>(job, 72) + failed);
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

/** Rows of one piece of robust-altmin's passes over a block. */
export const SKETCH_TASK_ROWS: i32 = 4;

/**
 * The sketched job (bytes), one block of rows: i32 i0 0, nb 4, k 8, ptr 12,
 * idx 16, vals 20, F 24, X 28, s 32, seed 36, srht 40, T 44, D 48, SD 52, H 56,
 * L 60, g 64, z 68, p 72, gamma 76, status 80, buf 84, w 88, qq 92, active 96,
 * then the per-thread strides (bytes) of SD 100, H 104 and buf 108, slots
 * 112, stamp 116, next slot 120, and rr 124 (sketchedPrepare's).
 */
export const SKETCH_JOB_BYTES: i32 = 128;

@inline function ptrAt(job: usize, at: usize): usize {
  return <usize>load<u32>(job + at);
}

/**
 * Piece t of sketchedPrepare on the job's block: its rows r0 .. r1 - 1 with
 * every per-row array shifted to them and this thread's SD, H and buf, so
 * each row is prepared exactly as the whole block's call prepares it.
 */
export function sketchedPrepareTask(job: usize, t: i32, scratch: usize): void {
  const nb = load<i32>(job, 4), r0 = t * SKETCH_TASK_ROWS;
  if (r0 >= nb) return;
  const slot = <usize>threadSlot(job, scratch, 112);
  const i0 = load<i32>(job), k = load<i32>(job, 8), ptr = ptrAt(job, 12);
  const kp = (k + 1) & ~1, row = <usize>kp << 3, kk = <usize>(k * k) << 3, r = <usize>r0;
  const shift = <usize>(load<i32>(ptr + (<usize>(i0 + r0) << 2)) - load<i32>(ptr + (<usize>i0 << 2))) * row;
  sketchedPrepare(
    i0 + r0, min(nb, r0 + SKETCH_TASK_ROWS) - r0, k, ptr, ptrAt(job, 16), ptrAt(job, 20), ptrAt(job, 24), ptrAt(job, 28),
    load<i32>(job, 32), load<u32>(job, 36), load<i32>(job, 40), ptrAt(job, 44), ptrAt(job, 48) + shift,
    ptrAt(job, 52) + slot * <usize>load<u32>(job, 100), ptrAt(job, 56) + slot * <usize>load<u32>(job, 104),
    ptrAt(job, 60) + r * kk, ptrAt(job, 64) + r * row, ptrAt(job, 68) + r * row, ptrAt(job, 72) + r * row,
    ptrAt(job, 76) + (r << 3), ptrAt(job, 80) + (r << 3), ptrAt(job, 124) + (r << 3), ptrAt(job, 84) + slot * <usize>load<u32>(job, 108),
  );
}

/** Piece t of sketchedStep on the job's block, shifted as in sketchedPrepareTask. */
export function sketchedStepTask(job: usize, t: i32, scratch: usize): void {
  const nb = load<i32>(job, 4), r0 = t * SKETCH_TASK_ROWS;
  if (r0 >= nb) return;
  const slot = <usize>threadSlot(job, scratch, 112);
  const i0 = load<i32>(job), k = load<i32>(job, 8), ptr = ptrAt(job, 12);
  const kp = (k + 1) & ~1, row = <usize>kp << 3, kk = <usize>(k * k) << 3, r = <usize>r0;
  const shift = <usize>(load<i32>(ptr + (<usize>(i0 + r0) << 2)) - load<i32>(ptr + (<usize>i0 << 2))) * row;
  sketchedStep(
    i0 + r0, min(nb, r0 + SKETCH_TASK_ROWS) - r0, k, ptr, ptrAt(job, 48) + shift, ptrAt(job, 28),
    ptrAt(job, 60) + r * kk, ptrAt(job, 64) + r * row, ptrAt(job, 68) + r * row, ptrAt(job, 72) + r * row, ptrAt(job, 88) + r * row,
    ptrAt(job, 76) + (r << 3), ptrAt(job, 92) + (r << 3), ptrAt(job, 96) + (r << 3), ptrAt(job, 84) + slot * <usize>load<u32>(job, 108),
  );
}
