// Tucker core shapes under a parameter budget: Ghadiri, Fahrbach, Fu,
// Mirrokni 2023, "Approximately Optimal Core Shapes for Tensor
// Decompositions" (ICML). Maximise the kept squared higher-order singular
// values Σ_n Σ_{i <= r_n} σ_{n,i}² subject to Π r_n + Σ I_n r_n <= budget;
// by the HOSVD bound, ‖X - X̂‖² <= Σ_n Σ_{i > r_n} σ_{n,i}² for the HOSVD of
// that shape, so this minimises an upper bound on its error.
import { arenaBytes, BACKEND, LongRun, LowrankError, opt, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { eigScratch, symmetricEig } from "./factor.js";
import { tensorModule } from "./module.js";
import { norm2, relativeError } from "./tensor.js";
import { reconstruct } from "./reconstruct.js";
import { tucker } from "./tucker.js";
import type { TensorLike } from "./types.js";
import { checkSizes, prod, readOpts, readTensor } from "./validate.js";
import { checkResult, scaled, scaleTensor } from "./scaling.js";

/** The options of {@link coreShape}. */
const SCHEMA = {
  budget: opt.number(),
  solver: opt.oneOf(["greedy", "bang-for-buck", "exact", "rre-greedy"] as const),
  refitIter: opt.int({ min: 1 }),
  signal: opt.signal(),
  backend: BACKEND,
};

/** Search nodes the exact solver may visit before giving up (a few seconds), so it never hangs. */
const MAX_NODES = 5e7;

/** Options of {@link coreShape}. */
export interface CoreShapeOptions extends BackendOptions {
  /** Most parameters: Π r_n + Σ I_n r_n <= budget (required, at least 1 + Σ I_n). */
  budget: number;
  /** `greedy`, `bang-for-buck`, `exact` (default), or the slow baseline `rre-greedy`. */
  solver?: "greedy" | "bang-for-buck" | "exact" | "rre-greedy";
  /** `rre-greedy`: most HOOI sweeps per candidate fit (default 20, as the paper's baseline). */
  refitIter?: number;
  /** Checked before the solver runs (and between `rre-greedy` fits); aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/** Result of {@link coreShape}. */
export interface CoreShapeResult {
  /** The chosen multilinear rank. */
  rank: number[];
  /** Π r_n + Σ I_n r_n of that rank. */
  parameters: number;
  /** sqrt(Σ_n Σ_{i > r_n} σ_{n,i}²) / ‖X‖: the HOSVD error bound of the shape. */
  errorBound: number;
  /** Squared singular values of each mode's unfolding, descending (σ_{n,i}²). */
  spectra: Float64Array[];
  /** `rre-greedy` only: Tucker fits it ran. */
  fits?: number;
}

/**
 * A Tucker core shape within a parameter budget, chosen from the spectra of
 * the unfoldings (Ghadiri et al. 2023). Spectra: the eigenvalues of each
 * unfolding's Gram matrix (GEMM on the (left, I_n, right) view + eigh),
 * O(size Σ I_n + Σ I_n³). Solvers on the spectra:
 *
 * - `greedy`: from all ones, add 1 to the mode whose next σ² is largest
 *   among the increments that fit. O(Σ I_n · N).
 * - `bang-for-buck`: the same, choosing the largest σ² per added parameter
 *   (Π_{k≠n} r_k + I_n).
 * - `exact` (default): the optimum over multilinear ranks (r_n <= Π_{k≠n} r_k), by depth-first enumeration of
 *   r_1..r_{N-1} (modes in decreasing size) with the last rank set in closed
 *   form (the largest that fits: the objective increases with every rank)
 *   and branches cut when even every remaining mode at its largest
 *   affordable rank cannot beat the best found. Worst case O(Π_{n<N} I_n),
 *   in practice far less (order 6, I_n = 20: 54 ms; order 12, I_n = 3:
 *   10 ms); matches brute force in the tests. Gives up with TOO_LARGE after
 *   5e7 search nodes.
 *
 * - `rre-greedy`: the paper's slow baseline: the greedy walk, but every
 *   candidate increment is scored by the true relative error of a Tucker
 *   fit (HOOI from a random orthonormal start, at most `refitIter` sweeps,
 *   as the paper). About N fits per step.
 *
 * Greedy shapes are then made multilinear ranks by lowering any r_n above
 * Π_{k≠n} r_k to that product (it only removes parameters).
 * The objective is a proxy: the true HOSVD/HOOI error of the chosen shape
 * can rank shapes differently (the paper reports brute-force packing losing
 * to greedy on some tensors).
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE (also: exact search too
 * large), INVALID_ARGUMENT (budget below 1 + Σ I_n, unknown solver), ABORTED.
 *
 * @example
 * const { rank, errorBound } = await coreShape(X, { budget: 5000 });
 * const t = await tucker(X, { rank });
 */
export async function coreShape(input: TensorLike, opts: CoreShapeOptions): Promise<CoreShapeResult> {
  const o = readOpts("coreShape", opts, SCHEMA);
  const run = new LongRun("coreShape", { signal: o.signal });
  const X = readTensor(input, "X");
  const shape = X.shape, N = shape.length, S = X.data.length;
  if (o.budget === undefined) throw new LowrankError("INVALID_ARGUMENT", "coreShape: opts.budget (a finite number) is required");
  const budget = o.budget;
  const least = 1 + shape.reduce((a, n) => a + n, 0);
  if (budget < least) throw new LowrankError("INVALID_ARGUMENT", `coreShape: budget ${budget} is below the smallest Tucker decomposition (1 + Σ I_n = ${least})`);
  const solver = o.solver ?? "exact";
  const refitIter = o.refitIter ?? 20;
  // The spectra are those of X scaled by a power of two when its magnitude is extreme (σ² scaled back after).
  const { X: Xs, scale } = scaleTensor(X);
  const nmax = Math.max(...shape);
  checkSizes("coreShape", S, 2 * nmax * nmax, eigScratch(nmax), nmax);
  const ws = await tensorModule.workspace(o.backend, arenaBytes(S + 2 * nmax * nmax + eigScratch(nmax) + nmax, 0, 16));
  const x = ws.input(Xs.data);
  const spectra: Float64Array[] = [];
  for (let k = 0; k < N; k++) {
    const n = shape[k];
    spectra.push(ws.scoped(() => {
      const G = ws.f64(n * n), values = ws.f64(n), V = ws.f64(n);
      ws.kernels.unfoldingGram(prod(shape, 0, k), n, prod(shape, k + 1), x, G);
      symmetricEig(ws, n, G, 1, values, V);
      return Float64Array.from(values, (v) => Math.max(v, 0));
    }));
    await run.pause();
  }
  let fits: number | undefined;
  let rank: number[];
  if (solver === "exact") rank = exactShape(shape, spectra, budget);
  else if (solver !== "rre-greedy") rank = validRank(greedyShape(shape, spectra, budget, solver === "bang-for-buck"));
  else {
    const walk = await refitGreedy(Xs, budget, refitIter, o.backend, run);
    rank = walk.rank;
    fits = walk.fits;
  }
  const nx = norm2(Xs.data);
  let dropped = 0;
  spectra.forEach((s, k) => {
    for (let i = rank[k]; i < s.length; i++) dropped += s[i];
  });
  const result: CoreShapeResult = {
    rank, parameters: tuckerParameters(shape, rank), errorBound: nx === 0 ? 0 : Math.sqrt(dropped) / nx,
    spectra: spectra.map((s) => scaled(s, -2 * scale)),
  };
  for (const s of result.spectra) checkResult(s, "coreShape", "a squared singular value");
  if (fits !== undefined) result.fits = fits;
  return result;
}

/**
 * The rre-greedy baseline: from all ones, try +1 on every mode that fits the
 * budget, fit Tucker to each candidate (made a multilinear rank first), keep
 * the lowest true error (ties to the lower mode).
 */
async function refitGreedy(X: Tensor, budget: number, refitIter: number, backend: CoreShapeOptions["backend"], run: LongRun): Promise<{ rank: number[]; fits: number }> {
  const shape = X.shape, N = shape.length;
  const r = shape.map(() => 1);
  let fits = 0;
  for (;;) {
    let best = -1, bestErr = Infinity;
    for (let k = 0; k < N; k++) {
      if (r[k] >= shape[k]) continue;
      const cand = r.slice();
      cand[k]++;
      if (tuckerParameters(shape, cand) > budget) continue;
      const fit = await tucker(X, { rank: validRank(cand), method: "hooi", init: "random", seed: fits, maxIter: refitIter, tol: 1e-10, backend });
      fits++;
      await run.pause();
      const err = relativeError(X, reconstruct(fit, { backend }));
      if (err < bestErr) {
        best = k;
        bestErr = err;
      }
    }
    if (best < 0) return { rank: validRank(r), fits };
    r[best]++;
  }
}

/** Π r_n + Σ I_n r_n. */
export function tuckerParameters(shape: number[], rank: number[]): number {
  return prod(rank) + shape.reduce((a, n, k) => a + n * rank[k], 0);
}

/**
 * Lowers every r_n above Π_{k≠n} r_k to that product (repeating until none
 * is): the core's mode-n unfolding has rank at most the product, so a
 * larger r_n only adds parameters, and `tucker` rejects it (RANK).
 */
export function validRank(rank: number[]): number[] {
  const r = rank.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < r.length; k++) {
      const others = prod(r) / r[k];
      if (r[k] > others) {
        r[k] = others;
        changed = true;
      }
    }
  }
  return r;
}

