import { type DenseMatrix, LowrankError, Rng, opt, readOptions } from "@lowrank/linalg";
import { checkGenerated, checkPositiveInt, checkSeed, checkWork, checkedSize } from "../validate.js";

const HEAVY_TAILED_OPTIONS = {
  seed: opt.seed(),
  tail: opt.oneOf(["student-t", "cauchy", "pareto"] as const),
  df: opt.number({ above: 0 }),
  noise: opt.number({ min: 0 }),
  leverageOutliers: opt.int({ min: 0 }),
  outlierScale: opt.number({ min: 0 }),
};
import { gamma } from "./gamma.js";

/** Options of {@link heavyTailedRegression}. */
export interface HeavyTailedRegressionOptions {
  /** PRNG seed (default 0). */
  seed?: number;
  /** Distribution of the row scale w_i (default "student-t"). */
  tail?: "student-t" | "cauchy" | "pareto";
  /** Degrees of freedom of the t scale, or the Pareto shape alpha (default 2; ignored for Cauchy). */
  df?: number;
  /** Standard deviation of the Gaussian noise in b (default 0.1). */
  noise?: number;
  /** Number of rows replaced by high-leverage points (default 0). */
  leverageOutliers?: number;
  /** Norm of each leverage outlier as a multiple of the median row norm (default 100). */
  outlierScale?: number;
}

/** A regression problem b = A xTrue + noise. */
export interface HeavyTailedRegression {
  A: DenseMatrix;
  b: Float64Array;
  xTrue: Float64Array;
  /** Indices of the rows that were replaced by leverage outliers, ascending. */
  outlierRows: Int32Array;
}

/**
 * A seeded n x d design whose rows a_i = w_i g_i are Gaussian directions
 * g_i ~ N(0, I_d) times a heavy-tailed scale w_i: multivariate Student t
 * (w = 1 / sqrt(chi2_df / df)), Cauchy (t with df = 1) or Pareto (w = U^(-1/df),
 * x_m = 1). A few rows then carry most of the mass of A^T A, so their leverage
 * scores are large and uniform row sampling misses them while leverage or
 * sensitivity sampling does not. `leverageOutliers` rows are replaced by
 * points in random directions with norm `outlierScale` times the median row
 * norm; they still obey the model (b_i = a_i^T xTrue + noise), i.e. they are
 * informative high-leverage rows, not corrupted responses. xTrue ~ N(0, I_d).
 *
 * Complexity: O(n d) time and memory.
 *
 * @example
 * const { A, b, xTrue } = heavyTailedRegression(10000, 20, { seed: 5, tail: "cauchy" });
 */
export function heavyTailedRegression(
  n: number,
  d: number,
  opts?: HeavyTailedRegressionOptions,
): HeavyTailedRegression {
  const options = readOptions("heavyTailedRegression", opts, HEAVY_TAILED_OPTIONS);
  checkPositiveInt("n", n);
  checkPositiveInt("d", d);
  checkedSize("A", [n, d]);
  // Per row: d normals, a gamma or Pareto draw (about 30 operations), the row norm and b's dot product.
  checkWork(n * (3 * d + 30), "heavyTailedRegression");
  const tail = options.tail ?? "student-t";
  const df = tail === "cauchy" ? 1 : (options.df ?? 2);
  const noise = options.noise ?? 0.1;
  const outliers = options.leverageOutliers ?? 0;
  if (outliers > n) throw new LowrankError("INVALID_ARGUMENT", `leverageOutliers ${outliers} exceeds n ${n}`);
  const outlierScale = options.outlierScale ?? 100;
  const rng = new Rng(checkSeed(options.seed));

  const xTrue = rng.fillNormal(new Float64Array(d));
  const data = rng.fillNormal(new Float64Array(n * d));
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = tail === "pareto" ? Math.pow(1 - rng.uniform(), -1 / df) : 1 / Math.sqrt((2 * gamma(rng, df / 2)) / df);
    let ss = 0;
    for (let j = 0; j < d; j++) {
      data[i * d + j] *= w;
      ss += data[i * d + j] ** 2;
    }
    norms[i] = Math.sqrt(ss);
  }

  const outlierRows = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).slice(0, outliers).sort();
  if (outliers > 0) {
    const target = outlierScale * median(norms);
    for (const i of outlierRows) {
      let ss = 0;
      for (let j = 0; j < d; j++) {
        data[i * d + j] = rng.normal();
        ss += data[i * d + j] ** 2;
      }
      const s = target / Math.sqrt(ss);
      for (let j = 0; j < d; j++) data[i * d + j] *= s;
    }
  }

  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < d; j++) acc += data[i * d + j] * xTrue[j];
    b[i] = acc + noise * rng.normal();
  }
  const hint = "df too small, or noise / outlierScale too large";
  checkGenerated(data, "heavyTailedRegression: A", hint);
  checkGenerated(b, "heavyTailedRegression: b", hint);
  return { A: { rows: n, cols: d, data }, b, xTrue, outlierRows };
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
