// Twin of assembly/tasks.ts: one task of the parallel ALS half-step (a fixed
// block of ALS_TASK_ROWS rows), of robust-altmin's passes over a block (a
// piece of SKETCH_TASK_ROWS rows) and of the squared-error pass (one chunk of
// the sum). The WASM task kernels read their arguments from a job block in
// memory (written by src/parallel.ts); these take them as an object.
import { alsRows } from "./als-half-step.js";
import { bpmfRows, sampleErrors } from "./bpmf.js";
import { scoreRows } from "./bpmf-scored.js";
import { sseChunk, squaredErrorRange } from "./predict.js";
import { sketchedPrepare, sketchedStep } from "./sketched-solve.js";

/** Rows of one task of the parallel half-step (assembly/tasks.ts). */
export const ALS_TASK_ROWS = 16;
/** Bytes of the job blocks (assembly/tasks.ts gives their layouts). */
export const ALS_JOB_BYTES = 96;
export const SSE_JOB_BYTES = 64;
export const BPMF_JOB_BYTES = 144;
export const SKETCH_JOB_BYTES = 128;
/** Rows of one piece of robust-altmin's passes over a block (assembly/tasks.ts). */
export const SKETCH_TASK_ROWS = 4;

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

/** bpmfHalfStep's arguments, `work` being the scratch of the thread that runs the task. */
export interface BpmfJob {
  n: number; k: number; ptr: Int32Array; idx: Int32Array; vals: Float64Array; F: Float64Array; otherBias: Float64Array;
  X: Float64Array; ownBias: Float64Array; mu: number; alpha: number; Lam: Float64Array; h0: Float64Array; fitBias: boolean;
  z: Float64Array; M: Float64Array; meanBias: Float64Array; work: Float64Array;
  /** The fused scoring pass (bpmfHalfStepScored), when present: acc, div and the rows' sums. */
  score?: { acc: Float64Array; div: number; sums: Float64Array; Fs?: Float64Array | null; sb?: Float64Array | null };
  /** The observations' weights (bpmfRows), when present. */
  ow?: Float64Array | null; rs?: Float64Array | null;
  /** Without `score`: each row's sample's weighted squared error at errs[2i], when present. */
  errs?: Float64Array | null;
}

/** Task t: rows t · ALS_TASK_ROWS onwards (at most ALS_TASK_ROWS) as bpmfHalfStep samples them, then scored when the job has `score`; returns their failed rows. O(rows' work). */
export function bpmfHalfStepTask(j: BpmfJob, t: number): number {
  const i0 = t * ALS_TASK_ROWS;
  if (i0 >= j.n) return 0;
  const i1 = Math.min(j.n, i0 + ALS_TASK_ROWS);
  const ow = j.ow ?? null;
  const failed = bpmfRows(i0, i1, j.k, j.ptr, j.idx, j.vals, j.F, j.otherBias, j.X, j.ownBias, j.mu, j.alpha, j.Lam, j.h0, j.fitBias, j.z, j.M, j.meanBias, j.work, ow, j.rs ?? null);
  if (j.score) scoreRows(i0, i1, j.k, j.ptr, j.idx, j.vals, j.F, j.otherBias, j.X, j.ownBias, j.mu, j.M, j.meanBias, j.score.acc, j.score.div, j.score.sums, j.fitBias, ow, j.score.Fs ?? null, j.score.sb ?? null);
  else if (j.errs) sampleErrors(i0, i1, j.k, j.ptr, j.idx, j.vals, j.F, j.otherBias, j.X, j.ownBias, j.mu, j.fitBias, ow, j.errs);
  return failed;
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

/** sketchedPrepare's and sketchedStep's arguments for one block, SD, H and buf being the scratch of the thread that runs the piece. */
export interface SketchJob {
  i0: number; nb: number; k: number; ptr: Int32Array; idx: Int32Array; vals: Float64Array; F: Float64Array; X: Float64Array;
  s: number; seed: number; srht: number; T: Int32Array; D: Float64Array; SD: Float64Array; H: Float64Array; L: Float64Array;
  g: Float64Array; z: Float64Array; p: Float64Array; gamma: Float64Array; status: Float64Array; buf: Float64Array;
  w: Float64Array; qq: Float64Array; active: Float64Array; rr: Float64Array;
}

/** Piece t's rows r0 .. r1 - 1 and every per-row array shifted to them. */
function piece(j: SketchJob, t: number) {
  const r0 = t * SKETCH_TASK_ROWS, kp = (j.k + 1) & ~1, kk = j.k * j.k;
  const shift = (j.ptr[j.i0 + r0] - j.ptr[j.i0]) * kp;
  const at = (a: Float64Array, per: number) => a.subarray(r0 * per);
  return {
    r0, nb: Math.min(j.nb, r0 + SKETCH_TASK_ROWS) - r0, D: j.D.subarray(shift), L: at(j.L, kk), g: at(j.g, kp), z: at(j.z, kp), p: at(j.p, kp),
    w: at(j.w, kp), gamma: at(j.gamma, 1), status: at(j.status, 1), qq: at(j.qq, 1), active: at(j.active, 1), rr: at(j.rr, 1),
  };
}

/** Piece t of sketchedPrepare on the block (rows t · SKETCH_TASK_ROWS onwards), each row prepared as the whole block's call prepares it. */
export function sketchedPrepareTask(j: SketchJob, t: number): void {
  if (t * SKETCH_TASK_ROWS >= j.nb) return;
  const q = piece(j, t);
  sketchedPrepare(j.i0 + q.r0, q.nb, j.k, j.ptr, j.idx, j.vals, j.F, j.X, j.s, j.seed, j.srht, j.T, q.D, j.SD, j.H, q.L, q.g, q.z, q.p, q.gamma, q.status, q.rr, j.buf);
}

/** Piece t of sketchedStep on the block, shifted as in sketchedPrepareTask. */
export function sketchedStepTask(j: SketchJob, t: number): void {
  if (t * SKETCH_TASK_ROWS >= j.nb) return;
  const q = piece(j, t);
  sketchedStep(j.i0 + q.r0, q.nb, j.k, j.ptr, q.D, j.X, q.L, q.g, q.z, q.p, q.w, q.gamma, q.qq, q.active, j.buf);
}
