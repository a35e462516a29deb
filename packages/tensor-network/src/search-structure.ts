// Structure (rank) search: the entry point, its options and results. Methods:
// - greedy rank increments, after Hashemizadeh, Liu, Miller, Rabusseau,
//   "Adaptive Learning of Tensor Network Structures" (start from rank one
//   everywhere, try +1 on every edge, keep the best, stop at a loss or
//   parameter budget), here on the ring topology;
// - TnALE, Li, Zeng, Tao, Zhao et al. 2023, "Alternating Local Enumeration
//   (TnALE): Solving Tensor Network Structure Search with Fewer
//   Evaluations" (ICML): ranks updated one at a time by enumerating a
//   window of radius L, with the initial interpolation phase, objective
//   parameters / entries + lambda * error;
// - TNLS, Li, Zeng, Tao, Zhao 2022 (ICML), the local-sampling search TnALE
//   is measured against (tnls.ts).
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, type BackendOptions, type OptionCheck, type Tensor } from "@lowrank/linalg";
import { RANKS, readOpts, readTensor, SEED } from "./validate.js";
import { checkResult, extreme, magnitude, scaled } from "./scaling.js";
import { greedyGeneral } from "./greedy-general.js";
import { greedyRing } from "./greedy-ring.js";
import { generalParameters } from "./general-network.js";
import { ringFitter, ringParameters, type Fit } from "./ring-fit.js";
import { tnale } from "./tnale.js";
import { tnls } from "./tnls.js";
import type { GeneralTensorNetwork, TensorNetwork, TensorLike } from "./types.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/** Options of {@link searchStructure}. */
export interface SearchStructureOptions extends BackendOptions {
  /** `greedy` (rank increments from one), `tnale` (alternating local enumeration) or `tnls` (local sampling). */
  method: "greedy" | "tnale" | "tnls";
  /**
   * `ring` (default): tensor-ring bond ranks. `general` (greedy only): one
   * core per mode with a bond between every pair of cores, the fully
   * connected topology of Hashemizadeh et al. (rank 1 = no edge).
   */
  topology?: "ring" | "general";
  /**
   * Most parameters: Σ r_k I_k r_{k+1} (ring), Σ_k I_k Π_{j≠k} R_kj (general); default the number of
   * entries. Capped at twice the parameters of the exact tensor train (or the entries, when more):
   * past that, more parameters buy nothing.
   */
  budget?: number;
  /** greedy: stop once the relative error is at most this (default 1e-6). */
  targetError?: number;
  /** tnale, tnls: weight of the relative error in the objective (default 200, the paper's TR setting). */
  lambda?: number;
  /** tnale: window radius L after the first round (default 1); tnls: largest rank step of a sample (default 4). */
  radius?: number;
  /** tnale: window radius of the first (interpolated) round (default max(2, radius)). */
  initialRadius?: number;
  /** tnale: random jumps near the best structure once the rounds settle, without a new best (default 3). */
  perturbations?: number;
  /** tnls: structures sampled per iteration (default 2 N). */
  samples?: number;
  /** tnls: generations without a better centre before stopping (default 20). */
  patience?: number;
  /** tnale, tnls: starting bond ranks r_0..r_{N-1}, or one number for every bond (default 2). */
  initialRank?: number | number[];
  /**
   * tnale, tnls: also search the order of the modes around the ring
   * (transpositions of the current order), as both papers do (default false).
   */
  searchPermutation?: boolean;
  /** ALS sweeps per fit (default 50); general: of the full refit after each step. */
  alsIter?: number;
  /** general: ALS sweeps fitting only the new slices of each candidate edge (default 5). */
  sliceIter?: number;
  /** tnale, tnls: random starts per evaluation, the best kept (default 2, as the paper's code). */
  restarts?: number;
  /** Most TR-ALS fits (default 500). */
  maxEvaluations?: number;
  /** Seed of the fits' random starts (default 0). */
  seed?: number;
  /**
   * Called after every fit with `iteration` (= `evaluations`, 1-based)
   * (general: `ranks` is the upper triangle of `edgeRanks`, row by row).
   */
  onProgress?: (info: SearchProgress) => void;
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
  /** Always "structure-search": what this plain-data result is (`serialize` saves it). */
  kind: "structure-search";
  /** Format version of the result (1). */
  version: number;
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
export interface SearchStructureResult extends Fit {
  /** Always "structure-search": what this plain-data result is (`serialize` saves it). */
  kind: "structure-search";
  /** Format version of the result (1). */
  version: number;
  /** TR-ALS fits spent (each restart counts). */
  evaluations: number;
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
 * - `tnale`: minimises parameters / entries + lambda * error, in rounds of
 *   alternating updates as the authors' code: bonds 0..N-1, the mode order
 *   (with `searchPermutation`: every transposition, bond ranks kept in
 *   place), bonds N-1..1. A bond's update evaluates its window of 2 L + 1
 *   ranks around r_k (shifted to start at 1 when r_k - L < 1) and moves to
 *   the best if that lowers the objective; the first round uses radius
 *   `initialRadius` and evaluates only the window's ends and centre,
 *   linearly interpolating the rest (evaluating the interpolated minimum
 *   too). When a round changes nothing it jumps to a random structure near
 *   the best (each rank within its window, a random transposition) and
 *   goes on; it stops after `perturbations` jumps without a new best or at
 *   `maxEvaluations`. Each candidate is fitted from `restarts` random starts
 *   (fits are cached by ranks and mode order).
 * - `tnls` (the baseline TnALE improves on), as the authors' code: each
 *   generation g = 1, 2, ... samples `samples` structures near the centre
 *   (every rank moved by a Gaussian step of standard deviation 0.9^(g-1),
 *   rounded, at most `radius` in size, upward at rank 1; one random
 *   transposition with probability 0.94^(g-1) when the order is searched),
 *   evaluates them all and moves to the best if it is no worse; stops after
 *   `patience` generations without a better centre.
 *
 * Cost: evaluations x one ALS fit (ring: `alsIter` sweeps of
 * O(Σ_k size/I_k (r⁴ + I_k r²)); general: per core update the contraction
 * of the other cores and O(size/I_k · b_k²) normal equations, b_k the
 * product of core k's bond ranks). Errors: SHAPE, EMPTY, NON_FINITE,
 * TOO_LARGE, INVALID_ARGUMENT (also a topology other than ring/general,
 * general with tnale or tnls, a bad sliceIter), ABORTED. `evaluations`
 * counts TR-ALS fits the same way for every method (each random start is one).
 *
 * @example
 * const { ranks, error, evaluations } = await searchStructure(X, { method: "tnale" });
 * const { edgeRanks } = await searchStructure(X, { method: "greedy", topology: "general", targetError: 1e-3 });
 */
export async function searchStructure(input: TensorLike, opts: GeneralSearchOptions): Promise<GeneralSearchResult>;
export async function searchStructure(input: TensorLike, opts: SearchStructureOptions & { topology?: "ring" }): Promise<SearchStructureResult>;
export async function searchStructure(input: TensorLike, opts: SearchStructureOptions): Promise<SearchStructureResult | GeneralSearchResult>;
export async function searchStructure(input: TensorLike, opts: SearchStructureOptions): Promise<SearchStructureResult | GeneralSearchResult> {
  const o = readOpts("searchStructure", opts, SCHEMA);
  const run = new LongRun<SearchProgress>("searchStructure", { onProgress: o.onProgress, signal: o.signal });
  let X = readTensor(input, "X");
  const shape = X.shape, N = shape.length, S = X.data.length;
  if (N < 2) throw new LowrankError("SHAPE", "searchStructure: needs at least two modes");
  if (o.method === undefined) throw new LowrankError("INVALID_ARGUMENT", `searchStructure: method ("greedy", "tnale" or "tnls") is required`);
  const topology = o.topology ?? "ring";
  if (topology === "general" && o.method !== "greedy") {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: topology "general" needs method "greedy"`);
  }
  // An exact tensor train (TT-SVD ranks min(I_0..I_{k-1}, I_k..I_{N-1})) represents X with no error, so
  // structures of more than twice its parameters (or the entries, when more) are never worth fitting:
  // a larger budget is capped there, and a search never grows ranks, and its fits' cost, without bound.
  const budget = Math.min(o.budget ?? S, Math.max(S, 2 * exactTtParameters(shape)));
  const lambda = o.lambda ?? 200;
  const alsIter = o.alsIter ?? 50;
  const maxEvaluations = o.maxEvaluations ?? 500;
  const seed = o.seed ?? 0;
  const targetError = o.targetError ?? 1e-6;
  // A tensor of extreme magnitude is fitted scaled by a power of two; the last core takes the scale back.
  const e = magnitude(X.data), sc = extreme(e) ? -e : 0;
  if (sc !== 0) X = { shape, data: scaled(X.data, sc) };
  const unscale = (cores: Tensor[]): Tensor[] => {
    if (sc === 0) return cores;
    const out = cores.slice();
    const last = out[out.length - 1];
    out[out.length - 1] = { shape: last.shape, data: scaled(last.data, -sc) };
    checkResult(out[out.length - 1].data, "searchStructure", "a core of the network");
    return out;
  };
  if (topology === "general") {
    const sliceIter = o.sliceIter ?? 5;
    const ones = shape.map(() => shape.map(() => 1));
    if (generalParameters(shape, ones) > budget) {
      throw new LowrankError("INVALID_ARGUMENT", `searchStructure: budget ${budget} is below the rank-one network (${generalParameters(shape, ones)} parameters)`);
    }
    const g = await greedyGeneral(X, { budget, targetError, alsIter, sliceIter, maxEvaluations, seed, backend: o.backend, run });
    const network = { kind: "general-network" as const, version: RESULT_VERSION, edgeRanks: g.network.edgeRanks, cores: unscale(g.network.cores) };
    return { kind: "structure-search", version: RESULT_VERSION, ...g, network, objective: g.parameters / S + lambda * g.error };
  }
  if (ringParameters(shape, shape.map(() => 1)) > budget) {
    throw new LowrankError("INVALID_ARGUMENT", `searchStructure: budget ${budget} is below the rank-one ring (${ringParameters(shape, shape.map(() => 1))} parameters)`);
  }

  const { fit, spent } = ringFitter(X, { alsIter, seed, lambda, backend: o.backend, run });
  const found = o.method === "greedy"
    ? await greedyRing(shape, budget, targetError, maxEvaluations, fit, spent)
    : o.method === "tnale"
      ? await tnale(shape, budget, { ...o, seed }, maxEvaluations, fit, spent)
      : await tnls(shape, budget, { ...o, seed }, maxEvaluations, fit, spent);
  return { kind: "structure-search", version: RESULT_VERSION, ...found, network: { kind: "tensor-network", version: RESULT_VERSION, cores: unscale(found.network.cores), ranks: found.network.ranks }, evaluations: spent() };
}

/** Parameters of the exact tensor train of a tensor of this shape: Σ r_k I_k r_{k+1}, r_k = min(left, right) sizes. */
function exactTtParameters(shape: number[]): number {
  const N = shape.length, S = shape.reduce((a, b) => a * b, 1);
  const r = [1];
  for (let k = 1, left = 1; k < N; k++) {
    left *= shape[k - 1];
    r.push(Math.min(left, S / left));
  }
  r.push(1);
  return shape.reduce((a, n, k) => a + r[k] * n * r[k + 1], 0);
}

/** Largest TnALE search radius (windows of 2 L + 1 ranks per bond and sweep). */
const MAX_RADIUS = 1000;

/** The options of {@link searchStructure}. */
const SCHEMA = {
  method: opt.oneOf(["greedy", "tnale", "tnls"] as const),
  topology: opt.oneOf(["ring", "general"] as const),
  budget: opt.number({ min: 0 }),
  targetError: opt.number({ min: 0 }),
  lambda: opt.number({ min: 0 }),
  radius: opt.int({ min: 1, max: MAX_RADIUS }),
  initialRadius: opt.int({ min: 1, max: MAX_RADIUS }),
  perturbations: opt.int({ min: 0, max: 1000 }),
  samples: opt.int({ min: 1, max: 100000 }),
  patience: opt.int({ min: 1, max: 1000 }),
  initialRank: RANKS,
  searchPermutation: opt.boolean(),
  alsIter: opt.int({ min: 1 }),
  sliceIter: opt.int({ min: 1 }),
  restarts: opt.int({ min: 1, max: 100 }),
  maxEvaluations: opt.int({ min: 1 }),
  seed: SEED,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: SearchProgress) => void>,
  signal: LONG_RUN.signal,
  backend: BACKEND,
};

/** A progress record of {@link searchStructure}: one per fit. */
export interface SearchProgress {
  /** Fits so far (1-based), as `evaluations`. */
  iteration: number;
  evaluations: number;
  ranks: number[];
  error: number;
  edgeRanks?: number[][];
}

