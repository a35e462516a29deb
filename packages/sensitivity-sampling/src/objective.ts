import { checkDense, checkVector, LowrankError, type DenseMatrix } from "@lowrank/linalg";

/**
 * The l_p regression objective Σ_i w_i |a_iᵀx - b_i|^p (w_i = 1 without
 * weights): what `lpRegression` minimises, and how a coreset's solution is
 * scored on the full data (f(x_coreset) / f(x_full)). O(nd).
 *
 * @example
 * const ratio = lpObjective(A, b, sub.x, 1) / lpObjective(A, b, full.x, 1);
 */
export function lpObjective(A: DenseMatrix, b: ArrayLike<number>, x: ArrayLike<number>, p: number, weights?: ArrayLike<number>): number {
  const M = checkDense(A, "A");
  const bv = checkVector(b, "b", M.rows);
  const xv = checkVector(x, "x", M.cols);
  const w = weights === undefined ? undefined : checkVector(weights, "weights", M.rows);
  if (!(p > 0 && Number.isFinite(p))) throw new LowrankError("INVALID_ARGUMENT", `lpObjective: p must be a positive number, got ${p}`);
  const d = M.cols;
  let f = 0;
  for (let i = 0; i < M.rows; i++) {
    let r = bv[i];
    for (let j = 0; j < d; j++) r -= M.data[i * d + j] * xv[j];
    f += (w ? w[i] : 1) * Math.abs(r) ** p;
  }
  return f;
}
