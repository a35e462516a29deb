// A seeded generator of explicit 1-5 star ratings shaped like MovieLens-100K
// (943 x 1682, about 100k ratings, at least 20 per user), used to choose and
// check complete()'s defaults on more than one dataset:
//   value = clip(round(mu + b_u + b_i + u·v + noise), 1, 5)
// with a rank-r taste part of geometrically decaying strength, user and item
// biases, Gaussian noise, item popularity following a power law (a few
// blockbusters, a long tail) and user activity log-normal above a floor.
import { Rng } from "@lowrank/linalg";
import type { Observations } from "../src/index.js";

export interface RatingsOptions {
  users?: number;
  items?: number;
  ratings?: number;
  /** Rank of the taste part (default 8). */
  rank?: number;
  /** Standard deviation of u·v over all pairs (default 0.45). */
  taste?: number;
  /** Noise standard deviation before rounding (default 0.85). */
  noise?: number;
  /** Popularity exponent: item weight ∝ rank^-alpha (default 0.9). */
  alpha?: number;
  seed?: number;
}

export interface SyntheticRatings {
  observations: Observations;
  /** Noise-free expected rating before rounding, for every (user, item): users x items. */
  truth: Float64Array;
}

export function syntheticRatings(o: RatingsOptions = {}): SyntheticRatings {
  const n = o.users ?? 943, m = o.items ?? 1682, total = o.ratings ?? 100_000, r = o.rank ?? 8;
  const taste = o.taste ?? 0.45, noise = o.noise ?? 0.85, alpha = o.alpha ?? 0.9;
  const rng = new Rng(o.seed ?? 0);
  const mu = 3.53;
  const U = rng.fillNormal(new Float64Array(n * r)), V = rng.fillNormal(new Float64Array(m * r));
  // Factor t has weight decay^t; scale so that Var(u·v) = taste².
  const w = Float64Array.from({ length: r }, (_, t) => 0.75 ** t);
  const norm = taste / Math.sqrt(w.reduce((s, x) => s + x * x, 0));
  const bu = Float64Array.from({ length: n }, () => 0.4 * rng.normal());
  // Popular items are rated higher on average (as in MovieLens): bias grows with popularity.
  const pop = rng.shuffle(Int32Array.from({ length: m }, (_, j) => j));
  const weight = new Float64Array(m), bi = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const j = pop[t];
    weight[j] = (t + 1) ** -alpha;
    bi[j] = 0.45 * rng.normal() + 0.35 - 0.7 * (t / m);
  }
  const truth = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += w[t] * U[i * r + t] * V[j * r + t];
      truth[i * m + j] = mu + bu[i] + bi[j] + norm * s;
    }
  }
  // Activity: log-normal, floor 20, rescaled so that the counts sum to about `total`.
  const act = Float64Array.from({ length: n }, () => Math.exp(1.1 * rng.normal()));
  const actSum = act.reduce((s, x) => s + x, 0);
  const counts = Int32Array.from(act, (a) => Math.min(m, Math.max(20, Math.round(((total - 20 * n) * a) / actSum) + 20)));
  // Items per user: weighted sampling without replacement (exponential keys, Efraimidis-Spirakis).
  const ri: number[] = [], ci: number[] = [], vals: number[] = [];
  const key = new Float64Array(m), order = Int32Array.from({ length: m }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) key[j] = -Math.log(1 - rng.uniform()) / weight[j];
    order.sort((a, b) => key[a] - key[b]);
    for (let t = 0; t < counts[i]; t++) {
      const j = order[t];
      const v = Math.min(5, Math.max(1, Math.round(truth[i * m + j] + noise * rng.normal())));
      ri.push(i);
      ci.push(j);
      vals.push(v);
    }
  }
  return {
    observations: { rows: n, cols: m, rowIndex: Int32Array.from(ri), colIndex: Int32Array.from(ci), values: Float64Array.from(vals) },
    truth,
  };
}
