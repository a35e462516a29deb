// TnALE, Li, Zeng, Tao, Zhao et al. 2023, "Alternating Local Enumeration
// (TnALE): Solving Tensor Network Structure Search with Fewer Evaluations"
// (ICML), on tensor rings, as the authors' ring code runs it: rounds of
// alternating updates (bond ranks forward, the mode order, bond ranks
// backward), each enumerating one variable's neighbourhood (a window of
// 2 L + 1 ranks, or every transposition of the mode order) with the others
// fixed; the first round only evaluates each window's ends and centre and
// interpolates the rest; when a round changes nothing, a random structure
// near the best restarts the rounds. Objective parameters / entries +
// lambda * error. The default start (no initialRank) is the best ring of
// equal ranks (uniformStart).
import { LowrankError, Rng } from "@lowrank/linalg";
import { cachedEvaluator, rankWindow, ringParameters, type Evaluator, type Fit, type Fitter } from "./ring-fit.js";

/** Options of {@link tnale} (searchStructure's). */
export interface TnaleOptions {
  radius?: number;
  initialRadius?: number;
  restarts?: number;
  perturbations?: number;
  initialRank?: number | number[];
  searchPermutation?: boolean;
  seed?: number;
}

/** Every transposition of the mode order (TnALE's permutation neighbourhood). */
export function transpositions(perm: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < perm.length; i++) {
    for (let j = i + 1; j < perm.length; j++) {
      const p = perm.slice();
      [p[i], p[j]] = [p[j], p[i]];
      out.push(p);
    }
  }
  return out;
}

/** The starting ranks of a ring search: `initialRank` (default 2), all ones when that is over the budget. */
export function startRanks(shape: number[], budget: number, initialRank: number | number[] | undefined): number[] {
  const r0 = initialRank ?? 2;
  const start = typeof r0 === "number" ? shape.map(() => r0) : r0;
  if (start.length !== shape.length) throw new LowrankError("SHAPE", `initialRank must be a number or have N = ${shape.length} entries`);
  return ringParameters(shape, start) > budget ? shape.map(() => 1) : start.slice();
}

/** The TnALE search (see searchStructure): the best ring found. */
export async function tnale(shape: number[], budget: number, opts: TnaleOptions, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  const L = opts.radius ?? 1;
  const L0 = opts.initialRadius ?? Math.max(2, L);
  const perturbations = opts.perturbations ?? 3;
  const rng = new Rng((opts.seed ?? 0) + 7919);
  const evaluate = cachedEvaluator(shape, budget, opts.restarts ?? 2, maxEvaluations, fit, spent);
  const identity = shape.map((_, k) => k);
  let cur = opts.initialRank === undefined ? await uniformStart(shape, evaluate) : (await evaluate(startRanks(shape, budget, opts.initialRank), identity))!;
  let best = cur;
  // Positions of one round: bonds 0..N-1, the mode order (-1), bonds N-1..1, as the authors' schedule.
  const schedule = [...shape.map((_, k) => k), -1, ...shape.map((_, k) => N - 1 - k).slice(0, N - 1)];
  const improves = (f: Fit | null, than: Fit) => f !== null && f.objective < than.objective;

  // One bond's update: enumerate its window (interpolating on the first round), move to the best.
  const updateBond = async (k: number, interpolate: boolean): Promise<boolean> => {
    const window = rankWindow(cur.ranks[k], interpolate ? L0 : L);
    const at = (v: number) => {
      const r = cur.ranks.slice();
      r[k] = v;
      return r;
    };
    let cands = window;
    if (interpolate) {
      // Ends and centre, then the minimum of the piecewise-linear interpolant of their objectives.
      const probes = [window[0], cur.ranks[k], window[window.length - 1]].filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
      const values: number[] = [];
      for (const p of probes) values.push((await evaluate(at(p), cur.permutation, cur))?.objective ?? Infinity);
      let guess = probes[0], guessValue = Infinity;
      for (const v of window) {
        let j = 0;
        while (j < probes.length - 1 && probes[j + 1] < v) j++;
        const j1 = Math.min(j + 1, probes.length - 1);
        const a = probes[j], b = probes[j1];
        const y = b === a || !Number.isFinite(values[j1]) ? values[j] : values[j] + ((values[j1] - values[j]) * (v - a)) / (b - a);
        if (y < guessValue) {
          guess = v;
          guessValue = y;
        }
      }
      cands = [...probes, guess];
    }
    let next = cur;
    for (const v of cands) {
      const f = await evaluate(at(v), cur.permutation, cur);
      if (improves(f, next)) next = f!;
    }
    const moved = next !== cur;
    cur = next;
    return moved;
  };

  const updatePermutation = async (): Promise<boolean> => {
    let next = cur;
    for (const p of transpositions(cur.permutation)) {
      const f = await evaluate(cur.ranks, p);
      if (improves(f, next)) next = f!;
    }
    const moved = next !== cur;
    cur = next;
    return moved;
  };

  let stale = 0;
  for (let round = 0; spent() < maxEvaluations; round++) {
    let moved = false;
    for (const k of schedule) {
      if (spent() >= maxEvaluations) break;
      if (k < 0) moved = (opts.searchPermutation ? await updatePermutation() : false) || moved;
      else moved = (await updateBond(k, round === 0)) || moved;
    }
    if (improves(cur, best)) {
      best = cur;
      stale = 0;
    }
    if (moved) continue;
    // Settled: jump to a random structure near the best (each rank within the main window, one random
    // transposition when the order is searched), at most `perturbations` times without a new best.
    if (stale++ >= perturbations) break;
    const jump = await perturb(best, L, opts.searchPermutation === true, rng, evaluate);
    if (!jump) break;
    cur = jump;
  }
  return best;
}

/** A random structure near `from` that fits the budget (a few draws), evaluated; null when none did. */
async function perturb(from: Fit, L: number, permute: boolean, rng: Rng, evaluate: Evaluator): Promise<Fit | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const ranks = from.ranks.map((r) => {
      const w = rankWindow(r, L);
      return w[rng.int(w.length)];
    });
    let perm = from.permutation;
    if (permute) {
      const t = transpositions(perm);
      const i = rng.int(t.length + 1);
      if (i < t.length) perm = t[i];
    }
    if (ranks.every((r, k) => r === from.ranks[k]) && perm === from.permutation) continue;
    const f = await evaluate(ranks, perm, from);
    if (f) return f;
  }
  return null;
}

/**
 * The default start: rings of equal ranks 1, 2, 3, ... (one evaluation each)
 * until the objective has not improved for two steps or the budget is
 * reached; the best of them. An over-parameterised start lets the rank
 * updates walk down to the structure, where a start below it can settle in
 * a neighbouring basin (a tensor train inside the ring, for one).
 */
export async function uniformStart(shape: number[], evaluate: Evaluator): Promise<Fit> {
  const identity = shape.map((_, k) => k);
  let best = (await evaluate(shape.map(() => 1), identity))!;
  for (let r = 2, worse = 0, prev = best; worse < 2; r++) {
    // Warm from the last ring (its cores padded), as greedy grows ranks.
    const f = await evaluate(shape.map(() => r), identity, prev);
    if (!f) break;
    prev = f;
    if (f.objective < best.objective) {
      best = f;
      worse = 0;
    } else worse++;
  }
  return best;
}
