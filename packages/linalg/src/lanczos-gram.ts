// The one-sided form of the Lanczos SVD: thick-restart Lanczos
// on AᵀA for the short side n <= m (what ARPACK runs inside scipy's svds),
// storing and reorthogonalising only the n-long basis, then one Rayleigh-Ritz
// step on A itself (W = A V_k = Q R, R = F Σ Gᵀ, U = Q F, V = V_k G) so that
// the singular values come from A, not from the squares of AᵀA, and U and V
// are orthonormal to working precision. Per step one pass over A (csrGramMatvec: A x and
// Aᵀ of it together) and Gram-Schmidt over n-long vectors only; restarts rotate only the n-long
// basis. The two-sided GKL of lanczos-gkl.ts costs about (m + n) / n times as
// much in Gram-Schmidt and restarts, but resolves singular values far below
// sqrt(eps) σ_1, which squaring loses: lanczos-svd.ts uses this form
// first and the two-sided one when σ_k < gramFloor(tol) σ_1 (2^-12 at the
// default tol; see there).
// See lanczos-gkl.ts for the choice of scheme, docs/ARCHITECTURE.md for the runtime.
import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { checkSize } from "./input-checks.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { keepCount, type LanczosProgress, type LanczosSettings, type LanczosViews } from "./lanczos-gkl.js";
import { basisOrth, openScope, scaledCopy, smallJacobiSvd as smallSvd, transposeScratch, type LanczosWorkspace } from "./lanczos-basis.js";
import { coefPartsSize, gramPartsSize, pieceGram } from "./lanczos-pool.js";
import { checkRepresentable, times2 } from "./pow2-scale.js";
import { Rng } from "./rng.js";
import { csrPieces } from "./threads-csr.js";
import type { CsrMatrix } from "./types.js";

const EPS = 2.220446049250313e-16;
/** A Gram-Schmidt remainder at most this times the norm estimate of AᵀA counts as zero (an invariant subspace). */
const DEFLATE = 2 ** -44;
/** The largest cond(A V_k) (σ_1 / σ_k from the Ritz values) the final step's CholeskyQR2 is used for. */
const CHOLQR_COND = 256;

/**
 * The smallest σ_k / σ_1 this form is trusted with at residual tolerance
 * `tol`: the Aᵀ-side residual after Rayleigh-Ritz is about the AᵀA residual
 * over σ_i, and the AᵀA residual cannot go below about eps σ_1², so it must
 * be asked for no less than tol σ_1 σ_i >= 128 eps σ_1². At tol 1e-10 this is
 * 2^-12 (2.4e-4); at 1 or more no matrix is left to this form.
 */
export function gramFloor(tol: number): number {
  return Math.max(2 ** -12, (128 * EPS) / tol);
}

/**
 * Bytes {@link gramSteps} takes (it works on an m x n matrix with n <= m: A,
 * or Aᵀ when `transposed`); TOO_LARGE before anything is allocated when an
 * array cannot be.
 */
export function gramBytes(m: number, n: number, nnz: number, o: LanczosSettings, transposed = false): number {
  const { k, p } = o, kk = Math.max(k, keepCount(k, p));
  checkSize((p + 1) * n, "Lanczos basis");
  checkSize(m * k, "Lanczos Ritz block");
  // ritz: the block and symEig's (2 p² + 4 p), and when QL fails the block again and smallSvd's (3 p² + 6 p + 5 + 2 p kk + kk).
  const small = 6 * p * p + 10 * p + 5 + 3 * p * kk + 2 * kk;
  const final = 3 * m * k + 2 * n * k + 4 * k * k + k + qrBlockedWorkSize(m, k) + 2 * k * k + k + 5 * k + 5 + 3 * k * k;
  // The partial vectors and sums, and a restart's product made ahead.
  const parts = (csrPieces(m, n, nnz) - 1) * n + coefPartsSize(p + 1, n) + gramPartsSize(m, k) + n;
  // While the transpose is made, A's copy (rows n) and the pieces' counts.
  const [tf, ti, tb] = transposed ? transposeScratch(n, m, nnz) : [0, 0, 0];
  return arenaBytes(nnz + (p + 1) * n + kk * n + p * p + 2 * (p + 1) + small + final + 2 * k + parts + tf, nnz + m + 1 + ti, 56 + tb);
}

