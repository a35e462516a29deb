import { asVector, LowrankError, type DenseMatrix } from "@lowrank/linalg";
import { ldexp, readMatrix, readP } from "./validate.js";

/**
 * The l_p regression objective Σ_i w_i |a_iᵀx - b_i|^p (w_i = 1 without
 * weights): what `lpRegression` minimises, and how a coreset's solution is
 * scored on the full data (f(x_coreset) / f(x_full)). When the plain sum
 * overflows or a residual does (entries near the ends of double range), it
 * is recomputed with the residuals scaled by a power of two and summed in
 * log space; NON_FINITE when the objective itself is beyond double range.
 * O(nd).
 *
 * Errors: SHAPE, EMPTY, NON_FINITE, INVALID_ARGUMENT (p <= 0, negative weights).
 *
 * @example
 * const ratio = lpObjective(A, b, sub.x, 1) / lpObjective(A, b, full.x, 1);
 */
export function lpObjective(A: DenseMatrix, b: ArrayLike<number>, x: ArrayLike<number>, p: number, weights?: ArrayLike<number>): number {
  const M = readMatrix(A, "A");
  const bv = asVector(b, "b", { length: M.rows });
  const xv = asVector(x, "x", { length: M.cols });
  const w = weights === undefined ? undefined : asVector(weights, "weights", { length: M.rows });
  const P = readP(p, "lpObjective");
  if (w) {
    for (let i = 0; i < w.length; i++) {
      if (w[i] < 0) throw new LowrankError("INVALID_ARGUMENT", `lpObjective: weights[${i}] = ${w[i]} is negative`);
    }
  }
  const d = M.cols;
  let f = 0;
  for (let i = 0; i < M.rows; i++) {
    let r = bv[i];
    for (let j = 0; j < d; j++) r -= M.data[i * d + j] * xv[j];
    f += (w ? w[i] : 1) * Math.abs(r) ** P;
  }
  if (Number.isFinite(f)) return f;
  return scaledObjective(M, bv, xv, P, w);
}

/**
 * The objective with b and x scaled by 2^-s (s making every |a_ij x_j| and
 * |b_i| at most about 2^500), so no residual overflows, and
 * log Σ w_i |r_i|^p = p s log 2 + log Σ w_i exp(p log |r_i'|) summed from its
 * largest term.
 */
function scaledObjective(M: DenseMatrix, b: Float64Array, x: Float64Array, p: number, w: Float64Array | undefined): number {
  const n = M.rows, d = M.cols;
  // The largest log2 of any |a_ij x_j| or |b_i|, from logarithms (the products themselves may overflow).
  let top2 = -Infinity;
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) top2 = Math.max(top2, Math.log2(Math.abs(b[i])));
    for (let j = 0; j < d; j++) {
      const a = M.data[i * d + j];
      if (a !== 0 && x[j] !== 0) top2 = Math.max(top2, Math.log2(Math.abs(a)) + Math.log2(Math.abs(x[j])));
    }
  }
  const s = top2 === -Infinity ? 0 : Math.max(0, Math.ceil(top2 + Math.log2(d + 1)) - 500);
  const xs = x.map((v) => ldexp(v, -s));
  const bs = b.map((v) => ldexp(v, -s));
  const logs = new Float64Array(n);
  let top = -Infinity;
  for (let i = 0; i < n; i++) {
    let r = bs[i];
    for (let j = 0; j < d; j++) r -= M.data[i * d + j] * xs[j];
    const wi = w ? w[i] : 1;
    logs[i] = wi > 0 && r !== 0 ? Math.log(wi) + p * Math.log(Math.abs(r)) : -Infinity;
    top = Math.max(top, logs[i]);
  }
  if (top === -Infinity) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logs[i] - top);
  const log = top + Math.log(sum) + p * s * Math.LN2;
  const f = Math.exp(log);
  if (!Number.isFinite(f)) {
    throw new LowrankError("NON_FINITE", `lpObjective: Σ w_i |a_iᵀx - b_i|^p is about 2^${Math.round(log / Math.LN2)}, beyond double range`);
  }
  return f;
}
