// The half-steps (ALS and altmin: blocks of rows; robust-altmin: pieces of
// each block's prepare and PCG-step passes) and the squared-error pass on the worker pool
// (docs/ARCHITECTURE.md, "Threads" and "@lowrank/matrix-completion"): on a
// threaded instance, during a run that has threads, a large enough call is
// written as a job and split by the task kernels of assembly/tasks.ts into
// fixed pieces (blocks of rows; chunks of the sum, added here in order).
// Each piece computes what the single-threaded kernel computes at that
// place, so the results have the same bits for any thread count, one included.
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import { alsWorkSize } from "./als.js";
import { bpmfSlotSize } from "./kernels/bpmf.js";
import type { Exports } from "./generated/exports.js";
import type { CompletionKernels } from "./kernels/index.js";
import { SSE_MAX_CHUNKS, sseChunk } from "./kernels/predict.js";
import { CHUNK } from "./kernels/normal-product.js";
import { ALS_JOB_BYTES, ALS_TASK_ROWS, BPMF_JOB_BYTES, SKETCH_JOB_BYTES, SKETCH_TASK_ROWS, SSE_JOB_BYTES } from "./kernels/tasks.js";

/** Below this many multiply-adds (estimated) waking the workers costs more than it saves. */
export const PARALLEL_MIN = 1 << 20;
/** The same for one block's pass of robust-altmin (a job per pass: its blocks are smaller). */
const SKETCH_MIN = 1 << 17;

/** Each job's stamp: a thread's first task in a job claims a scratch slot (assembly/tasks.ts). */
let stamp = 0;
const nextStamp = () => (stamp = (stamp % 0x7fffffff) + 1);

const wrapped = new WeakMap<object, CompletionKernels>();

/** BPMF's jobs with work for the calling thread beside them (`meanwhile`), on a threaded instance's wrapped kernels. */
export interface BpmfJobs {
  /** bpmfHalfStep, with `meanwhile` run on the calling thread before it takes rows; on one thread: meanwhile, then the kernel. */
  halfStep(meanwhile: () => void, ...a: Parameters<CompletionKernels["bpmfHalfStep"]>): number;
  /** bpmfHalfStepScored the same way (each task scores the rows it sampled). */
  halfStepScored(meanwhile: () => void, ...a: Parameters<CompletionKernels["bpmfHalfStepScored"]>): number;
}

/**
 * The BPMF jobs of `k` when it is a threaded instance's kernels (withParallelKernels), else null. They ride on the
 * kernels object as a plain property, which the runtime's guard mode (tests) copies as it is.
 */
export const bpmfJobs = (k: CompletionKernels): BpmfJobs | null => (k as { bpmfJobs?: BpmfJobs }).bpmfJobs ?? null;

/**
 * `k` with alsHalfStep, bpmfHalfStep, sketchedPrepare, sketchedStep and squaredError split
 * over the pool when `instance` is threaded; `k` itself otherwise. A solve
 * pass runs in parallel only when its scratch has room for one per thread
 * (alsHalfStep's `work`: alsWorkSize(k) doubles each, sized by src/fit.ts;
 * the sketched passes' SD, H and buf, sized by src/robust-altmin.ts), else on
 * the calling thread.
 */
