import { LowrankError } from "@lowrank/linalg";
import { CompletionModel } from "./model.js";
import { checkObservations, type ObservationsInput } from "./observations.js";

/**
 * Root-mean-square error of the model's predictions at the observed entries.
 * Errors beyond about 1e154 are summed in scaled arithmetic (as LAPACK's nrm2
 * does), so the result is finite whenever it is representable; NON_FINITE
 * when it is not. O(|obs| k).
 *
 * @example
 * const { train, test } = trainTestSplit(ratings, { fraction: 0.2, seed: 1 });
 * rmse(await complete(train), test); // about 0.9 on MovieLens-like ratings
 */
export function rmse(model: CompletionModel, observations: ObservationsInput): number {
  if (!(model instanceof CompletionModel)) throw new LowrankError("INVALID_ARGUMENT", "rmse: model must be a CompletionModel returned by complete()");
  const obs = checkObservations(observations, "rmse: observations");
  if (obs.rows !== model.rows || obs.cols !== model.cols) {
    throw new LowrankError("SHAPE", `rmse: observations are ${obs.rows} x ${obs.cols}, the model is ${model.rows} x ${model.cols}`);
  }
  const pred = model.predictMany(obs.rowIndex, obs.colIndex);
  let s = 0;
  for (let q = 0; q < pred.length; q++) s += (pred[q] - obs.values[q]) ** 2;
  const r = Math.sqrt(s / pred.length);
  if (r < Infinity) return r;
  // Squares overflowed: halve both sides (exact) so every difference is finite, then sum (e / scale)².
  let scale = 0;
  const e = new Float64Array(pred.length);
  for (let q = 0; q < pred.length; q++) {
    e[q] = Math.abs(pred[q] / 2 - obs.values[q] / 2);
    scale = Math.max(scale, e[q]);
  }
  let ss = 0;
  for (let q = 0; q < pred.length; q++) ss += (e[q] / scale) ** 2;
  const half = scale * Math.sqrt(ss / pred.length);
  if (!(half <= Number.MAX_VALUE / 2)) throw new LowrankError("NON_FINITE", "rmse: the error is beyond double range");
  return 2 * half;
}
