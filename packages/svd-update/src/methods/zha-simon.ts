// Zha and Simon (1999): the batch's residual (I - V Vᵀ) Eᵀ formed densely and
// orthonormalised exactly by blocked Householder QR, with a Gram-Schmidt
// fallback when the residual has lower numerical rank than the batch; the
// factors are rotated densely.
import type { CsrMatrix } from "@lowrank/linalg";
import type { UpdateContext } from "../options.js";
import { applyDenseBasis, type Side } from "../side.js";
import { defineMethod, type OrthOf, type UpdateStrategy } from "./method.js";
import { denseScratch, project, zhaQrWork } from "./projection.js";

/** zha-simon: projection, then QR of the dense residual (dim x s). O(nnz k + dim s k + dim s²). */
export const zhaSimon: UpdateStrategy = defineMethod({
  name: "zha-simon",
  extended: false,
  scratch: denseScratch,
  orthogonalize(cx, sd, b, supp) {
    const { s, C0 } = project(cx, sd, b, supp);
    const st = cx.st, K = st.kernels, k = cx.k, dim = sd.dim;
    // (I - V Vᵀ) Eᵀ = Q R formed densely (dim x s).
    const sq = Math.min(dim, s);
    const X = st.f64(dim * s);
    for (let j = 0; j < s; j++) for (let q = b.indptr[j]; q < b.indptr[j + 1]; q++) X[b.indices[q] * s + j] += b.data[q];
    K.gemm(false, true, dim, s, k, -1, sd.P, k, C0, k, 1, X, s);
    const tau = st.f64(sq), work = st.f64(zhaQrWork(dim, s)), R = st.f64(sq * s), Q = st.f64(dim * sq), Qr = st.f64(sq * dim);
    // Blocked (compact-WY) Householder QR: the n s² part runs in GEMM once s passes the panel width.
    K.householderQrBlocked(dim, s, X, s, tau, work);
    for (let i = 0; i < sq; i++) for (let j = i; j < s; j++) R[i * s + j] = X[i * s + j];
    K.householderQBlocked(dim, sq, X, s, tau, Q, sq, work);
    for (let i = 0; i < dim; i++) for (let j = 0; j < sq; j++) Qr[j * dim + i] = Q[i * sq + j];
    if (fullRank(k, sq, s, R, C0)) return { method: "zha-simon", C0, R, sq, Q: Qr };
    return rowGramSchmidt(cx, sd, b, C0);
  },
  applyBasis: applyDenseBasis,
});

/**
 * A residual of lower numerical rank than s: Householder returns, for each
 * negligible diagonal entry of R, a column of Q orthogonal to the other q's
 * but not to the basis, and [V, Q] would not be orthonormal. Orthonormalise
 * the residual's rows instead, as the deng family does: project on V's
 * complement twice, drop what is left below 1e-6 of the batch vector,
 * Gram-Schmidt (two passes), and once more both. O(s dim k + s² dim).
 */
function rowGramSchmidt(cx: UpdateContext, sd: Side, b: CsrMatrix, C0: Float64Array): OrthOf<"zha-simon"> {
  const st = cx.st, K = st.kernels, k = cx.k, s = b.rows, dim = sd.dim;
  const Xt = st.f64(s * dim), T = st.f64(s * k), R1 = st.f64(s * s), R2 = st.f64(s * s), Rq = st.f64(s * s), none = st.f64(0);
  const e2 = new Float64Array(s);
  for (let j = 0; j < s; j++) {
    for (let q = b.indptr[j]; q < b.indptr[j + 1]; q++) {
      Xt[j * dim + b.indices[q]] += b.data[q];
      e2[j] += b.data[q] * b.data[q];
    }
  }
  const project = (rows: number) => {
    K.gemm(false, false, rows, k, dim, 1, Xt, dim, sd.P, k, 0, T, k);
    K.gemm(false, true, rows, dim, k, -1, T, k, sd.P, k, 1, Xt, dim);
  };
  K.gemm(false, true, s, dim, k, -1, C0, k, sd.P, k, 1, Xt, dim);
  project(s);
  for (let j = 0; j < s; j++) {
    let x2 = 0;
    for (let i = 0; i < dim; i++) x2 += Xt[j * dim + i] * Xt[j * dim + i];
    if (!(x2 > 1e-12 * e2[j])) Xt.fill(0, j * dim, (j + 1) * dim);
  }
  const kept1 = K.sparseGramSchmidt(s, dim, 0, Xt, none, R1, 1e-12, 0);
  let kept = 0;
  if (kept1 > 0) {
    project(kept1);
    kept = K.sparseGramSchmidt(kept1, dim, 0, Xt, none, R2, 1e-12, 0);
    // q_old = Σ R2 q_new, so e_j's coordinates on the new q's are R2 R1.
    K.gemm(false, false, kept, s, kept1, 1, R2, kept1, R1, s, 0, Rq, s);
  }
  cx.counts.dropped += s - kept;
  return { method: "zha-simon", C0, R: Rq, sq: kept, Q: Xt };
}

/**
 * Whether every q_i of a Householder QR can be trusted to be orthogonal to
 * the basis: |R_ii| above 1e-6 of the largest batch vector's norm
 * (||e_j||² = ||c0_j||² + ||r_j||²), so that q_i's direction is accurate to
 * about 1e-10. O(s (k + sq)).
 */
function fullRank(k: number, sq: number, s: number, R: Float64Array, C0: Float64Array): boolean {
  let big = 0;
  for (let j = 0; j < s; j++) {
    let e2 = 0;
    for (let a = 0; a < k; a++) e2 += C0[j * k + a] * C0[j * k + a];
    for (let i = 0; i < Math.min(sq, j + 1); i++) e2 += R[i * s + j] * R[i * s + j];
    big = Math.max(big, Math.sqrt(e2));
  }
  if (sq < s) return false;
  for (let i = 0; i < sq; i++) if (!(Math.abs(R[i * s + i]) > 1e-6 * big)) return false;
  return true;
}
