// The dense step on the small (k + s)-sized core matrix of an update, written
// once against the kernel set (the k x k inverses are in the kernel rotateFactor).
import { completeNull } from "@lowrank/linalg/kernels";
import type { SvdWorkspace } from "./kernels/index.js";

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
 * other's. The rotated rows of singular values that are zero, or so small
 * next to the largest (below 2^-450 of it) that their squares underflowed,
 * cannot be normalised: those columns are replaced by unit vectors
 * orthogonal to the others (linalg's completeColumns), so both factors stay
 * orthonormal (any such vector is a singular vector to within rounding of
 * the largest value).
 * O(sweeps min(r,c)² max(r,c)).
 */
export function smallSvd(st: SvdWorkspace, r: number, c: number, M: Float64Array, kk: number): SmallSvd {
  const R = Math.min(r, c), L = Math.max(r, c);
  const X = st.f64(R * (L + R)), d = st.f64(R), work = st.f64(5 * R + 5);
  const F = st.f64(r * kk), G = st.f64(c * kk), theta = st.f64(kk);
  // Tolerances as LAPACK's dgesvj, sqrt(L) eps then L eps (linalg's Jacobi driver, called by the kernel).
  // N = Jᵀ Σ Wᵀ: the accumulated rotations J are one side, rows of the rotated N over d the other (kernel smallSvdCore).
  st.kernels.smallSvdCore(r, c, M, kk, X, d, F, theta, G, SWEEPS, work);
  completeNull(r > c ? F : G, L, kk, theta);
  return { F, theta, G };
}
