// One fitting run: index, workspace, initialisation, and the iteration loop
// (history, progress, abort, convergence) shared by every method.
import { checkSize, LowrankError, MAX_TOTAL_ENTRIES, MAX_WASM_BYTES, type Backend, type LongRun } from "@lowrank/linalg";
import { alsWorkSize, setupAls } from "./als.js";
import { bpmfWorkSize, iterateBpmf, keptSamples } from "./bpmf.js";
import { altMinWorkSize, setupAltMin, type AltMinSettings } from "./altmin.js";
import { CompletionModel, type IterationRecord, type Method } from "./model.js";
import { plannedThreads, privateWorkspace, threadedWorkspace } from "./run-workspace.js";
import type { HalfStepReport, SketchKind } from "./robust-altmin.js";
import { countObservations, type Observations } from "./observations.js";
import { spectralInit, spectralWorkSize } from "./spectral-init.js";
import { allocateState, stateBytes, type RunState } from "./state.js";

/** Every setting of a run, resolved and checked by `complete`. */
export interface FitSettings {
  method: Method;
  k: number;
  maxIter: number;
  tol: number;
  /** bpmf: sweeps discarded before samples are kept (below maxIter). */
  burnIn: number;
  /** bpmf: each row and column has a noise scale of its own (complete's noise "scaled"). */
  noiseScales: boolean;
  lambda: number;
  biasLambda: number;
  biases: boolean;
  lo: number;
  hi: number;
  seed: number;
  sketchSize: number;
  sketch: SketchKind;
  innerTol: number;
  maxInner: number;
  incoherence: number;
  /** The spectral start's power iterations (its randomized method); undefined: the Lanczos SVD. */
  powerIters: number | undefined;
  backend: Backend | undefined;
  /** Most threads of the pool the run may use (undefined: the pool's). */
  threads: number | undefined;
  /** The call's clock: progress, yields and the abort signal. */
  run: LongRun<IterationRecord>;
  /** Whether this fit's iterations go to onProgress (the trial fits of lambda "auto" do not). */
  report: boolean;
}

function altSettings(s: FitSettings, slots: number): AltMinSettings {
  return {
    solver: s.method === "altmin" ? "exact" : "sketched",
    ridge: s.lambda, sketchSize: s.sketchSize, sketch: s.sketch, innerTol: s.innerTol, maxInner: s.maxInner, seed: s.seed,
    threads: slots,
  };
}

/**
 * Doubles of method scratch a run takes, given the largest row or column
 * count: an exact half-step's scratch once per thread the run may use (each
 * thread solves its rows in its own, src/parallel.ts).
 */
function workSizeOf(s: FitSettings, n: number, m: number, maxCount: number, slots: number, nnz: number, v: number): number {
  const k = s.k;
  if (s.method === "als") return slots * alsWorkSize(k);
  if (s.method === "bpmf") return bpmfWorkSize(n, m, k, s.biases, slots, nnz, v);
  return Math.max(spectralWorkSize(n, m, k, Math.min(k + 10, n, m)), altMinWorkSize(n, m, k, maxCount, altSettings(s, slots)));
}

/** Largest single block on the wasm backend: the arena's 16-byte rounding works in 32-bit arithmetic. */
const MAX_BLOCK_BYTES = 2 ** 31 - 16;

/**
 * Checks every array a run allocates (the index on the JS heap, the state in
 * the workspace, the model's copies) against the limits before any is
 * allocated, on both backends: TOO_LARGE past 2^29 entries for one array,
 * 2^30 for all together, or (wasm) 4 GiB of memory. Returns the workspace bytes.
 * `maxCount` is the largest row or column count (1 gives the smallest scratch, for a check before indexing).
 */
export function checkRunSize(
  obs: Observations, validation: Observations | null, s: FitSettings, maxCount: number, slots = plannedThreads(s.backend, s.threads),
): number {
  const n = obs.rows, m = obs.cols, nnz = obs.values.length, k = s.k, v = validation?.values.length ?? 0;
  const work = workSizeOf(s, n, m, maxCount, slots, nnz, v);
  checkSize(n * k, "complete: U (rows x rank)");
  if (s.method === "bpmf") {
    // The kept samples (JS arrays) and the model's factors, rank k times the kept samples.
    const wide = k * keptSamples(s, n, m);
    checkSize(Math.max(n, m) * wide, "complete: the kept samples (rows x rank x samples)");
    checkSize(2 * (n + m) * wide, "complete: the kept samples and the model's factors", MAX_TOTAL_ENTRIES);
  }
  checkSize(m * k, "complete: V (cols x rank)");
  checkSize(Math.max(n, m) + 1, "complete: row and column pointers");
  checkSize(work, "complete: the method's scratch");
  // The index in the workspace (5 nnz + pointers), the rest of the state (factors, biases, scratch, validation), the model's copies (an upper bound).
  const total = 11 * nnz + 3 * (n + m) + 2 * (n + m) * (k + 2) + work + 3 * v + (n + m) * (k + 1);
  checkSize(total, "complete: all arrays of the run", MAX_TOTAL_ENTRIES);
  const bytes = stateBytes({ rows: n, cols: m, nnz }, k, work, v);
  if (s.backend !== "js") {
    const block = 8 * Math.max(n * k, m * k, work, nnz, v, Math.max(n, m));
    if (block > MAX_BLOCK_BYTES || bytes > MAX_WASM_BYTES) {
      throw new LowrankError("TOO_LARGE", `complete: the run needs ${bytes} bytes of WebAssembly memory (largest array ${block}); wasm32 allows 4 GiB and 2 GiB per array. Use backend: "js"`);
    }
  }
  return bytes;
}

