// lambda: "auto" for ALS. The best ALS-WR ridge depends on how much of the
// ratings' variance is taste rather than noise, which differs between
// datasets (on our synthetic MovieLens-like sets the best lambda ranged over
// 0.1-0.2, and 0.05 was 0.03-0.08 RMSE worse). So it is chosen on the data:
// hold out 10% of the observations, walk a geometric ladder of lambdas (ratio
// 1.5, starting at 0.1) in the direction that lowers the hold-out RMSE until
// it rises, then take the vertex of the parabola through the best rung and
// its two neighbours (in log lambda), which costs no further fit. Each trial
// is a short fit (at most 10 iterations); typically 3-5 trials.
import { fit, type FitSettings } from "./fit.js";
import type { Observations } from "./observations.js";
import { trainTestSplit } from "./split.js";

const START = 0.1, RATIO = 1.5, LOWEST = -12, HIGHEST = 6;

/**
 * The hold-out choice of lambda for `settings` (an ALS run) on checked
 * observations, and every lambda tried with its RMSE.
 * O(trials · 10 ALS iterations on 90% of the data).
 */
export async function selectLambda(obs: Observations, settings: FitSettings): Promise<{ lambda: number; tried: { lambda: number; rmse: number }[] }> {
  const { train, test } = trainTestSplit(obs, { fraction: 0.1, seed: settings.seed + 1 });
  const quick: FitSettings = { ...settings, maxIter: Math.min(settings.maxIter, 10), onProgress: undefined };
  const tried: { lambda: number; rmse: number }[] = [];
  const score = new Map<number, number>();
  const at = async (t: number): Promise<number> => {
    const known = score.get(t);
    if (known !== undefined) return known;
    const lambda = START * RATIO ** t;
    const model = await fit(train, test, { ...quick, lambda });
    const rmse = model.history[model.history.length - 1].validationRmse ?? Infinity;
    score.set(t, rmse);
    tried.push({ lambda, rmse });
    return rmse;
  };
  let t = 0;
  const dir = (await at(1)) < (await at(0)) ? 1 : -1;
  if (dir === 1) t = 1;
  while (t + dir >= LOWEST && t + dir <= HIGHEST && (await at(t + dir)) < (await at(t))) t += dir;
  // Both neighbours of the best rung were tried, except at the ends of the ladder.
  const left = score.get(t - 1), mid = score.get(t)!, right = score.get(t + 1);
  let offset = 0;
  if (left !== undefined && right !== undefined) {
    const curve = left - 2 * mid + right;
    if (curve > 0) offset = Math.max(-0.5, Math.min(0.5, (left - right) / (2 * curve)));
  }
  return { lambda: START * RATIO ** (t + offset), tried };
}
