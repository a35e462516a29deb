// Tucker core shapes under a parameter budget: Ghadiri, Fahrbach, Fu,
// Mirrokni 2023, "Approximately Optimal Core Shapes for Tensor
// Decompositions" (ICML). Maximise the kept squared higher-order singular
// values Σ_n Σ_{i <= r_n} σ_{n,i}² subject to Π r_n + Σ I_n r_n <= budget;
// by the HOSVD bound, ‖X - X̂‖² <= Σ_n Σ_{i > r_n} σ_{n,i}² for the HOSVD of
// that shape, so this minimises an upper bound on its error.
import { BACKEND, LongRun, LowrankError, opt, RESULT_VERSION, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { eigScratch, symmetricEig } from "./factor.js";
import { tensorModule } from "./module.js";
import { norm2, relativeError } from "./tensor.js";
import { reconstruct } from "./reconstruct.js";
import { tucker } from "./tucker.js";
import type { TensorLike } from "./types.js";
import { checkSizes, prod, readOpts, readTensor } from "./validate.js";
import { checkResult, scaled, scaleTensor } from "./scaling.js";
import { exactShape, exactShapes, greedyShape, tuckerParameters, validRank } from "./core-shape-solvers.js";

export { exactShape, greedyShape, tuckerParameters, validRank } from "./core-shape-solvers.js";

/** The options of {@link coreShape}. */
const SCHEMA = {
  budget: opt.number(),
  solver: opt.oneOf(["best", "greedy", "bang-for-buck", "exact", "rre-greedy"] as const),
  refitIter: opt.int({ min: 1 }),
  signal: opt.signal(),
  backend: BACKEND,
};

/** Runners-up of the exact search that `best` scores by their true HOSVD error. */
const EXACT_KEEP = 8;
/** `best`: greedy shapes refilled after lowering one mode's rank by 1..GREEDY_STEPS. */
const GREEDY_STEPS = 3;

/** Options of {@link coreShape}. */
export interface CoreShapeOptions extends BackendOptions {
  /** Most parameters: Π r_n + Σ I_n r_n <= budget (required, at least 1 + Σ I_n). */
  budget: number;
  /** `best` (default), `greedy`, `bang-for-buck`, `exact`, or the slow baseline `rre-greedy`. */
  solver?: "best" | "greedy" | "bang-for-buck" | "exact" | "rre-greedy";
  /** `rre-greedy`: most HOOI sweeps per candidate fit (default 20, as the paper's baseline). */
  refitIter?: number;
  /** Checked before the solver runs (and between `rre-greedy` fits); aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/** Result of {@link coreShape}. */
export interface CoreShapeResult {
  /** Always "core-shape": what this plain-data result is (`serialize` saves it). */
  kind: "core-shape";
  /** Format version of the result (1). */
  version: number;
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
  /** `best` only: ‖X - X̂‖ / ‖X‖ of the HOSVD of the chosen shape (the true error, not a bound). */
  hosvdError?: number;
  /** `best` only: distinct candidate shapes it scored. */
  candidates?: number;
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
 * - `exact`: the optimum over multilinear ranks (r_n <= Π_{k≠n} r_k), by depth-first enumeration of
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
 * - `best` (default): the candidates of the solvers above (the exact
 *   optimum and its 8 runners-up, the greedy and bang-for-buck shapes, and
 *   each greedy shape with one mode lowered by 1-3 and refilled greedily),
 *   scored by the true error of their HOSVD, the lowest kept (ties to the
 *   exact optimum). The objective of the others is a bound: the true error
 *   can rank shapes differently (the paper reports brute-force packing
 *   losing to greedy on some tensors). HOOI can reorder near ties, so when
 *   the lowest is neither the `exact` nor the `greedy` shape, it is fitted
 *   by HOOI (default options) beside the better of those two, and the
 *   lower HOOI error kept (two Tucker fits, only then): never worse in
 *   HOSVD error than `exact` or `greedy`, nor in HOOI error than the
 *   better of them. The eigenvectors of
 *   the Gram matrices are kept, X is rotated once into them (truncated to
 *   each mode's largest candidate rank: O(size Σ I_n) at most), and the
 *   HOSVD core of any shape is a leading block of that tensor, so each
 *   candidate costs O(Π r_n) to score. If the exact search passes its node
 *   limit, only the greedy candidates are scored.
 *
 * Greedy shapes are then made multilinear ranks by lowering any r_n above
 * Π_{k≠n} r_k to that product (it only removes parameters).
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
  const solver = o.solver ?? "best";
  const refitIter = o.refitIter ?? 20;
  // The spectra are those of X scaled by a power of two when its magnitude is extreme (σ² scaled back after).
  const { X: Xs, scale } = scaleTensor(X);
  const nmax = Math.max(...shape);
  // `best` keeps every mode's eigenvectors and two buffers for rotating X into them.
  const keepVectors = solver === "best";
  const vectors = keepVectors ? shape.reduce((a, n) => a + n * n, 0) : 0, chain = keepVectors ? 2 * S : 0;
  checkSizes("coreShape", S, 2 * nmax * nmax, eigScratch(nmax), nmax, vectors, chain);
  // Leased: the instance the previous run gave back, when there is one (no fresh memory); released once `best` has scored.
  const { ws, release } = await tensorModule.leasedWorkspace(o.backend, arenaBytes(S + 2 * nmax * nmax + eigScratch(nmax) + nmax + vectors + chain, 0, 16));
  const x = ws.input(Xs.data);
  const spectra: Float64Array[] = [];
  const bases = keepVectors ? shape.map((n) => ws.f64(n * n)) : [];
  for (let k = 0; k < N; k++) {
    const n = shape[k];
    spectra.push(ws.scoped(() => {
      const G = ws.f64(n * n), values = ws.f64(n), V = keepVectors ? bases[k] : ws.f64(n);
      ws.kernels.unfoldingGram(prod(shape, 0, k), n, prod(shape, k + 1), x, G);
      symmetricEig(ws, n, G, keepVectors ? n : 1, values, V);
      return Float64Array.from(values, (v) => Math.max(v, 0));
    }));
    await run.pause();
  }
  if (!keepVectors) release(); // the spectra are copies; only `best` reads the workspace again
  let fits: number | undefined;
  let rank: number[];
  let best: { rank: number[]; error2: number; candidates: number } | undefined;
  if (solver === "exact") rank = exactShape(shape, spectra, budget);
  else if (solver === "best") {
    const { shapes: cands, solvers } = candidateShapes(shape, spectra, budget);
    run.check();
    const rmax = shape.map((_, k) => Math.max(...cands.map((c) => c[k])));
    const Y = rotate(ws, x, shape, bases, rmax);
    best = { rank: cands[0], error2: Infinity, candidates: cands.length };
    const nx2 = norm2(Xs.data) ** 2;
    const error2 = new Map<string, number>();
    for (const c of cands) {
      const e2 = Math.max(0, nx2 - blockNorm2(Y, rmax, c));
      error2.set(c.join(","), e2);
      if (e2 < best.error2) best = { rank: c, error2: e2, candidates: cands.length };
    }
    release();
    // HOOI can reorder near ties of the HOSVD error: against the solvers' shape of lowest HOSVD error, when it is
    // another shape, keep whichever of the two HOOI fits closer (so `best` is no worse than it in either error).
    const rival = solvers.reduce((a, c) => (error2.get(c.join(","))! < error2.get(a.join(","))! ? c : a));
    if (rival.join(",") !== best.rank.join(",")) {
      const hooi = async (r: number[]) => relativeError(Xs, reconstruct(await tucker(Xs, { rank: r, method: "hooi", backend: o.backend }), { backend: o.backend }));
      if ((await hooi(rival)) < (await hooi(best.rank))) best = { rank: rival, error2: error2.get(rival.join(","))!, candidates: cands.length };
    }
    rank = best.rank;
  } else if (solver !== "rre-greedy") rank = validRank(greedyShape(shape, spectra, budget, solver === "bang-for-buck"));
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
    kind: "core-shape", version: RESULT_VERSION, rank, parameters: tuckerParameters(shape, rank), errorBound: nx === 0 ? 0 : Math.sqrt(dropped) / nx,
    spectra: spectra.map((s) => scaled(s, -2 * scale)),
  };
  for (const s of result.spectra) checkResult(s, "coreShape", "a squared singular value");
  if (fits !== undefined) result.fits = fits;
  if (best) {
    result.hosvdError = nx === 0 ? 0 : Math.sqrt(best.error2) / nx;
    result.candidates = best.candidates;
  }
  return result;
}

/**
 * The shapes `best` scores, distinct, exact optimum first: the exact search's
 * best few, the greedy and bang-for-buck shapes, and each of those with one
 * rank lowered by 1..GREEDY_STEPS and refilled by the same rule.
 */
function candidateShapes(shape: number[], spectra: Float64Array[], budget: number): { shapes: number[][]; solvers: number[][] } {
  const out: number[][] = [];
  const solvers: number[][] = [];
  const seen = new Set<string>();
  const add = (r: number[]) => {
    const v = validRank(r), key = v.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  };
  try {
    const exact = exactShapes(shape, spectra, budget, EXACT_KEEP);
    for (const r of exact) add(r);
    if (exact.length > 0) solvers.push(validRank(exact[0]));
  } catch (e) {
    if (!(e instanceof LowrankError && e.code === "TOO_LARGE")) throw e;
  }
  for (const perParameter of [false, true]) {
    const g = greedyShape(shape, spectra, budget, perParameter);
    add(g);
    if (!perParameter) solvers.push(validRank(g));
    for (let k = 0; k < shape.length; k++) {
      for (let d = 1; d <= GREEDY_STEPS && g[k] - d >= 1; d++) {
        const start = g.slice();
        start[k] -= d;
        // Refill with mode k capped at its lowered rank, so the step is not simply undone.
        const cap = shape.slice();
        cap[k] = start[k];
        add(greedyShape(shape, spectra, budget, perParameter, start, cap));
      }
    }
  }
  return { shapes: out, solvers };
}

/**
 * Y = X ×_n V_n[:, :r_n]ᵀ for every mode n (V_n the eigenvectors of the mode
 * Gram matrix, n x n, columns by descending eigenvalue): the HOSVD core of
 * any shape within r is a leading block of Y. Modes are applied in order,
 * through two ping-pong buffers of the workspace.
 */
function rotate(ws: Awaited<ReturnType<typeof tensorModule.workspace>>, x: Float64Array, shape: number[], bases: Float64Array[], r: number[]): Float64Array {
  const N = shape.length;
  const dims = shape.slice();
  const S = prod(shape);
  const bufs = [ws.f64(S), ws.f64(S)];
  let cur = x;
  for (let k = 0; k < N; k++) {
    const out = bufs[k % 2];
    ws.kernels.modeProduct(true, prod(dims, 0, k), dims[k], prod(dims, k + 1), r[k], cur, bases[k], dims[k], out);
    dims[k] = r[k];
    cur = out;
  }
  return ws.output(cur).subarray(0, prod(r));
}

/** Σ of Y² over the leading block c of Y (shape dims, C order). O(Π c). */
function blockNorm2(Y: Float64Array, dims: number[], c: number[]): number {
  const N = dims.length;
  const idx = new Array<number>(N).fill(0);
  const total = prod(c);
  let sum = 0;
  for (let f = 0; f < total; f++) {
    let off = 0;
    for (let k = 0; k < N; k++) off = off * dims[k] + idx[k];
    sum += Y[off] * Y[off];
    for (let k = N - 1; k >= 0; k--) {
      if (++idx[k] < c[k]) break;
      idx[k] = 0;
    }
  }
  return sum;
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

