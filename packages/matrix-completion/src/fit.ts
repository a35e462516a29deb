// One fitting run: index, workspace, initialisation, and the iteration loop
// (history, progress, abort, convergence) shared by every method.
import { LowrankError, type Backend } from "@lowrank/linalg";
import { alsWorkSize, setupAls } from "./als.js";
import { altMinWorkSize, setupAltMin } from "./altmin.js";
import { CompletionModel, type IterationRecord, type Method } from "./model.js";
import { createCompletionWorkspace } from "./module.js";
import type { SketchKind } from "./kernels.js";
import { indexObservations, type Observations } from "./observations.js";
import { spectralInit, spectralWorkSize } from "./spectral-init.js";
import { allocateState, stateBytes } from "./state.js";

/** Every setting of a run, resolved and checked by `complete`. */
export interface FitSettings {
  method: Method;
  k: number;
  maxIter: number;
  tol: number;
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
  powerIters: number;
  backend: Backend | undefined;
  onProgress?: (record: IterationRecord) => void;
  signal?: AbortSignal;
}

/** Runs one method on checked observations (and an optional checked validation set of the same shape). */
export async function fit(
  obs: Observations, validation: Observations | null, s: FitSettings, search?: { lambda: number; rmse: number }[],
): Promise<CompletionModel> {
  const { method, k, maxIter, tol, lambda, biasLambda, biases, lo, hi, seed, sketchSize, sketch, innerTol, maxInner, incoherence, powerIters, signal } = s;
  const als = method === "als";
  const n = obs.rows, m = obs.cols;
  const ix = indexObservations(obs);
  const alt = {
    solver: method === "altmin" ? ("exact" as const) : ("sketched" as const),
    ridge: lambda, sketchSize, sketch, innerTol, maxInner, seed,
  };
  const width = Math.min(k + 10, n, m);
  const workSize = als
    ? alsWorkSize(k)
    : Math.max(spectralWorkSize(n, m, k, width), altMinWorkSize(n, m, k, Math.max(ix.maxRowCount, ix.maxColCount), alt));
  const ws = await createCompletionWorkspace(s.backend, stateBytes(ix, k, workSize, validation?.values.length ?? 0));
  const st = allocateState(ws, ix, k, workSize, validation);
  const K = ws.kernels;

  let mu = 0;
  let step: () => number;
  let penalty: () => number = () => 0;
  if (als) {
    const run = setupAls(st, { lambda, biasLambda, biases, seed });
    mu = run.mu;
    step = () => {
      run.step();
      return 0;
    };
    penalty = run.penalty;
  } else {
    spectralInit(st, { width, powerIters, incoherence, seed });
    step = setupAltMin(st, alt).step;
  }

  const history: IterationRecord[] = [];
  let prev = Infinity;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (signal?.aborted) throw new LowrankError("ABORTED", `complete: aborted before iteration ${iter}`);
    const t0 = performance.now();
    const inner = step();
    // The training loss is the unclamped objective the method minimises; validation sees the model's clamped predictions.
    const sse = K.squaredError(st.nnz, k, st.rowOf, st.rowCols, st.rowVals, st.U, st.V, st.rowBias, st.colBias, mu, -Infinity, Infinity);
    const loss = (sse + penalty()) / st.nnz;
    const rec: IterationRecord = { iter, loss, trainRmse: Math.sqrt(sse / st.nnz), ms: 0 };
    if (st.validation) {
      const v = st.validation;
      rec.validationRmse = Math.sqrt(K.squaredError(v.nnz, k, v.rowIndex, v.colIndex, v.values, st.U, st.V, st.rowBias, st.colBias, mu, lo, hi) / v.nnz);
    }
    if (method === "robust-altmin") rec.innerSteps = inner / (n + m);
    rec.ms = performance.now() - t0;
    history.push(rec);
    s.onProgress?.(rec);
    if (!Number.isFinite(loss)) throw new LowrankError("NON_FINITE", `complete: the training loss became ${loss} at iteration ${iter}`);
    const converged = iter > 1 && prev - loss <= tol * prev;
    prev = loss;
    if (converged) break;
    // Yield so a browser stays responsive and an abort can land between iterations.
    await new Promise((r) => setTimeout(r, 0));
  }

  return new CompletionModel(
    method, n, m, k, ws.output(st.U), ws.output(st.V), ws.output(st.rowBias), ws.output(st.colBias), mu, [lo, hi], history,
    { lambda, biasLambda, weighted: als, biases, search },
    { ptr: ix.rowPtr, cols: ix.rowCols },
  );
}