/** Runs one method on checked observations (and an optional checked validation set of the same shape). */
export async function fit(
  obs: Observations, validation: Observations | null, s: FitSettings, search?: { lambda: number; rmse: number }[],
): Promise<CompletionModel> {
  const n = obs.rows, m = obs.cols;
  const counts = countObservations(obs);
  const maxCount = Math.max(counts.maxRowCount, counts.maxColCount);
  // Scratch for this many threads' solves, fixed once for the run (the pool may change while it awaits).
  const slots = plannedThreads(s.backend, s.threads);
  const workSize = workSizeOf(s, n, m, maxCount, slots, obs.values.length, validation?.values.length ?? 0);
  const bytes = checkRunSize(obs, validation, s, maxCount, slots);
  // Threaded when the pool can take the run; the views are taken at once, before anything else runs.
  const rw = threadedWorkspace(s.backend, bytes, s.threads) ?? (await privateWorkspace(s.backend, bytes));
  try {
    const st = allocateState(rw.ws, obs, counts, s.k, workSize, validation);
    // The model keeps each row's observed columns (recommend's exclusion): its own copy, as the workspace is reused.
    const observed = { ptr: counts.rowPtr, cols: st.rowCols.slice() };
    if (s.method === "bpmf") return await iterateBpmf(s, st, slots, observed);
    return await iterate(s, search, observed, st, slots);
  } finally {
    rw.release();
  }
}

/** The run proper on its allocated state: initialisation, iterations, the model. */
async function iterate(
  s: FitSettings, search: { lambda: number; rmse: number }[] | undefined, observed: { ptr: Int32Array; cols: Int32Array }, st: RunState, slots: number,
): Promise<CompletionModel> {
  const { method, k, maxIter, tol, lambda, biasLambda, biases, lo, hi, seed, incoherence, powerIters, run } = s;
  const als = method === "als";
  const n = st.rows, m = st.cols, ws = st.ws;
  const K = ws.kernels;

  let mu = 0;
  let step: () => HalfStepReport;
  let penalty: () => number = () => 0;
  if (als) {
    const a = setupAls(st, { lambda, biasLambda, biases, seed });
    mu = a.mu;
    step = () => {
      a.step();
      return { steps: 0, unconverged: 0 };
    };
    penalty = a.penalty;
  } else {
    await spectralInit(st, { width: Math.min(k + 10, n, m), powerIters, incoherence, seed });
    step = setupAltMin(st, altSettings(s, slots)).step;
  }

  const history: IterationRecord[] = [];
  let prev = Infinity;
  let converged = false;
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    const t0 = performance.now();
    const inner = step();
    // The training loss is the unclamped objective the method minimises; validation sees the model's clamped predictions.
    // robust-altmin's last half-step carries the sum of squared errors through its CG steps (src/robust-altmin.ts).
    const sse = inner.sse ?? K.squaredError(st.nnz, k, st.rowOf, st.rowCols, st.rowVals, st.U, st.V, st.rowBias, st.colBias, mu, -Infinity, Infinity);
    const loss = (sse + penalty()) / st.nnz;
    if (!Number.isFinite(loss)) throw new LowrankError("NON_FINITE", `complete: the training loss became ${loss} at iteration ${iteration}`);
    const rec: IterationRecord = { iteration, loss, trainRmse: Math.sqrt(sse / st.nnz), ms: 0 };
    if (st.validation) {
      const v = st.validation;
      rec.validationRmse = Math.sqrt(K.squaredError(v.nnz, k, v.rowIndex, v.colIndex, v.values, st.U, st.V, st.rowBias, st.colBias, mu, lo, hi) / v.nnz);
    }
    if (method === "robust-altmin") {
      rec.innerSteps = inner.steps / (n + m);
      rec.innerUnconverged = inner.unconverged;
    }
    rec.ms = performance.now() - t0;
    history.push(rec);
    // Reports the record, lets the event loop run when 25 ms have passed since it last did, and honours the signal.
    if (s.report) await run.step(rec);
    else await run.pause();
    converged = iteration > 1 && prev - loss <= tol * prev;
    prev = loss;
    if (converged) break;
  }
  const residual = history[history.length - 1].trainRmse;

  return new CompletionModel(
    method, n, m, k, ws.output(st.U), ws.output(st.V), ws.output(st.rowBias), ws.output(st.colBias), mu, [lo, hi], history,
    { lambda, biasLambda, weighted: als, biases, search },
    observed, null, { converged, residual },
  );
}
