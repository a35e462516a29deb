// What the coreset benches share: the median of a few seeds' ratios, and the
// objective ratio of the l_p regression solved on a weighted sample of rows.
import type { DenseMatrix } from "@lowrank/linalg";
import { lpObjective, lpRegression } from "../src/index.js";

/** The median of v (the mean of the middle two at even length). */
export const median = (v: number[]): number => {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

/**
 * f(x_coreset) / f(x_full) for the rows `rows` of [A | b] with their weights:
 * x_coreset solves the weighted l_p regression on those rows, f is the
 * objective on all of A, fullObjective its optimum. A sample too small to
 * determine x (rank-deficient) counts as a failure: Infinity.
 */
export async function coresetRatio(
  A: DenseMatrix, b: Float64Array, p: number, rows: ArrayLike<number>, weights: Float64Array, fullObjective: number,
): Promise<number> {
  const d = A.cols, m = rows.length;
  const sub = new Float64Array(m * d), sb = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    sub.set(A.data.subarray(i * d, i * d + d), k * d);
    sb[k] = b[i];
  }
  try {
    const fit = await lpRegression({ rows: m, cols: d, data: sub }, sb, p, { weights });
    return lpObjective(A, b, fit.x, p) / fullObjective;
  } catch {
    return Infinity;
  }
}
