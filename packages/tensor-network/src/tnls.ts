// TNLS, Li, Zeng, Tao, Zhao 2022, "Permutation Search of Tensor Network
// Structures via Local Sampling" (ICML), on tensor rings: the sampling
// search TnALE improves on, as the authors' ring code runs it. Generation g
// (from 1) draws `samples` structures around the centre: every bond rank
// moves by a Gaussian step N(0, σ_g²), σ_g = 0.9^(g-1), rounded to the
// nearest integer and capped at `radius` (default 4, the code's cap), its
// sign made upward at rank 1; with probability 0.94^(g-1) (when the mode
// order is searched) the order takes one random transposition. All are
// evaluated and the centre moves to the best when it is no worse. A draw
// equal to the centre or to an earlier sample costs nothing (fits are
// cached; the code refits it), one over the budget is skipped (the code
// skips structures too large for the tensor). Stops after `patience`
// generations (default 20, the code's run) without a better centre, or at
// `maxEvaluations`. Each sample is fitted as TnALE's candidates are (warm
// from the centre, then random starts), so evaluations compare one for one.
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

/** Decay per generation of the rank step's standard deviation (the code's c1, from 1). */
const RANK_DECAY = 0.9;
/** Decay per generation of the probability of a transposition (the code's c2, from 1). */
const PERMUTATION_DECAY = 0.94;

/** The TNLS search (see searchStructure): the best ring found. */
export async function tnls(shape: number[], budget: number, opts: TnlsOptions, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  const L = opts.radius ?? 4;
  const samples = opts.samples ?? 2 * N;
  const patience = opts.patience ?? 20;
  const rng = new Rng((opts.seed ?? 0) + 104729);
  const evaluate = cachedEvaluator(shape, budget, opts.restarts ?? 2, maxEvaluations, fit, spent);
  // The same start as TnALE's, so the two compare from one point.
  let center = opts.initialRank === undefined ? await uniformStart(shape, evaluate) : (await evaluate(startRanks(shape, budget, opts.initialRank), shape.map((_, k) => k)))!;
  for (let g = 1, stale = 0; stale < patience && spent() < maxEvaluations; g++) {
    const sigma = RANK_DECAY ** (g - 1), pPermute = opts.searchPermutation === true ? PERMUTATION_DECAY ** (g - 1) : 0;
    let best: Fit | null = null;
    for (let s = 0; s < samples && spent() < maxEvaluations; s++) {
      const [ranks, perm] = draw(center, L, sigma, pPermute, rng);
      const f = await evaluate(ranks, perm, center);
      if (f && (!best || f.objective < best.objective)) best = f;
    }
    if (best && best.objective < center.objective) stale = 0;
    else stale++;
    if (best && best.objective <= center.objective) center = best;
  }
  return center;
}

/** A rank step: N(0, σ²) rounded to the nearest integer (|z| <= 0.5 gives 0), at most L in size. */
export function rankStep(z: number, L: number): number {
  const m = Math.min(L, Math.max(0, Math.ceil(Math.abs(z) - 0.5)));
  return z < 0 ? -m : m;
}

/** One sample of the centre's neighbourhood (it may be the centre itself). */
export function draw(center: Pick<Fit, "ranks" | "permutation">, L: number, sigma: number, pPermute: number, rng: Rng): [number[], number[]] {
  const ranks = center.ranks.map((r) => {
    const step = rankStep(sigma * rng.normal(), L);
    // At rank 1 the step is taken upward (the code's lower bound), and ranks stay at least 1.
    return Math.max(1, r + (r === 1 ? Math.abs(step) : step));
  });
  let perm = center.permutation;
  if (pPermute > 0 && rng.uniform() < pPermute) {
    const t = transpositions(perm);
    perm = t[rng.int(t.length)];
  }
  return [ranks, perm];
}
