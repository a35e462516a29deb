// The robust-altmin half-step (Gu, Song, Yin, Zhang 2023, arXiv 2302.11068):
// every row's least-squares problem solved by sketch-and-precondition and a
// few conjugate-gradient steps warm-started from the row's current value. The
// control flow lives here once, for both backends: rows go in blocks (a few
// hundred KiB of design and state, so each kernel call does enough work to
// hide its cost); per block, one pass sketches, factors and starts the PCG of
// every row (sketchedPrepare), the rows it leaves out (no more observations
// than sketch rows, or a rank-deficient sketch) get the exact solve
// (alsHalfStep without biases), then PCG steps run on the rows still active
// (sketchedStep) until each row's preconditioned normal residual has fallen
// by innerTol or maxInner steps have run. Each row's squared residual
// |t - D x|² comes out of the first pass and is carried through the steps
// (each takes gamma² / |D p|² off it), so the half-step also gives the sum of
// squared errors at its result: the training loss, with no pass of its own
// (the rows solved exactly add theirs by one squared-error call per run).
// The passes are in assembly/sketched-solve.ts (twins in src/kernels/);
// docs/ARCHITECTURE.md, "matrix-completion".
import type { CompletionKernels } from "./kernels/index.js";
import { CHUNK } from "./kernels/normal-product.js";

/** The subspace embedding of robust-altmin's row regressions. */
export type SketchKind = "countsketch" | "srht";

/** Per-row state doubles a block may hold (L, g, z, p, w and five scalars per row). */
const BLOCK_STATE = 1 << 15;
/** Design doubles a block may hold (at least one row's). */
const BLOCK_DESIGN = 1 << 16;

/** The smallest power of two >= n (n >= 1). */
function pow2AtLeast(n: number): number {
  let N = 1;
  while (N < n) N *= 2;
  return N;
}

/**
 * Sizes of the half-step's scratch (doubles), given the rank, sketch rows,
 * largest row count, the most rows either side has, and the threads it runs
 * on: with t threads a block holds t times the rows (each pass over it is
 * one job of the pool, src/parallel.ts) and the per-row scratch of a pass
 * (the sketch, the SRHT buffer, buf) is there once per thread. A row's
 * result never depends on its block, so the bits are those of one thread.
 */
