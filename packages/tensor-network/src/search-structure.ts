// Tensor-ring structure (rank) search, two methods:
// - greedy rank increments, after Hashemizadeh, Liu, Miller, Rabusseau,
//   "Adaptive Learning of Tensor Network Structures" (start from rank one
//   everywhere, try +1 on every edge, keep the best, stop at a loss or
//   parameter budget), here on the ring topology;
// - TnALE, Li, Zeng, Tao, Zhao et al. 2023, "Alternating Local Enumeration
//   (TnALE): Solving Tensor Network Structure Search with Fewer
//   Evaluations" (ICML): ranks updated one at a time by enumerating a
//   window of radius L, with the initial interpolation phase, objective
//   parameters / entries + lambda * error.
import { LowrankError, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { checkAbort, checkNonNegative, checkPositiveInt, checkTensor } from "./validate.js";
import { greedyGeneral } from "./greedy-general.js";
import { generalParameters } from "./general-network.js";
import { trAls } from "./tr-als.js";
import type { GeneralTensorNetwork, TensorNetwork } from "./types.js";

/** Options of {@link searchStructure}. */
export interface SearchStructureOptions extends BackendOptions {
  /** `greedy` (rank increments from one) or `tnale` (alternating local enumeration). */
  method: "greedy" | "tnale";
  /**
   * `ring` (default): tensor-ring bond ranks. `general` (greedy only): one
   * core per mode with a bond between every pair of cores, the fully
   * connected topology of Hashemizadeh et al. (rank 1 = no edge).
   */
  topology?: "ring" | "general";
  /** Most parameters: Σ r_k I_k r_{k+1} (ring), Σ_k I_k Π_{j≠k} R_kj (general); default the number of entries. */
  budget?: number;
  /** greedy: stop once the relative error is at most this (default 1e-6). */
  targetError?: number;
  /** tnale: weight of the relative error in the objective (default 200, the paper's TR setting). */
  lambda?: number;
  /** tnale: search radius L (default 2). */
  radius?: number;
  /** tnale: starting ranks r_0..r_{N-1} (default all 2). */
  initialRanks?: number[];
  /**
   * tnale: also search the order of the modes around the ring (every
   * transposition of the current order, after each sweep over the ranks),
   * as TnALE does (default false).
   */
  searchPermutation?: boolean;
  /** ALS sweeps per fit (default 50); general: of the full refit after each step. */
  alsIter?: number;
  /** general: ALS sweeps fitting only the new slices of each candidate edge (default 5). */
  sliceIter?: number;
  /** tnale: random starts per evaluation, the best kept (default 2, as the paper's code). */
  restarts?: number;
  /** Most TR-ALS fits (default 500). */
  maxEvaluations?: number;
  /** Seed of the fits' random starts (default 0). */
  seed?: number;
  /** Called after every fit (general: `ranks` is the upper triangle of `edgeRanks`, row by row). */
  onProgress?: (info: { evaluations: number; ranks: number[]; error: number; edgeRanks?: number[][] }) => void;
  /** Checked between fits; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/** Options of {@link searchStructure} on general networks. */
export interface GeneralSearchOptions extends SearchStructureOptions {
  method: "greedy";
  topology: "general";
}

/** Result of {@link searchStructure} with `topology: "general"`. */
export interface GeneralSearchResult {
  /** N x N symmetric edge ranks (diagonal: mode sizes; 1 = no edge). */
  edgeRanks: number[][];
  /** The fitted network: `reconstruct(network)` approximates X. */
  network: GeneralTensorNetwork;
  /** Its relative error ‖X - X̂‖ / ‖X‖. */
  error: number;
  /** Σ_k I_k Π_{j≠k} R_kj. */
  parameters: number;
  /** parameters / entries + lambda * error (lambda as given, default 200). */
  objective: number;
  /** Fits spent: every candidate's new-slice fit and every full refit (and the rank-one start). */
  evaluations: number;
  /** The edges [a, b] whose rank was increased, in order. */
  path: [number, number][];
}

/** Result of {@link searchStructure}. */
export interface SearchStructureResult {
  /** Bond ranks r_0..r_{N-1} of the ring found (r_N = r_0). */
  ranks: number[];
  /** Mode order around the ring: core k represents mode permutation[k] of X (identity unless searched). */
  permutation: number[];
  /** The fitted tensor ring: `reconstruct(network)` is X with its modes in `permutation` order. */
  network: TensorNetwork;
  /** Its relative error ‖X - TR‖ / ‖X‖. */
  error: number;
  /** Σ r_k I_k r_{k+1}. */
  parameters: number;
  /** parameters / entries + lambda * error (lambda as given, default 200). */
  objective: number;
  /** TR-ALS fits spent (each restart counts). */
  evaluations: number;
}

interface Fit {
  ranks: number[];
  permutation: number[];
  network: TensorNetwork;
  error: number;
  parameters: number;
  objective: number;
}

/** Σ r_k I_k r_{k+1} of a ring. */
function ringParameters(shape: number[], ranks: number[]): number {
  return shape.reduce((a, n, k) => a + ranks[k] * n * ranks[(k + 1) % shape.length], 0);
}

/**
 * Searches tensor-network structures for X: tensor-ring bond ranks (default
 * `topology: "ring"`, each candidate fitted by TR-ALS), or, with
 * `topology: "general"` and `greedy`, the edge ranks of a network with one
 * core per mode and a bond between every pair of cores.
 *
 * - `greedy` with `topology: "general"` (Hashemizadeh et al.): from rank one
 *   on every edge, each step tries +1 on every edge, fitting only the new
 *   slices of its two cores for `sliceIter` ALS sweeps (old cores kept),
 *   keeps the lowest loss, refits all cores by ALS (`alsIter` sweeps);
 *   stops at `targetError`, the `budget` or `maxEvaluations`. Returns the
 *   edge-rank matrix, the fitted network and the edges grown.
 *
 * - `greedy`: from ranks all one, each step fits every ring with one bond
 *   increased by one (warm-started from the current cores, new slices small
 *   Gaussian) and keeps the lowest error; stops at `targetError`, when no
 *   increment fits the budget, or at `maxEvaluations`. The paper fits only
 *   the new slices before a full refit and works on any graph; this version
 *   refits all cores and keeps the ring topology.
 * - `tnale`: minimises parameters / entries + lambda * error. Sweeps the
 *   bonds one at a time; for bond k it evaluates r_k + δ, |δ| <= L, and moves
 *   to the best if that improves the objective; the first sweep evaluates
 *   only the window's ends and centre and linearly interpolates the rest
 *   (evaluating the interpolated minimum too). Stops after a sweep that
 *   changes nothing or at `maxEvaluations`. Each candidate is fitted from
 *   `restarts` random starts (fits are cached by ranks and mode order).
 *   With `searchPermutation`, each sweep then tries every transposition of
 *   the mode order around the ring (keeping the bond ranks in place), as
 *   the paper's permutation search.
 *
 * Cost: evaluations x one ALS fit (ring: `alsIter` sweeps of
 * O(Σ_k size/I_k (r⁴ + I_k r²)); general: per core update the contraction
 * of the other cores and O(size/I_k · b_k²) normal equations, b_k the
 * product of core k's bond ranks). Errors: SHAPE, EMPTY, NON_FINITE,
 * TOO_LARGE, INVALID_ARGUMENT (also a topology other than ring/general,
 * general with tnale, a bad sliceIter), ABORTED.
 *
 * @example
 * const { ranks, error, evaluations } = await searchStructure(X, { method: "tnale" });
 * const { edgeRanks } = await searchStructure(X, { method: "greedy", topology: "general", targetError: 1e-3 });
 */
export async function searchStructure(X: Tensor, opts: GeneralSearchOptions): Promise<GeneralSearchResult>;
export async function searchStructure(X: Tensor, opts: SearchStructureOptions & { topology?: "ring" }): Promise<SearchStructureResult>;
export async function searchStructure(X: Tensor, opts: SearchStructureOptions): Promise<SearchStructureResult | GeneralSearchResult>;
export async function searchStructure(X: Tensor, opts: SearchStructureOptions): Promise<SearchStructureResult | GeneralSearchResult> {
  X = checkTensor(X, "X");
  const shape = X.shape, N = shape.length, S = X.data.length;
  if (N < 2) throw new LowrankError("SHAPE", "searchStructure: needs at least two modes");
  if (opts == null || (opts.method !== "greedy" && opts.method !== "tnale")) {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: method must be "greedy" or "tnale", got ${String(opts?.method)}`);
  }
  const topology = opts.topology ?? "ring";
  if (topology !== "ring" && topology !== "general") {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: topology must be "ring" or "general", got ${String(opts.topology)}`);
  }
  if (topology === "general" && opts.method !== "greedy") {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: topology "general" needs method "greedy"`);
  }
  const budget = opts.budget === undefined ? S : checkNonNegative(opts.budget, "budget");
  const lambda = opts.lambda === undefined ? 200 : checkNonNegative(opts.lambda, "lambda");
  const alsIter = opts.alsIter === undefined ? 50 : checkPositiveInt(opts.alsIter, "alsIter");
  const maxEvaluations = opts.maxEvaluations === undefined ? 500 : checkPositiveInt(opts.maxEvaluations, "maxEvaluations");
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new LowrankError("INVALID_ARGUMENT", `seed must be an integer, got ${seed}`);
  const targetError = opts.targetError === undefined ? 1e-6 : checkNonNegative(opts.targetError, "targetError");
  if (topology === "general") {
    const sliceIter = opts.sliceIter === undefined ? 5 : checkPositiveInt(opts.sliceIter, "sliceIter");
    const ones = shape.map(() => shape.map(() => 1));
    if (generalParameters(shape, ones) > budget) {
      throw new LowrankError("INVALID_ARGUMENT", `searchStructure: budget ${budget} is below the rank-one network (${generalParameters(shape, ones)} parameters)`);
    }
    if (opts.backend !== undefined && opts.backend !== "js" && opts.backend !== "wasm") {
      throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(opts.backend)}`);
    }
    const g = await greedyGeneral(X, {
      budget, targetError, alsIter, sliceIter, maxEvaluations, seed, backend: opts.backend, signal: opts.signal,
      onProgress: opts.onProgress,
    });
    return { ...g, objective: g.parameters / S + lambda * g.error };
  }
  if (ringParameters(shape, shape.map(() => 1)) > budget) {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: budget ${budget} is below the rank-one ring (${ringParameters(shape, shape.map(() => 1))} parameters)`);
  }

  let evaluations = 0;
  const permuted = new Map<string, Tensor>();
  const fit = async (ranks: number[], restarts: number, warm?: Tensor[], permutation = shape.map((_, k) => k)): Promise<Fit> => {
    const key = permutation.join(",");
    if (!permuted.has(key)) permuted.set(key, permuteModes(X, permutation));
    const Y = permuted.get(key)!;
    let best: Fit | null = null;
    for (let t = 0; t < restarts; t++) {
      checkAbort(opts.signal, "searchStructure");
      const tr = await trAls(Y, ranks, { maxIter: alsIter, tol: 1e-10, seed: seed + evaluations, backend: opts.backend, returnErrors: true }, warm);
      evaluations++;
      const error = tr.errors![tr.errors!.length - 1];
      const parameters = ringParameters(Y.shape, ranks);
      const f = { ranks: ranks.slice(), permutation: permutation.slice(), network: { cores: tr.cores, ranks: tr.ranks }, error, parameters, objective: parameters / S + lambda * error };
      opts.onProgress?.({ evaluations, ranks: f.ranks, error });
      if (!best || f.error < best.error) best = f;
    }
    return best!;
  };

  const found = opts.method === "greedy"
    ? await greedy(shape, budget, targetError, maxEvaluations, fit, () => evaluations)
    : await tnale(shape, budget, opts, maxEvaluations, fit, () => evaluations);
  return { ...found, evaluations };
}

type Fitter = (ranks: number[], restarts: number, warm?: Tensor[], permutation?: number[]) => Promise<Fit>;

/** Y with Y.shape[m] = X.shape[perm[m]] and Y[j_0..j_{N-1}] = X[i] where i_{perm[m]} = j_m. O(size N). */
export function permuteModes(X: Tensor, perm: number[]): Tensor {
  const N = X.shape.length;
  const inStride = new Array<number>(N);
  for (let k = N - 1, st = 1; k >= 0; k--) {
    inStride[k] = st;
    st *= X.shape[k];
  }
  const shape = perm.map((k) => X.shape[k]);
  const stride = perm.map((k) => inStride[k]);
  const out = new Float64Array(X.data.length);
  const idx = new Array<number>(N).fill(0);
  let src = 0;
  for (let f = 0; f < out.length; f++) {
    out[f] = X.data[src];
    for (let m = N - 1; m >= 0; m--) {
      idx[m]++;
      src += stride[m];
      if (idx[m] < shape[m]) break;
      src -= stride[m] * shape[m];
      idx[m] = 0;
    }
  }
  return { shape, data: out };
}

async function greedy(shape: number[], budget: number, target: number, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
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

async function tnale(shape: number[], budget: number, opts: SearchStructureOptions, maxEvaluations: number, fit: Fitter, spent: () => number): Promise<Fit> {
  const N = shape.length;
  const L = opts.radius === undefined ? 2 : checkPositiveInt(opts.radius, "radius");
  const restarts = opts.restarts === undefined ? 2 : checkPositiveInt(opts.restarts, "restarts");
  let start = opts.initialRanks ?? shape.map(() => 2);
  if (!Array.isArray(start) || start.length !== N) throw new LowrankError("SHAPE", `initialRanks must have N = ${N} entries`);
  start = start.map((v, k) => checkPositiveInt(v, `initialRanks[${k}]`));
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