/**
 * Thick-restart Lanczos on AᵀA (A m x n, n <= m) as steps, the protocol of
 * lanczosSteps: w = Aᵀ (A v_j), minus α_j v_j and β_{j-1} v_{j-1}, then
 * classical Gram-Schmidt against the whole basis (a second pass when the
 * first removes more than half the norm), its coefficients added to the
 * symmetric projected T; Ritz pairs (θ_i, V y_i) have residual
 * |β_q y_{q,i}|, taken relative to σ_1 max(σ_i, gramFloor(tol) σ_1) (the
 * Aᵀ-side residual after the final Rayleigh-Ritz step is about it divided by
 * σ_i; the caller reruns the two-sided form when σ_k is below that floor).
 * Checks every max(8, k/2) steps (not after an invariant subspace) and at
 * each restart. With `transposed` the run is on Aᵀ (A is then n x m), made
 * in the workspace (scaledCopy), not by the caller. Errors: NOT_CONVERGED,
 * NON_FINITE (s overflows).
 */
export function* gramSteps(ws: LanczosWorkspace, A: CsrMatrix, o: LanczosSettings, transposed = false): Generator<LanczosProgress | null, LanczosViews, void> {
  const K = ws.kernels;
  const m = transposed ? A.cols : A.rows, n = transposed ? A.rows : A.cols, { k, p } = o;
  const keep = keepCount(k, p), kk = Math.max(k, keep);
  const { indptr, indices, data, e } = scaledCopy(ws, A, transposed);
  const Vb = ws.f64((p + 1) * n), T = ws.f64(kk * n), Tm = ws.f64(p * p).fill(0);
  const h = ws.f64(p + 1), h2 = ws.f64(p + 1), s = ws.f64(k), residuals = ws.f64(k);
  // Aᵀ A x in np pieces of rows (their partial vectors in parts): the same bits on any number of threads.
  const np = csrPieces(m, n, indptr[m]), parts = ws.f64(Math.max(0, np - 1) * n);
  const rng = new Rng(o.seed);
  const row = (i: number) => Vb.subarray(i * n, (i + 1) * n);
  let normA2 = 0, deflated = false;

  const orth = basisOrth(ws, rng, h, h2, Tm, p, ws.f64(coefPartsSize(p + 1, n)));

  let beta = 0;
  /** The leading q x q block of T, both triangles. */
  const block = (q: number) => {
    const Tq = ws.f64(q * q);
    for (let i = 0; i < q; i++) {
      for (let j = i; j < q; j++) {
        Tq[i * q + j] = Tm[i * p + j];
        Tq[j * q + i] = Tm[i * p + j];
      }
    }
    return Tq;
  };
  /**
   * The kq leading eigenpairs of the symmetric q x q Tq (destroyed): Householder
   * tridiagonalisation, its Qᵀ, implicit QL (a few times cheaper than one-sided
   * Jacobi on [T | I], which was a tenth of a run); eigenvalues below zero by
   * rounding clipped to 0. Null when QL does not converge.
   */
  const symEig = (q: number, Tq: Float64Array, kq: number) => {
    const Z = ws.f64(q * q), d = ws.f64(q), off = ws.f64(q), tau = ws.f64(q), work = ws.f64(q);
    K.tridiagonalize(q, Tq, q, d, off, tau, work);
    K.tridiagonalQt(q, Tq, q, tau, Z, q);
    if (K.tridiagonalQl(q, d, off, Z, q, 30 * q + 30) < 0) return null;
    const order = Array.from({ length: q }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
    const G = ws.f64(q * kq), theta = ws.f64(kq);
    for (let i = 0; i < kq; i++) {
      const r = order[i];
      theta[i] = Math.max(d[r], 0);
      // The sign of an eigenvector follows the signs of rounding-level entries of T (a Householder vector's), which a
      // fused multiply-add can flip: each is taken with its largest entry positive, so the factors do not flip with it.
      let big = 0;
      for (let a = 1; a < q; a++) if (Math.abs(Z[r * q + a]) > Math.abs(Z[r * q + big])) big = a;
      const sg = Z[r * q + big] < 0 ? -1 : 1;
      for (let a = 0; a < q; a++) G[a * kq + i] = sg * Z[r * q + a];
    }
    return { G, theta };
  };
  /** Ritz pairs of the leading q x q block of T (symmetric positive semidefinite up to rounding; the Jacobi SVD should QL fail). */
  const ritz = (q: number) => {
    const kq = Math.min(q, kk);
    const { G, theta } = symEig(q, block(q), kq) ?? smallSvd(ws, q, q, block(q), kq);
    const s1 = Math.sqrt(theta[0]);
    let converged = 0, worst = 0;
    for (let i = 0; i < k; i++) {
      const r = Math.abs(beta * G[(q - 1) * kq + i]);
      const rel = s1 > 0 ? r / (s1 * Math.max(Math.sqrt(theta[i]), floor * s1)) : 0;
      residuals[i] = rel;
      worst = Math.max(worst, rel);
      if (rel <= o.tol) converged++;
    }
    return { Y: G, theta, kq, converged, worst };
  };

  /**
   * CholeskyQR2 of W (m x k) into Q1 (W = Q1 R1 by the Cholesky factor of
   * WᵀW, then Q1 = Q R2 likewise): GEMMs instead of Householder's
   * vector-by-vector updates. R gets R2 R1, S gets R2⁻¹ (so Q = Q1 S). False
   * (the caller falls back to Householder) when either Cholesky fails or Q1
   * is too far from orthonormal (‖Q1ᵀQ1 − I‖_F > 1/2). O(4 m k² + k³).
   */
  const cholQr2 = (W: Float64Array, Q1: Float64Array, R: Float64Array, S: Float64Array): boolean => {
    const L1 = ws.f64(k * k), L2 = ws.f64(k * k);
    const eye = (X: Float64Array) => {
      X.fill(0);
      for (let i = 0; i < k; i++) X[i * k + i] = 1;
    };
    const gparts = ws.f64(gramPartsSize(m, k));
    pieceGram(K, m, k, W, L1, gparts);
    if (K.cholesky(k, L1, k) !== 0) return false;
    eye(S);
    if (K.triangularSolve(true, true, false, k, k, L1, k, S, k) !== 0) return false;
    K.gemm(false, false, m, k, k, 1, W, k, S, k, 0, Q1, k);
    pieceGram(K, m, k, Q1, L2, gparts);
    let dev = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) dev += (L2[i * k + j] - (i === j ? 1 : 0)) ** 2;
    if (!(dev <= 0.25) || K.cholesky(k, L2, k) !== 0) return false;
    K.gemm(true, true, k, k, k, 1, L2, k, L1, k, 0, R, k);
    eye(S);
    return K.triangularSolve(true, true, false, k, k, L2, k, S, k) === 0;
  };

  /**
   * Rayleigh-Ritz on A with V_k = Vbᵀ Y (first k columns): W = A V_k = Q R,
   * R = F Σ Gᵀ, U = Q F, V = V_k G. Q R by CholeskyQR2 when the Ritz values
   * give cond(W) <= CHOLQR_COND (its error in σ_i is then about eps cond² σ_1,
   * 1e-12 of σ_k at most) and it succeeds, else (rank-deficient or graded
   * W) by blocked Householder.
   */
  const finish = (q: number, c: ReturnType<typeof ritz>) => {
    const Vk = ws.f64(n * k), W = ws.f64(m * k), Q = ws.f64(m * k), R = ws.f64(k * k), S = ws.f64(k * k);
    K.gemm(true, false, n, k, q, 1, Vb, n, c.Y, c.kq, 0, Vk, k);
    K.spmm(m, k, indptr, indices, data, Vk, W);
    const release = openScope(ws);
    const chol = c.theta[k - 1] * CHOLQR_COND * CHOLQR_COND >= c.theta[0] && c.theta[0] > 0 && cholQr2(W, Q, R, S);
    release();
    if (!chol) {
      const tau = ws.f64(k), work = ws.f64(Math.max(qrBlockedWorkSize(m, k), k));
      K.householderQrBlocked(m, k, W, k, tau, work);
      R.fill(0);
      for (let i = 0; i < k; i++) for (let j = i; j < k; j++) R[i * k + j] = W[i * k + j];
      K.householderQBlocked(m, k, W, k, tau, Q, k, work);
    }
    const { F, theta, G } = smallSvd(ws, k, k, R, k);
    const U = ws.f64(m * k), V = ws.f64(n * k);
    if (chol) {
      // U = Q1 (R2⁻¹ F): one m x k x k product.
      const M = ws.f64(k * k);
      K.gemm(false, false, k, k, k, 1, S, k, F, k, 0, M, k);
      K.gemm(false, false, m, k, k, 1, Q, k, M, k, 0, U, k);
    } else K.gemm(false, false, m, k, k, 1, Q, k, F, k, 0, U, k);
    K.gemm(false, false, n, k, k, 1, Vk, k, G, k, 0, V, k);
    const floor = Math.max(m, n) * EPS * theta[0];
    for (let i = 0; i < k; i++) s[i] = theta[i] <= floor ? 0 : theta[i];
    if (e !== 0) {
      checkRepresentable(s, e, o.what);
      for (let i = 0; i < k; i++) s[i] = times2(s[i], e);
    }
    return { U, s, V, residuals };
  };
  const check = Math.max(8, Math.ceil(k / 2));
  const floor = gramFloor(o.tol);

  /**
   * ritz(q), and on the pool the product of v_q (x, into y) beside it: the
   * pool's pieces run while this thread solves the small problem (they share
   * nothing). Returns the Ritz pairs and whether the product was made (it is
   * discarded when the run ends here). One thread: ritz alone.
   */
  const ritzAhead = (q: number, x: Float64Array, y: Float64Array) => {
    let c: ReturnType<typeof ritz> | null = null;
    if (!K.csrGramMatvecWith) return { c: ritz(q), ahead: false };
    K.csrGramMatvecWith(m, n, np, indptr, indices, data, x, y, parts, () => void (c = ritz(q)));
    return { c: c!, ahead: true };
  };
  /** Where a restart's first product is made beside ritz(p) (row keep + 1 is written by the restart's copy only after). */
  const next = ws.f64(K.csrGramMatvecWith ? n : 0);
  let skip = false;

  orth.randomOrthogonal(Vb, n, 0, row(0));
  let j0 = 0;
  for (let iteration = 1; ; iteration++) {
    for (let j = j0; j < p; j++) {
      const v = row(j), w = row(j + 1);
      if (!skip) K.csrGramMatvec(m, n, np, indptr, indices, data, v, w, parts);
      skip = false;
      normA2 = Math.max(normA2, Math.sqrt(K.dot(n, w, w)));
      const alpha = K.dot(n, v, w);
      Tm[j * p + j] = alpha;
      K.axpy(n, -alpha, v, w);
      if (j > j0 && beta !== 0) {
        K.axpy(n, -beta, row(j - 1), w);
        Tm[(j - 1) * p + j] = beta;
      }
      if (j + 1 >= n) {
        beta = 0;
        continue;
      }
      beta = orth.normaliseOrRestart(Vb, n, j + 1, w, orth.orthogonalise(Vb, n, j + 1, w, j, Math.sqrt(K.dot(n, w, w))), DEFLATE * normA2);
      if (beta === 0) deflated = true;
      yield null;
      const q = j + 1;
      if (q < p && q >= k && !deflated && (q - j0) % check === 0) {
        const release = openScope(ws);
        const { c, ahead } = ritzAhead(q, row(q), row(q + 1));
        if (c.converged === k) {
          yield { iteration, converged: k, residual: c.worst };
          return { ...finish(q, c), iterations: iteration };
        }
        release();
        skip = ahead;
        yield null;
      }
    }
    const release = openScope(ws);
    const { c, ahead } = ritzAhead(p, row(p), next);
    yield { iteration, converged: c.converged, residual: c.worst };
    if (c.converged === k) return { ...finish(p, c), iterations: iteration };
    if (iteration >= o.maxIter) {
      release();
      throw new LowrankError("NOT_CONVERGED", `${o.what}: ${c.converged} of ${k} singular triplets converged to tol ${o.tol} in maxIter = ${o.maxIter} restarts (largest residual ${c.worst.toExponential(2)} of σ_1); raise maxIter or basisSize, or loosen tol`);
    }
    // Thick restart: rows 0..keep-1 become Yᵀ Vb, v_p moves to row keep, T = diag(θ) (its couplings come back as Gram-Schmidt coefficients).
    K.gemm(true, false, keep, n, p, 1, c.Y, c.kq, Vb, n, 0, T, n);
    Vb.set(T.subarray(0, keep * n));
    Vb.copyWithin(keep * n, p * n, (p + 1) * n);
    Tm.fill(0);
    for (let i = 0; i < keep; i++) Tm[i * p + i] = c.theta[i];
    // v_p is now row keep: its product, made beside ritz(p), is the next step's.
    if (ahead) row(keep + 1).set(next);
    skip = ahead;
    release();
    j0 = keep;
    yield null;
  }
}