function layout(k: number, s: number, maxCount: number, m: number, sketch: SketchKind, threads: number) {
  const kp = (k + 1) & ~1;
  const rows = Math.max(1, Math.min(256 * threads, m, Math.floor((BLOCK_STATE * threads) / (k * k + 4 * kp + 5))));
  const design = Math.max(maxCount * kp, Math.min(BLOCK_DESIGN * threads, rows * maxCount * kp));
  const parts = {
    table: (m + 1) >> 1, design, sketch: threads * s * kp, srht: sketch === "srht" ? threads * pow2AtLeast(Math.max(maxCount, 1)) * kp : 0,
    L: rows * k * k, vectors: 4 * rows * kp, scalars: 5 * rows, buf: threads * (2 * CHUNK + kp), exact: (k + 1) * (k + 1) + k + 1,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { kp, rows, design, parts, total };
}

/** Doubles of scratch a robust-altmin half-step on `threads` threads needs (maxCount: the largest row count; m: the most rows either side has). */
export function sketchedWorkSize(k: number, s: number, maxCount: number, m: number, sketch: SketchKind, threads = 1): number {
  return layout(k, s, maxCount, m, sketch, threads).total;
}

/** Settings of the sketched solver. */
export interface SketchedSolver {
  k: number;
  sketchSize: number;
  sketch: SketchKind;
  innerTol: number;
  maxInner: number;
  ridge: number;
  /** Threads the scratch is laid out for (default 1; see sketchedWorkSize). */
  threads?: number;
}

/** One side's problem: rows n of X against F (fRows rows), CSR (ptr, idx, vals). */
export interface HalfStepProblem {
  n: number;
  ptr: Int32Array;
  idx: Int32Array;
  vals: Float64Array;
  F: Float64Array;
  fRows: number;
  X: Float64Array;
  /** The side's bias (set to 0 on rows solved exactly); altmin fits none. */
  bias: Float64Array;
  /** One zero per row of F. */
  zeros: Float64Array;
  seed: number;
}

/** What a half-step did: PCG steps taken, and rows stopped by maxInner before their residual fell by innerTol. */
export interface HalfStepReport {
  steps: number;
  unconverged: number;
  /**
   * Σ |t - D x|² over the side's rows at the half-step's result (carried
   * through the CG steps from the first pass; rows solved exactly summed
   * after their solve).
   */
  sse?: number;
}

/**
 * Binds the solver to its scratch (`work`, sketchedWorkSize doubles, from the
 * run's workspace) and returns the half-step. maxCount and m as for the size.
 */
export function sketchedHalfStep(
  K: CompletionKernels, work: Float64Array, o: SketchedSolver, maxCount: number, m: number,
): (p: HalfStepProblem) => HalfStepReport {
  const { k, sketchSize: s, innerTol, maxInner, ridge } = o;
  const srht = o.sketch === "srht" ? 1 : 0;
  const { kp, rows: B, design, parts } = layout(k, s, maxCount, m, o.sketch, o.threads ?? 1);
  let at = 0;
  const take = (len: number) => work.subarray(at, (at += len));
  const T = new Int32Array(work.buffer, work.byteOffset + at * 8, m);
  take(parts.table);
  const D = take(parts.design), SD = take(parts.sketch), H = take(parts.srht), L = take(parts.L);
  const g = take(B * kp), z = take(B * kp), p = take(B * kp), w = take(B * kp);
  const gamma = take(B), qq = take(B), status = take(B), active = take(B), rr = take(B);
  const buf = take(parts.buf), exact = take(parts.exact);
  const tol2 = innerTol * innerTol;
  const stop = new Float64Array(B), before = new Float64Array(B);

  return (pb) => {
    const { n, ptr, idx, vals, F, X } = pb;
    if (!srht) K.sketchTable(pb.fRows, k, s, pb.seed, T);
    const report: HalfStepReport = { steps: 0, unconverged: 0 };
    let sse = 0;
    for (let i0 = 0; i0 < n; ) {
      // A block: rows while the state and the design fit (always at least one row).
      let i1 = i0 + 1;
      while (i1 < n && i1 - i0 < B && (ptr[i1 + 1] - ptr[i0]) * kp <= design) i1++;
      const nb = i1 - i0;
      K.sketchedPrepare(i0, nb, k, ptr, idx, vals, F, X, s, pb.seed, srht, T, D, SD, H, L, g, z, p, gamma, status, rr, buf);
      // Rows left out of the sketch: the exact solve, one call per run of consecutive rows.
      for (let r = 0; r < nb; ) {
        if (status[r] !== 0) {
          r++;
          continue;
        }
        let e = r + 1;
        while (e < nb && status[e] === 0) e++;
        const i = i0 + r;
        K.alsHalfStep(e - r, k, ptr.subarray(i), idx, vals, F, pb.zeros, X.subarray(i * k), pb.bias.subarray(i), 0, ridge, 0, false, false, exact);
        // Their squared errors, each observation's row index written where the run's design would be (no CG step reads it).
        const q0 = ptr[i], cnt = ptr[i0 + e] - q0;
        const rowOf = new Int32Array(D.buffer, D.byteOffset + (q0 - ptr[i0]) * kp * 8, cnt);
        for (let t = i; t < i0 + e; t++) rowOf.fill(t, ptr[t] - q0, ptr[t + 1] - q0);
        sse += K.squaredError(cnt, k, rowOf, idx.subarray(q0), vals.subarray(q0), X, F, pb.bias, pb.zeros, 0, -Infinity, Infinity);
        r = e;
      }
      let live = 0;
      for (let r = 0; r < nb; r++) {
        stop[r] = tol2 * gamma[r];
        const on = status[r] !== 0 && gamma[r] > stop[r] && gamma[r] > 0;
        active[r] = on ? 1 : 0;
        if (on) live++;
      }
      for (let it = 0; it < maxInner && live > 0; it++) {
        for (let r = 0; r < nb; r++) before[r] = gamma[r];
        K.sketchedStep(i0, nb, k, ptr, D, X, L, g, z, p, w, gamma, qq, active, buf);
        for (let r = 0; r < nb; r++) {
          if (active[r] === 0) continue;
          if (qq[r] > 0) {
            report.steps++;
            // |r - alpha D p|² = |r|² - 2 alpha gᵀp + alpha² |D p|², and gᵀp = gamma: |r|² - gamma² / |D p|².
            rr[r] -= (before[r] * before[r]) / qq[r];
          }
          if (!(qq[r] > 0 && gamma[r] > stop[r] && gamma[r] > 0)) {
            active[r] = 0;
            live--;
          }
        }
      }
      report.unconverged += live;
      for (let r = 0; r < nb; r++) if (status[r] !== 0) sse += Math.max(0, rr[r]);
      i0 = i1;
    }
    report.sse = sse;
    return report;
  };
}