/**
 * Greedy increments from all ones: the feasible +1 with the largest next σ²
 * (or σ² per added parameter). Ties go to the lower mode.
 */
export function greedyShape(shape: number[], spectra: Float64Array[], budget: number, perParameter: boolean): number[] {
  const N = shape.length;
  const r = shape.map(() => 1);
  let cost = tuckerParameters(shape, r);
  for (;;) {
    let best = -1, bestScore = -Infinity, bestCost = 0;
    const p = prod(r);
    for (let k = 0; k < N; k++) {
      if (r[k] >= shape[k]) continue;
      const added = p / r[k] + shape[k];
      if (cost + added > budget) continue;
      const gain = spectra[k][r[k]];
      const score = perParameter ? gain / added : gain;
      if (score > bestScore) {
        best = k;
        bestScore = score;
        bestCost = added;
      }
    }
    if (best < 0) return r;
    r[best]++;
    cost += bestCost;
  }
}

/**
 * The optimal shape: depth-first over the ranks of all modes but the last
 * (largest modes first, so cuts come early), the last rank in closed form,
 * pruned by an optimistic bound.
 */
export function exactShape(shape: number[], spectra: Float64Array[], budget: number): number[] {
  const N = shape.length;
  // Prefix sums: kept(k, r) = Σ_{i < r} σ_{k,i}².
  const kept = spectra.map((s) => {
    const c = new Float64Array(s.length + 1);
    for (let i = 0; i < s.length; i++) c[i + 1] = c[i] + s[i];
    return c;
  });
  const order = shape.map((_, k) => k).sort((a, b) => shape[b] - shape[a] || a - b);
  const last = order[N - 1];
  const r = shape.map(() => 1);
  let best = -Infinity;
  let bestRank = r.slice();

  // Cheapest possible cost of the modes after position d: rank 1 each.
  const tailMin = new Float64Array(N + 1);
  for (let d = N - 1; d >= 0; d--) tailMin[d] = tailMin[d + 1] + shape[order[d]];

  let nodes = 0;
  const visit = (d: number, value: number, linear: number, product: number): void => {
    if (++nodes > MAX_NODES) {
      throw new LowrankError("TOO_LARGE", `coreShape: the exact search passed ${MAX_NODES} nodes; use solver "greedy" or "bang-for-buck"`);
    }
    if (d === N - 1) {
      // Largest r_last with product r + linear + I_last r <= budget and r <= product (a
      // multilinear rank); the other modes need r_k² <= product r_last, which a smaller
      // r_last cannot help, so the largest valid r_last is the optimum for this branch.
      const rl = Math.min(shape[last], Math.floor((budget - linear) / (product + shape[last])), product);
      if (rl < 1) return;
      for (let e = 0; e < N - 1; e++) if (r[order[e]] * r[order[e]] > product * rl) return;
      const v = value + kept[last][rl];
      if (v > best) {
        best = v;
        r[last] = rl;
        bestRank = r.slice();
      }
      return;
    }
    const k = order[d];
    // Optimistic value of the rest: each remaining mode at the largest rank its own linear term allows.
    for (let rk = 1; rk <= shape[k]; rk++) {
      const lin = linear + shape[k] * rk;
      if (product * rk + lin + tailMin[d + 1] > budget) break;
      let bound = value + kept[k][rk];
      const room = budget - lin - product * rk;
      for (let e = d + 1; e < N; e++) {
        const m = order[e];
        bound += kept[m][Math.max(1, Math.min(shape[m], Math.floor(room / shape[m])))];
      }
      if (bound <= best) continue;
      r[k] = rk;
      visit(d + 1, value + kept[k][rk], lin, product * rk);
    }
    r[k] = 1;
  };
  visit(0, 0, 0, 1);
  return bestRank;
}
