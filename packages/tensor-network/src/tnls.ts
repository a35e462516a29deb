// TNLS, Li, Zeng, Tao, Zhao 2022, "Permutation Search of Tensor Network
// Structures via Local Sampling" (ICML), on tensor rings: the sampling
// search TnALE improves on. Each iteration draws a fixed number of random
// structures from the neighbourhood of the current centre (every bond rank
// moved by a uniform step in [-L, L], and, when the mode order is searched,
// one random transposition with probability one half), evaluates them all,
// and moves the centre to the best if it lowers the objective; it stops
// after `patience` iterations without a move or at `maxEvaluations`. Each
// sample is fitted as TnALE's candidates are (warm from the centre, then
// random starts), so evaluations compare one for one.
import { Rng } from "@lowrank/linalg";
import { cachedEvaluator, type Fit, type Fitter } from "./ring-fit.js";
import { startRanks, transpositions, uniformStart } from "./tnale.js";

/** Options of {@link tnls} (searchStructure's). */
export interface TnlsOptions {
  radius?: number;
  samples?: number;
  patience?: number;
  restarts?: number;
  initialRank?: number | number[];
  searchPermutation?: boolean;
  seed?: number;
}

/** The TNLS search (see searchStructure): the best ring found. */
export async function tnls(shape: number[], budget: number, opts: TnlsOptions, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  const L = opts.radius ?? 1;
  const samples = opts.samples ?? 2 * N;
  const patience = opts.patience ?? 3;
  const rng = new Rng((opts.seed ?? 0) + 104729);
  const evaluate = cachedEvaluator(shape, budget, opts.restarts ?? 2, maxEvaluations, fit, spent);
  // The same start as TnALE's, so the two compare from one point.
  let center = opts.initialRank === undefined ? await uniformStart(shape, evaluate) : (await evaluate(startRanks(shape, budget, opts.initialRank), shape.map((_, k) => k)))!;
  for (let stale = 0; stale < patience && spent() < maxEvaluations; ) {
    let best: Fit | null = null;
    for (let s = 0; s < samples && spent() < maxEvaluations; s++) {
      const [ranks, perm] = draw(center, L, opts.searchPermutation === true, rng);
      const f = await evaluate(ranks, perm, center);
      if (f && (!best || f.objective < best.objective)) best = f;
    }
    if (best && best.objective < center.objective) {
      center = best;
      stale = 0;
    } else stale++;
  }
  return center;
}

/** One structure of the centre's neighbourhood other than the centre (ranks at least 1). */
function draw(center: Fit, L: number, permute: boolean, rng: Rng): [number[], number[]] {
  for (;;) {
    const ranks = center.ranks.map((r) => Math.max(1, r + rng.int(2 * L + 1) - L));
    let perm = center.permutation;
    if (permute && rng.int(2) === 1) {
      const t = transpositions(perm);
      perm = t[rng.int(t.length)];
    }
    if (perm !== center.permutation || ranks.some((r, k) => r !== center.ranks[k])) return [ranks, perm];
  }
}
