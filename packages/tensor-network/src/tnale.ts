// TnALE, Li, Zeng, Tao, Zhao et al. 2023, "Alternating Local Enumeration
// (TnALE): Solving Tensor Network Structure Search with Fewer Evaluations"
// (ICML), on tensor rings: bond ranks updated one at a time by enumerating a
// window of radius L, with the initial interpolation phase, and optionally
// the mode order by transpositions; objective parameters / entries +
// lambda * error.
import { LowrankError } from "@lowrank/linalg";
import { ringParameters, type Fit, type Fitter } from "./ring-fit.js";

/** Options of {@link tnale} (searchStructure's). */
export interface TnaleOptions {
  radius?: number;
  restarts?: number;
  initialRank?: number | number[];
  searchPermutation?: boolean;
}

/** The TnALE search (see searchStructure): the best ring found. */
export async function tnale(shape: number[], budget: number, opts: TnaleOptions, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  const L = opts.radius ?? 2;
  const restarts = opts.restarts ?? 2;
  const r0 = opts.initialRank ?? 2;
  let start = typeof r0 === "number" ? shape.map(() => r0) : r0;
  if (start.length !== N) throw new LowrankError("SHAPE", `initialRank must be a number or have N = ${N} entries`);
  if (ringParameters(shape, start) > budget) start = shape.map(() => 1);

  const cache = new Map<string, Fit | null>();
  const evaluate = async (ranks: number[], perm: number[]): Promise<Fit | null> => {
    const key = `${perm.join(",")}|${ranks.join(",")}`;
    if (!cache.has(key)) {
      const over = ringParameters(perm.map((k) => shape[k]), ranks) > budget;
      cache.set(key, over || spent() >= maxEvaluations ? null : await fit(ranks, restarts, undefined, perm));
    }
    return cache.get(key)!;
  };
  let cur = (await evaluate(start, shape.map((_, k) => k)))!;
  for (let sweep = 0; spent() < maxEvaluations; sweep++) {
    let moved = false;
    for (let k = 0; k < N; k++) {
      const lo = Math.max(1, cur.ranks[k] - L), hi = cur.ranks[k] + L;
      const at = (v: number) => {
        const r = cur.ranks.slice();
        r[k] = v;
        return r;
      };
      let window: number[];
      if (sweep === 0) {
        // Interpolation phase (TnALE, sec. 4): ends and centre, then the minimum of the piecewise-linear interpolant.
        const probes = [...new Set([lo, cur.ranks[k], hi])];
        const values: number[] = [];
        for (const p of probes) values.push((await evaluate(at(p), cur.permutation))?.objective ?? Infinity);
        let guess = probes[0], guessValue = Infinity;
        for (let v = lo; v <= hi; v++) {
          let j = 0;
          while (j < probes.length - 1 && probes[j + 1] < v) j++;
          const a = probes[j], b = probes[Math.min(j + 1, probes.length - 1)];
          const fa = values[j], fb = values[Math.min(j + 1, probes.length - 1)];
          const y = b === a ? fa : fa + ((fb - fa) * (v - a)) / (b - a);
          if (y < guessValue) {
            guess = v;
            guessValue = y;
          }
        }
        window = [...probes, guess];
      } else {
        window = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
      }
      let best = cur;
      for (const v of window) {
        const f = await evaluate(at(v), cur.permutation);
        if (f && f.objective < best.objective) best = f;
      }
      if (best !== cur) {
        cur = best;
        moved = true;
      }
    }
    if (opts.searchPermutation) {
      // Every transposition of the mode order, the bond ranks kept in place (TnALE's permutation step).
      let best = cur;
      for (let i = 0; i < N; i++) {
        for (let j = i + 1; j < N; j++) {
          const perm = cur.permutation.slice();
          [perm[i], perm[j]] = [perm[j], perm[i]];
          const f = await evaluate(cur.ranks, perm);
          if (f && f.objective < best.objective) best = f;
        }
      }
      if (best !== cur) {
        cur = best;
        moved = true;
      }
    }
    if (!moved && sweep > 0) break;
  }
  return cur;
}
