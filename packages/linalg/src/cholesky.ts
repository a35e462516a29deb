import { arenaBytes } from "./arena.js";
import type { SymmetricOptions } from "./eigh.js";
import { LowrankError } from "./errors.js";
import { checkSquare, maxAbs, pow2Exponent, scalePow2, symmetrizeScaled } from "./factor-util.js";
import { withLinalg } from "./module.js";
import type { DenseMatrix } from "./types.js";
import { checkDense } from "./validate.js";
import { readSymmetricOptions } from "./schemas.js";

/**
 * The even power of two cholesky divides S by. |L_ij| <= sqrt(S_ii) and every
 * partial sum of a row product is at most sqrt(S_ii S_jj) <= max|S|, so the
 * factorisation cannot overflow unless S_ij minus such a sum (up to 2 max|S|)
 * can: only above 2^1000 is S scaled down (by 2^-24), and only tiny
 * matrices are lifted (exact) to a largest entry in [0.25, 1). Scaling a
 * graded matrix (entries 1e300 next to 1e-300) down to 1 would flush its
 * small diagonal entries to zero and turn it indefinite.
 */
function choleskyExponent(mx: number): number {
  if (mx > 2 ** 1000) return 24;
  if (mx === 0 || mx >= 2 ** -400) return 0;
  const e = pow2Exponent(mx);
  return e % 2 === 0 ? e : e + 1;
}

/**
 * Cholesky factor of a symmetric positive definite S: the lower triangular L
 * with S = L Lᵀ and a positive diagonal.
 *
 * Method: scale by an even power of two (exact) when the entries are near the
 * ends of the double range, then row-by-row
 * Cholesky-Banachiewicz, each entry one SIMD dot product of contiguous row
 * prefixes. O(n³/3). Backward stable; no pivoting.
 * Errors: RANK (not positive definite: names the first pivot that is <= 0),
 * SHAPE (not square, or asymmetric beyond `symmetryTol`, default 1e-10
 * relative; within it (S + Sᵀ)/2 is factored), EMPTY, NON_FINITE.
 *
 * @example
 * const L = cholesky({ rows: 2, cols: 2, data: new Float64Array([4, 2, 2, 3]) }); // [[2, 0], [1, √2]]
 */
export function cholesky(S: DenseMatrix, opts: SymmetricOptions = {}): DenseMatrix {
  opts = readSymmetricOptions("cholesky", opts);
  S = checkDense(S, "S");
  const n = checkSquare(S, "cholesky", "S");
  const e = choleskyExponent(maxAbs(S.data));
  const data = withLinalg(opts.backend, arenaBytes(n * n, 0, 2), (ws) => {
    const a = ws.f64(n * n);
    symmetrizeScaled(S, e, opts.symmetryTol ?? 1e-10, "cholesky", a);
    const status = ws.kernels.cholesky(n, a, n);
    if (status < 0) {
      const piv = -status - 1;
      throw new LowrankError(
        "RANK",
        `cholesky: S is not positive definite: pivot ${piv} (leading ${piv + 1} x ${piv + 1} minor) is not positive`,
      );
    }
    return ws.output(a);
  });
  scalePow2(data, e / 2);
  return { rows: n, cols: n, data };
}