export function withParallelKernels(k: CompletionKernels, instance: WasmInstance<Exports>): CompletionKernels {
  if (!instance.threaded) return k;
  const have = wrapped.get(instance);
  if (have) return have;
  // At bind time, with the arena empty: the three job blocks and the partial sums.
  const alsJob = instance.arena.permanent(ALS_JOB_BYTES);
  const sseJob = instance.arena.permanent(SSE_JOB_BYTES);
  const partials = instance.arena.permanent(8 * SSE_MAX_CHUNKS);
  const sketchJob = instance.arena.permanent(SKETCH_JOB_BYTES);
  const bpmfJob = instance.arena.permanent(BPMF_JOB_BYTES);
  const memory = instance.memory;
  const p = pointerOf(memory);
  const serial = { bpmfHalfStep: k.bpmfHalfStep, bpmfHalfStepScored: k.bpmfHalfStepScored, alsHalfStep: k.alsHalfStep, squaredError: k.squaredError, sketchedPrepare: k.sketchedPrepare, sketchedStep: k.sketchedStep };
  /** Writes the sketched job: its 28 i32 fields, then this job's slots, stamp, a zero next slot and rr (prepare's). */
  const sketchJobOf = (fields: number[], threads: number, rr = 0) => {
    new Int32Array(memory.buffer, sketchJob, SKETCH_JOB_BYTES / 4).set([...fields, threads, nextStamp(), 0, rr]);
  };
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
    // BPMF's Gibbs half-step: the same blocks of rows as ALS's, each thread sampling in its own bpmfSlotSize of `work`.
    bpmfHalfStep: (...a) => bpmfHalf(undefined, a, null),
    bpmfHalfStepScored: (...a) => bpmfHalfScored(undefined, ...a),
    // robust-altmin's passes over one block: in parallel when SD, H and buf hold one scratch per thread (src/robust-altmin.ts sizes them so).
    sketchedPrepare(i0, nb, kk, ptr, idx, vals, F, X, s, seed, srht, T, D, SD, H, L, g, z, pp, gamma, status, rr, buf) {
      const run = instance.tasks;
      const ntasks = Math.ceil(nb / SKETCH_TASK_ROWS), kp = (kk + 1) & ~1, t = run?.threads ?? 1;
      const sdStride = s * kp, bufStride = 2 * CHUNK + kp, hStride = Math.floor(H.length / t);
      let hNeed = 0;
      for (let r = 0; srht && r < nb; r++) {
        const cnt = ptr[i0 + r + 1] - ptr[i0 + r];
        let P = 1;
        while (P < cnt) P *= 2;
        if (cnt > s) hNeed = Math.max(hNeed, P * kp);
      }
      const cost = (ptr[i0 + nb] - ptr[i0]) * kk + nb * (s * kk * kk + kk * kk * kk);
      if (!run || t < 2 || ntasks < 2 || SD.length < t * sdStride || buf.length < t * bufStride || hStride < hNeed || cost < SKETCH_MIN) {
        return serial.sketchedPrepare(i0, nb, kk, ptr, idx, vals, F, X, s, seed, srht, T, D, SD, H, L, g, z, pp, gamma, status, rr, buf);
      }
      sketchJobOf([i0, nb, kk, p(ptr), p(idx), p(vals), p(F), p(X), s, seed, srht, p(T), p(D), p(SD), p(H), p(L), p(g), p(z), p(pp), p(gamma),
        p(status), p(buf), 0, 0, 0, sdStride * 8, hStride * 8, bufStride * 8], t, p(rr));
      run.run("sketchedPrepareTask", sketchJob, ntasks);
      let prepared = 0;
      for (let r = 0; r < nb; r++) if (status[r] !== 0) prepared++;
      return prepared;
    },
    sketchedStep(i0, nb, kk, ptr, D, X, L, g, z, pp, w, gamma, qq, active, buf) {
      const run = instance.tasks;
      const ntasks = Math.ceil(nb / SKETCH_TASK_ROWS), kp = (kk + 1) & ~1, t = run?.threads ?? 1, bufStride = 2 * CHUNK + kp;
      let cost = 0;
      for (let r = 0; r < nb; r++) if (active[r] !== 0) cost += 2 * (ptr[i0 + r + 1] - ptr[i0 + r]) * kk + 4 * kk * kk;
      if (!run || t < 2 || ntasks < 2 || buf.length < t * bufStride || cost < SKETCH_MIN) {
        return serial.sketchedStep(i0, nb, kk, ptr, D, X, L, g, z, pp, w, gamma, qq, active, buf);
      }
      sketchJobOf([i0, nb, kk, p(ptr), 0, 0, 0, p(X), 0, 0, 0, 0, p(D), 0, 0, p(L), p(g), p(z), p(pp), p(gamma), 0, p(buf), p(w), p(qq),
        p(active), 0, 0, bufStride * 8], t);
      run.run("sketchedStepTask", sketchJob, ntasks);
      let stepped = 0;
      for (let r = 0; r < nb; r++) if (active[r] !== 0 && qq[r] > 0) stepped++;
      return stepped;
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
  type Half = Parameters<CompletionKernels["bpmfHalfStep"]>;
  type Score = { acc: Float64Array; div: number; sums: Float64Array; Fs: Float64Array | null; sb: Float64Array | null };
  function bpmfHalfScored(meanwhile: (() => void) | undefined, ...b: Parameters<CompletionKernels["bpmfHalfStepScored"]>): number {
    const [acc, div, sums, ow, rs, Fw, Fs, sb] = b.slice(18) as [Float64Array, number, Float64Array, ...(Float64Array | null)[]];
    return bpmfHalf(meanwhile, [...b.slice(0, 18), ow, rs, null, Fw] as Half, { acc, div, sums, Fs, sb });
  }
  /** The BPMF half-step job (scored when `score` is given: each task scores its rows after sampling them). */
  function bpmfHalf(meanwhile: (() => void) | undefined, a: Half, score: Score | null): number {
    const [n, kk, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, ow, rs, errs, Fw] = a;
    const run = instance.tasks;
    const ntasks = Math.ceil(n / ALS_TASK_ROWS);
    const d = fitBias ? kk + 1 : kk, per = bpmfSlotSize(kk, fitBias);
    const cost = (ptr[n] - ptr[0]) * d * (d + 1) / 2 + n * d * d * d / 3;
    if (!run || run.threads < 2 || ntasks < 2 || work.length < run.threads * per || cost < PARALLEL_MIN) {
      meanwhile?.();
      return score
        ? serial.bpmfHalfStepScored(n, kk, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, score.acc, score.div, score.sums, ow, rs, Fw, score.Fs, score.sb)
        : serial.bpmfHalfStep(...a);
    }
    const i = new Int32Array(memory.buffer, bpmfJob, BPMF_JOB_BYTES / 4);
    i.set([n, kk, p(ptr), p(idx), p(vals), p(F), p(otherBias), p(X), p(ownBias), p(Lam), p(h0), fitBias ? 1 : 0, p(z),
      p(work), per * 8, run.threads, nextStamp(), 0, 0, p(M), p(meanBias)]);
    new Float64Array(memory.buffer, bpmfJob + 88, 2).set([mu, alpha]);
    i[26] = score ? p(score.acc) : 0;
    i[27] = score ? p(score.sums) : 0;
    new Float64Array(memory.buffer, bpmfJob + 112, 1)[0] = score ? score.div : 1;
    const q = (v: Float64Array | null) => (v ? p(v) : 0);
    i[30] = q(ow);
    i[31] = q(rs);
    i[32] = score ? 0 : q(errs);
    i[33] = q(Fw);
    i[34] = score ? q(score.Fs) : 0;
    i[35] = score ? q(score.sb) : 0;
    run.run("bpmfHalfStepTask", bpmfJob, ntasks, meanwhile);
    return new Int32Array(memory.buffer, bpmfJob, BPMF_JOB_BYTES / 4)[18];
  }
  (out as { bpmfJobs?: BpmfJobs }).bpmfJobs = {
    halfStep: (meanwhile, ...a) => bpmfHalf(meanwhile, a, null),
    halfStepScored: bpmfHalfScored,
  };
  wrapped.set(instance, out);
  return out;
}
