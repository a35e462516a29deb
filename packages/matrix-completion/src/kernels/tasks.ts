// Twin of assembly/tasks.ts: one task of the parallel ALS half-step (a fixed
// block of ALS_TASK_ROWS rows) and of the squared-error pass (one chunk of
// the sum). The WASM task kernels read their arguments from a job block in
// memory (written by src/parallel.ts); these take them as an object.
import { alsRows } from "./als-half-step.js";
import { sseChunk, squaredErrorRange } from "./predict.js";

/** Rows of one task of the parallel half-step (assembly/tasks.ts). */
export const ALS_TASK_ROWS = 16;
/** Bytes of the two job blocks (assembly/tasks.ts gives their layouts). */
export const ALS_JOB_BYTES = 96;
export const SSE_JOB_BYTES = 64;

/** alsHalfStep's arguments, `work` being the scratch of the thread that runs the task. */
export interface AlsJob {
  n: number; k: number; ptr: Int32Array; idx: Int32Array; vals: Float64Array; F: Float64Array; otherBias: Float64Array;
  X: Float64Array; ownBias: Float64Array; mu: number; lambda: number; lambdaBias: number; weighted: boolean; fitBias: boolean;
  work: Float64Array;
}

/** Task t: rows t · ALS_TASK_ROWS onwards (at most ALS_TASK_ROWS) as alsHalfStep solves them; returns their singular rows. O(rows' work). */
export function alsHalfStepTask(j: AlsJob, t: number): number {
  const i0 = t * ALS_TASK_ROWS;
  if (i0 >= j.n) return 0;
  return alsRows(i0, Math.min(j.n, i0 + ALS_TASK_ROWS), j.k, j.ptr, j.idx, j.vals, j.F, j.otherBias, j.X, j.ownBias, j.mu, j.lambda, j.lambdaBias, j.weighted, j.fitBias, j.work);
}

/** squaredError's arguments and one partial sum per chunk. */
export interface SseJob {
  nnz: number; k: number; rowIdx: Int32Array; colIdx: Int32Array; vals: Float64Array; U: Float64Array; V: Float64Array;
  rowBias: Float64Array; colBias: Float64Array; mu: number; lo: number; hi: number; partials: Float64Array;
}

/** Task t: the sum of chunk t of squaredError, stored as partials[t]. O(chunk k). */
export function squaredErrorTask(j: SseJob, t: number): void {
  const chunk = sseChunk(j.nnz), q0 = t * chunk;
  if (q0 >= j.nnz) return;
  j.partials[t] = squaredErrorRange(q0, Math.min(j.nnz, q0 + chunk), j.k, j.rowIdx, j.colIdx, j.vals, j.U, j.V, j.rowBias, j.colBias, j.mu, j.lo, j.hi);
}
