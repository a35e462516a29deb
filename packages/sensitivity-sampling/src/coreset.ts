import { checkDense, checkVector, LowrankError, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { lewisWeights } from "./lewis.js";
import { leverageScores } from "./leverage.js";
import { init } from "./module.js";
import { sample, type SampleResult } from "./sample.js";
import { lpSensitivities } from "./sensitivities.js";
import { checkP, intOption } from "./validate.js";

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
 * Errors: those of the scores and of {@link sample}; INVALID_ARGUMENT for an unknown scheme.
 *
 * @example
 * const cs = await coreset(A, b, { p: 1, m: 2000, scores: "lewis", seed: 1 });
 * const { x } = await lpRegression(cs.A, cs.b, 1, { weights: cs.weights });
 */
export async function coreset(A: DenseMatrix, b: ArrayLike<number>, opts: CoresetOptions): Promise<CoresetResult> {
  A = checkDense(A, "A");
  const n = A.rows, d = A.cols;
  const bv = checkVector(b, "b", n);
  const p = checkP(opts.p ?? 2, "coreset");
  // Check m and the scheme before computing any scores.
  if (opts.m === undefined) throw new LowrankError("INVALID_ARGUMENT", "coreset: m (the expected sample size) is required");
  intOption(opts.m, 0, 1, "m");
  const scheme = opts.scores ?? "lewis";
  if (!["lewis", "sensitivity", "leverage", "root-leverage", "mixed", "uniform"].includes(scheme)) {
    throw new LowrankError("INVALID_ARGUMENT", `coreset: scores must be lewis, sensitivity, leverage, root-leverage, mixed or uniform, got ${String(scheme)}`);
  }
  let scores: Float64Array;
  if (scheme === "uniform") scores = new Float64Array(n).fill(1);
  else if (scheme === "lewis" || scheme === "mixed") {
    scores = (await lewisWeights(A, p, { backend: opts.backend, signal: opts.signal })).weights;
    if (scheme === "mixed") {
      // Lewis weights and leverage scores both sum to rank(A): w + τ is the even mixture of the two distributions.
      if ((opts.backend ?? "wasm") === "wasm") await init();
      const tau = leverageScores(A, { backend: opts.backend }).scores;
      for (let i = 0; i < n; i++) scores[i] += tau[i];
    }
  }
  else if (scheme === "sensitivity") {
    scores = (await lpSensitivities(A, p, { method: "exact", backend: opts.backend, signal: opts.signal })).sensitivities;
  } else {
    if ((opts.backend ?? "wasm") === "wasm") await init();
    scores = leverageScores(A, { backend: opts.backend }).scores;
    if (scheme === "root-leverage") for (let i = 0; i < n; i++) scores[i] = Math.pow(scores[i], p / 2);
  }
  const s = sample(scores, opts.m, { seed: opts.seed, replacement: opts.replacement });
  const m = s.indices.length;
  const data = new Float64Array(m * d), bs = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = s.indices[k];
    data.set(A.data.subarray(i * d, i * d + d), k * d);
    bs[k] = bv[i];
  }
  return { ...s, A: { rows: m, cols: d, data }, b: bs, scores };
}
