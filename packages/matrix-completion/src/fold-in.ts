import { asF64, asIndices, checkSize, LowrankError } from "@lowrank/linalg";
import { alsHalfStep } from "./kernels/als-half-step.js";
import { CompletionModel } from "./model.js";

/** One new row's observations: the columns and their values. */
export interface FoldInRow {
  colIndex: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Solves the new row's half-step (k factors, and its bias when the model has biases) into x and bias. */
function solveRow(
  model: CompletionModel, cols: Int32Array, vals: Float64Array, mu: number, colBias: Float64Array, x: Float64Array, bias: Float64Array,
): void {
  const k = model.rank, reg = model.regularization, cnt = cols.length;
  alsHalfStep(
    1, k, Int32Array.of(0, cnt), cols, vals, model.V, colBias, x, bias, mu, reg.lambda, reg.biasLambda, reg.weighted, reg.biases,
    new Float64Array((k + 1) * (k + 1) + k + 1),
  );
}

const finite = (a: Float64Array): boolean => a.every((v) => v - v === 0);

/**
 * Adds one new row (a new user) to a fitted model without retraining: solves
 * that row's regularised least-squares problem against the model's fixed V
 * and column biases, with the regularisation the model was fitted with (the
 * same step as one ALS half-step restricted to this row). Returns a new model
 * whose last row (index `model.rows`) is the new one; the original is not
 * changed. Values of any magnitude are solved in scaled arithmetic (the
 * problem is linear in them); a row whose factors would overflow double range
 * is refused. Errors: INVALID_ARGUMENT (not a model, not { colIndex, values },
 * arrays of the wrong kind), INDEX (column fractional, out of range or
 * repeated), NON_FINITE (NaN/Infinity, or factors beyond double range),
 * SHAPE, TOO_LARGE. O(|obs| k² + k³ + rows k + nnz) (the last terms copy U
 * and the observed index).
 *
 * @example
 * const bigger = foldIn(model, { colIndex: [3, 17, 40], values: [5, 4, 1] });
 * bigger.recommend(bigger.rows - 1, 10);
 */
export function foldIn(model: CompletionModel, row: FoldInRow): CompletionModel {
  if (!(model instanceof CompletionModel)) throw new LowrankError("INVALID_ARGUMENT", "foldIn: model must be a CompletionModel returned by complete()");
  if (row === null || typeof row !== "object" || Array.isArray(row) || ArrayBuffer.isView(row)) {
    throw new LowrankError("INVALID_ARGUMENT", `foldIn: row must be { colIndex, values }, got ${row === null ? "null" : Array.isArray(row) ? "an array" : typeof row}`);
  }
  const colIndex = asIndices(row.colIndex, "foldIn: colIndex", model.cols);
  const values = asF64(row.values, "foldIn: values");
  const cnt = values.length;
  if (colIndex.length !== cnt) throw new LowrankError("SHAPE", `foldIn: colIndex has ${colIndex.length} entries, values ${cnt}`);
  const k = model.rank;
  checkSize((model.rows + 1) * k, "foldIn: U");
  checkSize(model.observed.cols.length + cnt, "foldIn: observed columns");
  const pairs: [number, number][] = [];
  for (let q = 0; q < cnt; q++) pairs.push([colIndex[q], values[q]]);
  pairs.sort((a, b) => a[0] - b[0]);
  for (let q = 1; q < cnt; q++) {
    if (pairs[q][0] === pairs[q - 1][0]) throw new LowrankError("INDEX", `foldIn: column ${pairs[q][0]} is given more than once`);
  }
  const cols = Int32Array.from(pairs, (p) => p[0]), vals = Float64Array.from(pairs, (p) => p[1]);
  const x = new Float64Array(k), bias = new Float64Array(1);
  solveRow(model, cols, vals, model.globalMean, model.colBias, x, bias);
  if (!finite(x) || !finite(bias)) {
    // Targets near the top of double range overflow the normal equations. The row's problem is linear in
    // its targets (values - mean - column bias), so solve it for targets scaled by a power of two (exact) and scale back.
    let big = Math.abs(model.globalMean);
    for (let q = 0; q < cnt; q++) big = Math.max(big, Math.abs(vals[q]));
    for (let j = 0; j < model.cols; j++) big = Math.max(big, Math.abs(model.colBias[j]));
    const e = Math.max(0, Math.ceil(Math.log2(big)) + 4);
    const down = 2 ** -e;
    solveRow(model, cols, vals.map((v) => v * down), model.globalMean * down, model.colBias.map((v) => v * down), x, bias);
    // 2^e can itself overflow (e up to 1028): scale in two exact steps.
    const up1 = 2 ** Math.floor(e / 2), up2 = 2 ** (e - Math.floor(e / 2));
    for (let t = 0; t < k; t++) x[t] = x[t] * up1 * up2;
    bias[0] = bias[0] * up1 * up2;
    if (!finite(x) || !finite(bias)) {
      throw new LowrankError("NON_FINITE", "foldIn: the new row's factors or bias exceed double range for these values; rescale the data");
    }
  }
  const U = new Float64Array((model.rows + 1) * k);
  U.set(model.U);
  U.set(x, model.rows * k);
  const rowBias = new Float64Array(model.rows + 1);
  rowBias.set(model.rowBias);
  rowBias[model.rows] = bias[0];
  const { ptr, cols: seen } = model.observed;
  const nextPtr = new Int32Array(ptr.length + 1);
  nextPtr.set(ptr);
  nextPtr[ptr.length] = ptr[ptr.length - 1] + cnt;
  const nextCols = new Int32Array(seen.length + cnt);
  nextCols.set(seen);
  nextCols.set(cols, seen.length);
  return new CompletionModel(
    model.method, model.rows + 1, model.cols, k, U, model.V, rowBias, model.colBias, model.globalMean, model.clip, model.history,
    model.regularization, { ptr: nextPtr, cols: nextCols }, null, { converged: model.converged, residual: model.residual },
  );
}
