// Alternating minimisation in the form of Jain, Netrapalli and Sanghavi
// (2013, Algorithm 2), all of Omega reused in every step as in practice:
// from the spectral U0, alternately V = argmin ||P_Omega(U Vᵀ - M)|| and
// U = argmin likewise, each a set of independent k-variable least-squares
// problems, with a QR re-orthonormalisation after each step. Written once for
// both solvers: exact normal equations (`altmin`), or the sketched,
// preconditioned, warm-started solver of Gu, Song, Yin and Zhang (2023,
// `robust-altmin`, src/robust-altmin.ts).
import { alsWorkSize } from "./als.js";
import { sketchedHalfStep, sketchedWorkSize, type HalfStepReport, type SketchKind } from "./robust-altmin.js";
import type { RunState } from "./state.js";

/** Settings of an alternating-minimisation run. */
export interface AltMinSettings {
  solver: "exact" | "sketched";
  /** Ridge added to every row's normal equations (tiny: it only guards rows with fewer than k observations). */
  ridge: number;
  /** Sketch rows s (sketched solver). */
  sketchSize: number;
  /** The subspace embedding (sketched solver). */
  sketch: SketchKind;
  /** Factor by which each row's preconditioned normal residual must fall (sketched solver). */
  innerTol: number;
  /** Cap on PCG steps per row (sketched solver). */
  maxInner: number;
  seed: number;
  /** Threads the solver's scratch has room for (exact: one alsWorkSize each; sketched: see sketchedWorkSize). */
  threads: number;
}

/** Scratch doubles one half-step plus the re-orthonormalisation needs. */
export function altMinWorkSize(n: number, m: number, k: number, maxCount: number, s: AltMinSettings): number {
  return solveWorkSize(n, m, k, maxCount, s) + 2 * Math.max(n, m) * k + k * k + 2 * k;
}

function solveWorkSize(n: number, m: number, k: number, maxCount: number, s: AltMinSettings): number {
  return s.solver === "exact" ? s.threads * alsWorkSize(k) : sketchedWorkSize(k, s.sketchSize, maxCount, Math.max(n, m), s.sketch, s.threads);
}

/**
 * Prepares the iteration on `st` (st.U, st.V already hold the spectral start)
 * and returns one step: V half-step, V = QR, U half-step, U = QR. Each QR
 * moves its R into the other factor (X = Q R, other <- other Rᵀ), so U Vᵀ is
 * unchanged and the sketched solver's warm start stays exact.
 * step() returns the PCG steps taken and the rows whose PCG stopped at
 * maxInner before reaching innerTol (both 0 for the exact solver).
 */
export function setupAltMin(st: RunState, s: AltMinSettings): { step(): HalfStepReport } {
  const { ws, k, rows: n, cols: m } = st;
  const K = ws.kernels;
  const N = Math.max(n, m);
  const maxCount = Math.max(st.maxRowCount, st.maxColCount);
  let o = 0;
  const take = (len: number) => st.work.subarray(o, (o += len));
  const solveWork = take(solveWorkSize(n, m, k, maxCount, s));
  const T1 = take(N * k), T2 = take(N * k), R = take(k * k), tau = take(k), qw = take(k);
  let calls = 0;
  const sketched = s.solver === "sketched"
    ? sketchedHalfStep(K, solveWork, { k, sketchSize: s.sketchSize, sketch: s.sketch, innerTol: s.innerTol, maxInner: s.maxInner, ridge: s.ridge, threads: s.threads }, maxCount, N)
    : null;

  const solve = (cnt: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, fRows: number, X: Float64Array, bias: Float64Array): HalfStepReport => {
    if (!sketched) {
      K.alsHalfStep(cnt, k, ptr, idx, vals, F, st.zeros, X, bias, 0, s.ridge, 0, false, false, solveWork);
      return { steps: 0, unconverged: 0 };
    }
    // A fresh sketch per call: the seed advances, so no row keeps an unlucky embedding.
    calls++;
    return sketched({ n: cnt, ptr, idx, vals, F, fRows, X, bias, zeros: st.zeros, seed: (s.seed + Math.imul(calls, 0x2545f491)) >>> 0 });
  };

  // X (rows x k) = Q R; other (rows2 x k) <- other Rᵀ.
  const orthonormalize = (rows: number, X: Float64Array, rows2: number, other: Float64Array) => {
    T1.set(X.subarray(0, rows * k));
    K.householderQr(rows, k, T1, k, tau, qw);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) R[i * k + j] = j >= i ? T1[i * k + j] : 0;
    K.householderQ(rows, k, T1, k, tau, X, k, qw);
    K.gemm(false, true, rows2, k, k, 1, other, k, R, k, 0, T2, k);
    other.set(T2.subarray(0, rows2 * k));
  };

  return {
    step() {
      const a = solve(m, st.colPtr, st.colRows, st.colVals, st.U, n, st.V, st.colBias);
      orthonormalize(m, st.V, n, st.U);
      const b = solve(n, st.rowPtr, st.rowCols, st.rowVals, st.V, m, st.U, st.rowBias);
      orthonormalize(n, st.U, m, st.V);
      // The U half-step's squared errors are the iteration's (the QR leaves U Vᵀ as it is).
      return { steps: a.steps + b.steps, unconverged: a.unconverged + b.unconverged, sse: b.sse };
    },
  };
}
