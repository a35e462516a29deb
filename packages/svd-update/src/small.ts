// Dense steps on small (k + s)-sized matrices, written once against the kernel
// set: the SVD of the update's core matrix and the inverse of a k x k factor.
import type { Store } from "./store.js";

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
export function smallSvd(st: Store, r: number, c: number, M: Float64Array, kk: number): SmallSvd {
  const K = st.kernels;
  const trans = r > c;
  const R = trans ? c : r, L = trans ? r : c, w = L + R;
  const X = st.f64(R * w), d = st.f64(R);
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < L; j++) X[i * w + j] = trans ? M[j * c + i] : M[i * c + j];
    X[i * w + L + i] = 1;
  }
  // Tolerances as linalg's svd (LAPACK dgesvj): sqrt(L) eps, then L eps should rounding keep one pair above it.
  if (K.jacobiRows(R, L, w, X, w, d, Math.sqrt(L) * EPS, SWEEPS) < 0) K.jacobiRows(R, L, w, X, w, d, L * EPS, SWEEPS);
  const F = st.f64(r * kk), G = st.f64(c * kk), theta = st.f64(kk);
  // N = Jᵀ Σ Wᵀ: the accumulated rotations J are one side, rows of the rotated N over d the other.
  const J = trans ? G : F, W = trans ? F : G;
  for (let i = 0; i < kk; i++) {
    theta[i] = d[i];
    const inv = d[i] > 0 ? 1 / d[i] : 0;
    for (let a = 0; a < R; a++) J[a * kk + i] = X[i * w + L + a];
    for (let a = 0; a < L; a++) W[a * kk + i] = X[i * w + a] * inv;
  }
  return { F, theta, G };
}

/**
 * out = H⁻¹ for the k x k H, through Householder QR (H = Q R, H⁻¹ = R⁻¹ Qᵀ),
 * which stays backward stable where Gauss-Jordan without pivoting would not.
 * Returns false (out undefined) when R has a zero diagonal entry. O(k³).
 */
export function invertSmall(st: Store, k: number, H: Float64Array, out: Float64Array): boolean {
  const K = st.kernels;
  const A = st.f64(k * k), tau = st.f64(k), work = st.f64(k), Q = st.f64(k * k);
  A.set(H.subarray(0, k * k));
  K.householderQr(k, k, A, k, tau, work);
  K.householderQ(k, k, A, k, tau, Q, k, work);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j] = Q[j * k + i];
  return K.triangularSolve(false, false, false, k, k, A, k, out, k) < 0;
}

