// Greedy rank increments on a tensor ring, after Hashemizadeh, Liu, Miller,
// Rabusseau, "Adaptive Learning of Tensor Network Structures": from rank one
// on every bond, try +1 on each bond (warm-started from the current cores),
// keep the lowest error, stop at the target error, the parameter budget or
// the evaluation limit. greedy-general.ts is the same search on general networks.
import { ringParameters, type Fit, type Fitter } from "./ring-fit.js";

/** The greedy ring search (see searchStructure): the best ring found. */
export async function greedyRing(shape: number[], budget: number, target: number, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  let cur = await fit(shape.map(() => 1), 1);
  while (cur.error > target && spent() < maxEvaluations) {
    let best: Fit | null = null;
    for (let k = 0; k < N && spent() < maxEvaluations; k++) {
      const cand = cur.ranks.slice();
      cand[k]++;
      if (ringParameters(shape, cand) > budget) continue;
      const f = await fit(cand, 1, cur.network.cores);
      if (!best || f.error < best.error) best = f;
    }
    if (!best) break;
    cur = best;
  }
  return cur;
}
