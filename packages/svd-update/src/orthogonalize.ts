// Projecting a batch on one side's basis and orthonormalising the remainder:
// exactly (deng: sparse Gram-Schmidt; zha-simon: Householder QR) or through a
// small approximate space (GKL, randomized power iteration), in the sparse
// (b, c) form for the deng family and densely for the others.
import { qrBlockedWorkSize, type CsrMatrix } from "@lowrank/linalg";
import { gklBasis, rpiBasis, type PairBasis, type PairBatch } from "./methods/residual-space.js";
import type { UpdateContext } from "./options.js";
import type { Side } from "./side.js";

/** A batch of vectors to project onto one side, orthogonalised. */
export interface Orth {
  /** s x k: c0_j = basisᵀ e_j. */
  C0: Float64Array;
  /** R (row length s): e_j = basis c0_j + Σ_{i < sq} R[i][j] q_i. */
  R: Float64Array;
  /** Directions kept. */
  sq: number;
  /** deng family: the support, the sparse parts B (sq x p) and the c's (sq x k) of q_i = b_i - basis c_i. */
  p: number;
  idx: Int32Array;
  B: Float64Array;
  Chat: Float64Array;
  /** zha-simon, vecharynski, yamazaki: the dense Q as rows (sq x dim). */
  Q: Float64Array;
}

const EMPTY = new Float64Array(0);

/**
 * Projects the batch's vectors on the side's basis (c0 = basisᵀ e) and
 * orthonormalises the remainders: deng by sparseGramSchmidt on the (b, c)
 * pairs, deng-gkl / deng-rpi by an approximate space of the pairs, zha-simon
 * by Householder QR of the dense residual, vecharynski / yamazaki by an
 * approximate space of the dense residual. The side's marker holds the
 * support's positions (csrSupport) on entry and is all -1 on return.
 * O(nnz k + p s k) for the projection, then the method's cost (README, methods table).
 */
export function orthogonalize(cx: UpdateContext, sd: Side, b: CsrMatrix, supp: Int32Array): Orth {
  const st = cx.st, K = st.kernels, k = cx.k, s = b.rows, p = supp.length, nnz = b.indptr[s];
  const Ec = st.f64(s * p), idx = st.i32(p), C0 = st.f64(s * k), tmp = st.f64(sd.identity ? 0 : s * k);
  idx.set(supp);
  // Ec: the batch on its support (positions from the side's marker, set by csrSupport, which this resets);
  // C0 = Ec P[supp] K, the batch's coordinates in the basis.
  K.projectBatch(s, p, k, st.inputI32(b.indptr.subarray(0, s + 1)), st.inputI32(b.indices.subarray(0, nnz)), st.input(b.data.subarray(0, nnz)), sd.marker, idx, sd.P, sd.K, sd.identity, Ec, C0, tmp);
  if (cx.method === "deng") {
    const Chat = st.f64(s * k), R = st.f64(s * s);
    Chat.set(C0);
    // Ec becomes B: the sparse parts of the orthonormal directions.
    const sq = K.sparseGramSchmidt(s, p, k, Ec, Chat, R, cx.tol2, 0);
    cx.counts.dropped += s - sq;
    return { C0, R, sq, p, idx, B: Ec, Chat, Q: EMPTY };
  }
  const l = Math.min(cx.l, s);
  if (cx.extended) {
    // deng-gkl / deng-rpi: an approximate residual space, still in the sparse (b, c) form.
    // GKL re-projects its vectors on V: the support rows of P (V's support rows are Pg K).
    const Pg = st.f64(cx.method === "deng-gkl" ? p * k : 0);
    if (cx.method === "deng-gkl") K.gatherRows(p, k, idx, sd.P, Pg);
    const z = space(cx, { s, p, kc: k, Xb: Ec, Xc: C0, Pg, K: sd.K, identity: sd.identity, k }, l);
    return { C0, R: z.R, sq: z.lq, p, idx, B: z.B, Chat: z.C, Q: EMPTY };
  }
  const dim = sd.dim;
  if (cx.method !== "zha-simon") {
    // vecharynski / yamazaki: the residual (I - V Vᵀ) Eᵀ as dense rows, then its approximate space.
    const Xt = st.f64(s * dim);
    for (let j = 0; j < s; j++) for (let q = b.indptr[j]; q < b.indptr[j + 1]; q++) Xt[j * dim + b.indices[q]] += b.data[q];
    K.gemm(false, true, s, dim, k, -1, C0, k, sd.P, k, 1, Xt, dim);
    const z = space(cx, { s, p: dim, kc: 0, Xb: Xt, Xc: EMPTY, Pg: sd.P, K: sd.K, identity: true, k }, l);
    return { C0, R: z.R, sq: z.lq, p, idx, B: EMPTY, Chat: EMPTY, Q: z.B };
  }
  // Zha-Simon: (I - V Vᵀ) Eᵀ = Q R formed densely (dim x s).
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
  if (fullRank(k, sq, s, R, C0)) return { C0, R, sq, p, idx, B: EMPTY, Chat: EMPTY, Q: Qr };
  // A residual of lower numerical rank than s: Householder returns, for each negligible diagonal entry of R,
  // a column of Q orthogonal to the other q's but not to the basis, and [V, Q] would not be orthonormal.
  // Orthonormalise the residual's rows instead, as the deng family does: project on V's complement twice,
  // drop what is left below 1e-6 of the batch vector, Gram-Schmidt (two passes), and once more both.
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
  return { C0, R: Rq, sq: kept, p, idx, B: EMPTY, Chat: EMPTY, Q: Xt };
}

/** Doubles of scratch zha-simon's QR of a dim x s residual (and its thin Q) needs. O(1). */
export function zhaQrWork(dim: number, s: number): number {
  return Math.max(qrBlockedWorkSize(dim, s), qrBlockedWorkSize(dim, Math.min(dim, s)));
}

/** The approximate residual space of the method: GKL (Vecharynski-Saad) or randomized power iteration (Yamazaki et al.). */
function space(cx: UpdateContext, x: PairBatch, l: number): PairBasis {
  const z = cx.method === "deng-gkl" || cx.method === "vecharynski"
    ? gklBasis(cx.st, x, l, cx.rng, cx.tol2)
    : rpiBasis(cx.st, x, l, cx.iters, cx.rng, cx.tol2);
  cx.counts.dropped += l - z.lq;
  return z;
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
