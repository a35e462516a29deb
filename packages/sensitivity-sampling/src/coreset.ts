import { asVector, BACKEND, LongRun, LowrankError, opt, readOptions, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { lewisWeights } from "./lewis.js";
import { leverageScoresAsync } from "./leverage.js";
import { MAX_DRAWS, sample, type SampleResult } from "./sample.js";
import { readMatrix } from "./validate.js";
import { lpSensitivities } from "./sensitivities.js";

const SCHEMES = ["lewis", "sensitivity", "leverage", "root-leverage", "mixed", "uniform"] as const;

const CORESET_OPTIONS = {
  backend: BACKEND,
  p: opt.number({ above: 0 }),
  m: opt.int({ min: 1 }),
  scores: opt.oneOf(SCHEMES),
  seed: opt.seed(),
  replacement: opt.boolean(),
  signal: opt.signal(),
};

/** Which scores a coreset samples by. */
export type CoresetScores = "lewis" | "sensitivity" | "leverage" | "root-leverage" | "mixed" | "uniform";

/** Options of {@link coreset}. */
export interface CoresetOptions extends BackendOptions {
  /** Exponent of the l_p objective (default 2). */
  p?: number;
  /** Expected number of rows (exact count with replacement). */
  m: number;
  /** Sampling scores (default "lewis"): see {@link coreset}. */
  scores?: CoresetScores;
  seed?: number;
  replacement?: boolean;
  signal?: AbortSignal;
}

/** Result of {@link coreset}: the weighted rows, ready for lpRegression(A, b, p, { weights }). */
export interface CoresetResult extends SampleResult {
  kind: "coreset";
  A: DenseMatrix;
  b: Float64Array;
  /** The scores the rows were sampled by (length n). */
  scores: Float64Array;
}

/**
 * A weighted subset of the rows of [A | b] for l_p regression:
 * Σ_k weights[k] |a_kᵀx - b_k|^p estimates ||Ax - b||_p^p without bias for every x.
 * Scores: "lewis" (l_p Lewis weights of A; for p <= 2 exactly the sensitivity
 * upper bounds, for p > 2 proportional to them), "sensitivity" (exact l_p
 * sensitivities: small inputs only, see lpSensitivities), "leverage" (τ_i,
 * exact QR), "root-leverage" (τ_i^(p/2), Woodruff and Yasuda's scheme for
 * p < 2), "mixed" (w_i + τ_i: half the probability mass by Lewis weights, half
 * by leverage scores, the mixture Woodruff and Yasuda use for p > 2), "uniform". Scores are of A alone, as in the subspace-embedding
 * guarantees of the papers (for a guarantee on the regression, sample [A | b]).
 * Cost: the scores' plus O(n log n + m d).
 *
 * Errors: those of the scores and of {@link sample}; INVALID_ARGUMENT for an unknown scheme or option;
 * ABORTED (an already-aborted signal before any work; then between the scores' iterations and row blocks).
 *
 * @example
 * const cs = await coreset(A, b, { p: 1, m: 2000, scores: "lewis", seed: 1 });
 * const { x } = await lpRegression(cs.A, cs.b, 1, { weights: cs.weights });
 */
export async function coreset(A: DenseMatrix, b: ArrayLike<number>, opts: CoresetOptions): Promise<CoresetResult> {
  if (opts === undefined) throw new LowrankError("INVALID_ARGUMENT", "coreset: options with m (the expected sample size) are required");
  const o = readOptions("coreset", opts, CORESET_OPTIONS);
  // Check m and the scheme before computing any scores, and honour an aborted signal before any work.
  if (o.m === undefined) throw new LowrankError("INVALID_ARGUMENT", "coreset: m (the expected sample size) is required");
  if (o.replacement && o.m > MAX_DRAWS) {
    throw new LowrankError("TOO_LARGE", `coreset: ${o.m} draws with replacement; at most ${MAX_DRAWS}`);
  }
  const run = new LongRun("coreset", o);
  const M = readMatrix(A, "A");
  const n = M.rows, d = M.cols;
  const bv = asVector(b, "b", { length: n });
  const p = o.p ?? 2;
  const scheme = o.scores ?? "lewis";
  const common = { backend: o.backend, signal: o.signal };
  let scores: Float64Array;
  if (scheme === "uniform") scores = new Float64Array(n).fill(1);
  else if (scheme === "lewis" || scheme === "mixed") {
    scores = (await lewisWeights(M, p, common)).weights;
    if (scheme === "mixed") {
      // Lewis weights and leverage scores both sum to rank(A): w + τ is the even mixture of the two distributions.
      const tau = (await leverageScoresAsync(M, common)).scores;
      for (let i = 0; i < n; i++) scores[i] += tau[i];
    }
  } else if (scheme === "sensitivity") {
    scores = (await lpSensitivities(M, p, { ...common, method: "exact" })).sensitivities;
  } else {
    scores = (await leverageScoresAsync(M, common)).scores;
    if (scheme === "root-leverage") for (let i = 0; i < n; i++) scores[i] = Math.pow(scores[i], p / 2);
  }
  run.check();
  if (!scores.some((v) => v > 0)) {
    // sample would call this "all scores are zero": say why.
    if (!M.data.some((v) => v !== 0)) throw new LowrankError("RANK", "coreset: A is zero, so every score is 0");
    throw new LowrankError("NON_FINITE", `coreset: every ${scheme} score underflowed to 0 at p = ${p}`);
  }
  const s = sample(scores, o.m, { seed: o.seed, replacement: o.replacement });
  const m = s.indices.length;
  const data = new Float64Array(m * d), bs = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = s.indices[k];
    data.set(M.data.subarray(i * d, i * d + d), k * d);
    bs[k] = bv[i];
  }
  return { ...s, kind: "coreset", A: { rows: m, cols: d, data }, b: bs, scores };
}
