// The dense step on the small (k + s)-sized core matrix of an update, written
// once against the kernel set (the k x k inverses are in the kernel rotateFactor).
import type { SvdWorkspace } from "./kernels.js";

const EPS = 2.220446049250313e-16;
/** Jacobi sweeps per tolerance (convergence is quadratic; 6-12 are typical). */
const SWEEPS = 30;

/** The kk leading singular triplets of a small matrix: M ≈ F diag(theta) Gᵀ. */
export interface SmallSvd {
  /** r x kk, row-major. */
  F: Float64Array;
  theta: Float64Array;
  /** c x kk, row-major. */
  G: Float64Array;
}

/**
 * SVD of the r x c row-major M by one-sided Jacobi on the rows of the shorter
 * orientation (as linalg's `svd`, without its QR since M is small): with X =
 * [N | I] for N = M (r <= c) or Mᵀ, rotating rows gives J N = Σ Wᵀ, so the
 * accumulated J supplies one side's vectors and the normalised rotated rows the
 * other's. Vectors of exactly zero singular values are left zero (only the kk
 * leading ones are used, and they are nonzero unless the matrix has rank < kk).
 * O(sweeps min(r,c)² max(r,c)).
 */
export function smallSvd(st: SvdWorkspace, r: number, c: number, M: Float64Array, kk: number): SmallSvd {
  const R = Math.min(r, c), L = Math.max(r, c);
  const X = st.f64(R * (L + R)), d = st.f64(R), work = st.f64(5 * R + 5);
  const F = st.f64(r * kk), G = st.f64(c * kk), theta = st.f64(kk);
  // Tolerances as linalg's svd (LAPACK dgesvj): sqrt(L) eps, then L eps should rounding keep one pair above it.
  // N = Jᵀ Σ Wᵀ: the accumulated rotations J are one side, rows of the rotated N over d the other (kernel smallSvdCore).
  st.kernels.smallSvdCore(r, c, M, kk, X, d, F, theta, G, Math.sqrt(L) * EPS, L * EPS, SWEEPS, work);
  return { F, theta, G };
}
