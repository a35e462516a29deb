import { asVector, LowrankError, opt, readOptions, Rng } from "@lowrank/linalg";
import { exponentOf, ldexp, readInt } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";

/** Most draws `sample` makes with replacement (each O(log n)): about a second of work. */
export const MAX_DRAWS = 2 ** 24;

const SAMPLE_OPTIONS = { seed: opt.seed(), replacement: opt.boolean() };

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Seed (default 0). */
  seed?: number;
  /** Draw m rows i.i.d. with probability s_i / S instead of independent inclusion (default false). */
  replacement?: boolean;
}

/** Result of {@link sample}: Σ_k weights[k] f(row indices[k]) is an unbiased estimate of Σ_i f(row i). */
export interface SampleResult {
  /** "sample" (for a coreset: "coreset"); with `version`, tags the result as saved data (see `serialize`). */
  kind: "sample" | "coreset";
  /** Format version of this plain-data result. */
  version: number;
  /** Kept rows, ascending, each once. */
  indices: Int32Array;
  /** Weight of each kept row in a sum of per-row terms (for l_p: of |a_iᵀx - b_i|^p). */
  weights: Float64Array;
  /** Inclusion probability p_i (without replacement) or draw probability q_i (with) of each kept row. */
  probabilities: Float64Array;
}

/**
 * Importance sampling of rows by non-negative scores s_i (leverage scores,
 * Lewis weights, sensitivities), with the rescaling that keeps sums of
 * per-row terms unbiased.
 *
 * Without replacement (default): row i is kept independently with
 * p_i = min(1, c s_i), where c >= m/S is chosen so that Σ p_i = m (c = m/S
 * when no p_i is capped at 1; otherwise the mass of the capped rows is
 * redistributed, so the expected sample size is exactly m), weight 1/p_i.
 * m at or above the number of positive scores keeps all of them with weight 1.
 * With replacement: m i.i.d. draws with q_i = s_i / S, each worth 1/(m q_i);
 * a row drawn c times is returned once with weight c/(m q_i).
 * O(n log n) (the sort for c) without replacement, O(n + m log n) with.
 * Scores whose sum overflows (or that are all subnormal) are first scaled by a
 * power of two, which changes no probability.
 *
 * Errors: SHAPE/EMPTY/NON_FINITE (scores), INVALID_ARGUMENT (negative score,
 * all scores zero, m not a positive integer, bad option), TOO_LARGE (more
 * than 2^24 draws with replacement).
 *
 * @example
 * const { indices, weights } = sample(scores, 500, { seed: 1 });
 */
export function sample(scores: ArrayLike<number>, m: number, opts: SampleOptions = {}): SampleResult {
  let s = asVector(scores, "scores");
  const n = s.length;
  if (m === undefined) throw new LowrankError("INVALID_ARGUMENT", "sample: m (the expected sample size) is required");
  readInt(m, "sample: m", 1);
  const o = readOptions("sample", opts, SAMPLE_OPTIONS);
  if (o.replacement && m > MAX_DRAWS) {
    throw new LowrankError("TOO_LARGE", `sample: ${m} draws with replacement; at most ${MAX_DRAWS} (draw without replacement, or in several calls)`);
  }
  let S = 0, positive = 0, big = 0;
  for (let i = 0; i < n; i++) {
    if (s[i] < 0) throw new LowrankError("INVALID_ARGUMENT", `sample: scores[${i}] = ${s[i]} is negative`);
    S += s[i];
    if (s[i] > 0) positive++;
    if (s[i] > big) big = s[i];
  }
  if (!(S > 0)) throw new LowrankError("INVALID_ARGUMENT", "sample: all scores are zero");
  if (!(S <= 2 ** 1000 && big >= 2 ** -1000)) {
    // Out of range: scaled so the largest score is in [1, 2) (exact but for scores that become subnormal).
    const e = exponentOf(big);
    s = s.map((v) => ldexp(v, -e));
    S = 0;
    positive = 0;
    for (let i = 0; i < n; i++) {
      S += s[i];
      if (s[i] > 0) positive++;
    }
  }
  const rng = new Rng(o.seed ?? 0);
  if (o.replacement) return withReplacement(s, S, m, rng);
  const c = inclusionScale(s, S, Math.min(m, positive), positive);
  const idx: number[] = [], w: number[] = [], pr: number[] = [];
  for (let i = 0; i < n; i++) {
    const pi = Math.min(1, c * s[i]);
    // One uniform per row whatever its score, so a row's decision depends only on the seed and its index.
    const u = rng.uniform();
    if (pi > 0 && u < pi) {
      idx.push(i);
      w.push(1 / pi);
      pr.push(pi);
    }
  }
  return { kind: "sample", version: RESULT_FORMAT_VERSION, indices: Int32Array.from(idx), weights: Float64Array.from(w), probabilities: Float64Array.from(pr) };
}

/** The c with Σ min(1, c s_i) = m (water-filling over the scores in decreasing order); Infinity when m keeps every positive row. */
function inclusionScale(s: Float64Array, S: number, m: number, positive: number): number {
  if (m >= positive) return Infinity;
  const sorted = Float64Array.from(s).sort().reverse();
  let rest = S;
  for (let t = 0; t < m; t++) {
    const c = (m - t) / rest;
    if (c * sorted[t] <= 1) return c;
    rest -= sorted[t];
  }
  return Infinity;
}

function withReplacement(s: Float64Array, S: number, m: number, rng: Rng): SampleResult {
  const n = s.length;
  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc += s[i];
  const count = new Map<number, number>();
  for (let k = 0; k < m; k++) {
    const u = rng.uniform() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    count.set(lo, (count.get(lo) ?? 0) + 1);
  }
  const indices = Int32Array.from([...count.keys()].sort((a, b) => a - b));
  const weights = new Float64Array(indices.length), probabilities = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const q = s[indices[k]] / S;
    probabilities[k] = q;
    weights[k] = count.get(indices[k])! / (m * q);
  }
  return { kind: "sample", version: RESULT_FORMAT_VERSION, indices, weights, probabilities };
}
