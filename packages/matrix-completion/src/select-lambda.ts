// lambda: "auto" for ALS. The best ALS-WR ridge depends on how much of the
// data's variance is signal rather than noise and on the scale of the values
// (on our synthetic MovieLens-like ratings the best lambda ranged over
// 0.1-0.2; on a grayscale photograph with values in [0, 1] it is about 0.005,
// and any lambda above about 0.05 shrinks every factor to zero, leaving a flat
// plateau of bias-only models). So it is chosen on the data: hold out 10% of
// the observations, scan a geometric ladder (ratio 1.5, lambda from 3e-5 to
// 1.1) coarsely every fourth rung, so that a plateau cannot trap the search,
// then walk rung by rung from the best coarse point while the hold-out RMSE
// falls, and take the vertex of the parabola through the best rung and its
// two neighbours (in log lambda), which costs no further fit. Each trial is a
// short fit (at most 10 iterations); typically 9-11 trials.
import { fit, type FitSettings } from "./fit.js";
import type { Observations } from "./observations.js";
import { trainTestSplit } from "./split.js";

const START = 0.1, RATIO = 1.5, LOWEST = -20, HIGHEST = 6, COARSE = 4;

/**
 * The hold-out choice of lambda for `settings` (an ALS run) on checked
 * observations, and every lambda tried with its RMSE.
 * O(trials · 10 ALS iterations on 90% of the data), 9-11 trials.
 */
export async function selectLambda(obs: Observations, settings: FitSettings): Promise<{ lambda: number; tried: { lambda: number; rmse: number }[] }> {
  const { train, test } = trainTestSplit(obs, { fraction: 0.1, seed: settings.seed + 1 });
  // Fewer than 5 observations leave nothing to hold out: every trial would score alike, and the search would end
  // on its lowest rung. Take that rung without the trials (the same lambda), and report no search.
  if (test.values.length === 0) return { lambda: START * RATIO ** LOWEST, tried: [] };
  const quick: FitSettings = { ...settings, maxIter: Math.min(settings.maxIter, 10), report: false };
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
  let t = LOWEST;
  for (let c = LOWEST + COARSE; c <= HIGHEST; c += COARSE) if ((await at(c)) < (await at(t))) t = c;
  const up = t + 1 <= HIGHEST ? await at(t + 1) : Infinity;
  const down = t - 1 >= LOWEST ? await at(t - 1) : Infinity;
  if (up < (await at(t)) || down < (await at(t))) {
    const dir = up < down ? 1 : -1;
    while (t + dir >= LOWEST && t + dir <= HIGHEST && (await at(t + dir)) < (await at(t))) t += dir;
  }
  // Both neighbours of the best rung were tried, except at the ends of the ladder.
  const left = score.get(t - 1), mid = score.get(t)!, right = score.get(t + 1);
  let offset = 0;
  if (left !== undefined && right !== undefined) {
    const curve = left - 2 * mid + right;
    if (curve > 0) offset = Math.max(-0.5, Math.min(0.5, (left - right) / (2 * curve)));
  }
  return { lambda: START * RATIO ** (t + offset), tried };
}
