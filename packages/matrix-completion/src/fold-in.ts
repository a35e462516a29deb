import { LowrankError } from "@lowrank/linalg";
import { jsCompletionKernels } from "./kernels.js";
import { CompletionModel } from "./model.js";

/**
 * Adds one new row (a new user) to a fitted model without retraining: solves
 * that row's regularised least-squares problem against the model's fixed V
 * and column biases, with the regularisation the model was fitted with (the
 * same step as one ALS half-step restricted to this row). Returns a new model
 * whose last row (index `model.rows`) is the new one; the original is not
 * changed. Errors: INDEX (column out of range or repeated), NON_FINITE, SHAPE.
 * O(|obs| k² + k³ + rows k) (the last term copies U).
 *
 * @example
 * const bigger = foldIn(model, { colIndex: [3, 17, 40], values: [5, 4, 1] });
 * bigger.recommend(bigger.rows - 1, 10);
 */
export function foldIn(model: CompletionModel, row: { colIndex: ArrayLike<number>; values: ArrayLike<number> }): CompletionModel {
  if (!(model instanceof CompletionModel)) throw new LowrankError("INVALID_ARGUMENT", "foldIn: model must be a CompletionModel returned by complete()");
  const cnt = row.values.length;
  if (row.colIndex.length !== cnt) throw new LowrankError("SHAPE", `foldIn: colIndex has ${row.colIndex.length} entries, values ${cnt}`);
  const pairs: [number, number][] = [];
  for (let q = 0; q < cnt; q++) {
    const j = row.colIndex[q], v = row.values[q];
    if (!Number.isInteger(j) || j < 0 || j >= model.cols) throw new LowrankError("INDEX", `foldIn: colIndex[${q}] = ${j} is outside [0, ${model.cols})`);
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `foldIn: values[${q}] = ${v}`);
    pairs.push([j, v]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  for (let q = 1; q < cnt; q++) {
    if (pairs[q][0] === pairs[q - 1][0]) throw new LowrankError("INDEX", `foldIn: column ${pairs[q][0]} is given more than once`);
  }
  const k = model.rank, reg = model.regularization;
  const x = new Float64Array(k), bias = new Float64Array(1);
  jsCompletionKernels.alsHalfStep(
    1, k, Int32Array.of(0, cnt), Int32Array.from(pairs, (p) => p[0]), Float64Array.from(pairs, (p) => p[1]),
    model.V, model.colBias, x, bias, model.globalMean, reg.lambda, reg.biasLambda, reg.weighted, reg.biases,
    new Float64Array((k + 1) * (k + 1) + k + 1),
  );
  const U = new Float64Array((model.rows + 1) * k);
  U.set(model.U);
  U.set(x, model.rows * k);
  const rowBias = new Float64Array(model.rows + 1);
  rowBias.set(model.rowBias);
  rowBias[model.rows] = bias[0];
  const { ptr, cols } = model.observed;
  const nextPtr = new Int32Array(ptr.length + 1);
  nextPtr.set(ptr);
  nextPtr[ptr.length] = ptr[ptr.length - 1] + cnt;
  const nextCols = new Int32Array(cols.length + cnt);
  nextCols.set(cols);
  nextCols.set(Int32Array.from(pairs, (p) => p[0]), cols.length);
  return new CompletionModel(
    model.method, model.rows + 1, model.cols, k, U, model.V, rowBias, model.colBias, model.globalMean, model.clip, model.history, reg,
    { ptr: nextPtr, cols: nextCols },
  );
}
