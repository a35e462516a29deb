import { LowrankError } from "@lowrank/linalg";
import type { CompletionModel } from "./model.js";
import { checkObservations, type Observations } from "./observations.js";

/**
 * Root-mean-square error of the model's predictions at the observed entries. O(|obs| k).
 *
 * @example
 * const { train, test } = trainTestSplit(ratings, { fraction: 0.2, seed: 1 });
 * rmse(await complete(train), test); // about 0.9 on MovieLens-like ratings
 */
export function rmse(model: CompletionModel, observations: Observations): number {
  const obs = checkObservations(observations, "observations");
  if (obs.rows !== model.rows || obs.cols !== model.cols) {
    throw new LowrankError("SHAPE", `observations are ${obs.rows} x ${obs.cols}, the model is ${model.rows} x ${model.cols}`);
  }
  const pred = model.predictMany(obs.rowIndex, obs.colIndex);
  let s = 0;
  for (let q = 0; q < pred.length; q++) s += (pred[q] - obs.values[q]) ** 2;
  return Math.sqrt(s / pred.length);
}
