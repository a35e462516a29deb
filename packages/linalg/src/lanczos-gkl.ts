// Truncated SVD by thick-restart Lanczos (svd-update's truncatedSvd's default
// method, matrix-completion's spectral start).
//
// Which scheme, and why. irlba (Baglama and Reichel's augmented implicitly
// restarted Lanczos bidiagonalisation) restarts a GKL run from the k wanted
// Ritz triplets plus the residual vector; PROPACK runs one long GKL with
// partial reorthogonalisation and implicit (QR-shift) restarts; PRIMME's svds
// runs a block Davidson-type eigensolver on AᵀA or the augmented matrix. We
// follow irlba's restart: it needs nothing but the small projected problem
// and two products of the basis with its vectors (GEMM), it keeps the basis
// size and memory fixed, and with full reorthogonalisation (the three-term
// recurrence, then classical Gram-Schmidt against the whole basis, repeated
// when a pass removes more than half the norm: orthogonal to working
// precision) it needs none of PROPACK's orthogonality estimates. Unlike irlba
// we keep more Ritz vectors than the k wanted at a restart (as thick-restart
// Lanczos does), which speeds convergence when σ_k and σ_{k+1} are close, and
// look at the Ritz values every max(8, k/2) steps so a run stops as soon as
// it has converged.
//
// Two forms (lanczos-svd.ts runs them). lanczos-gram.ts runs first: Lanczos on AᵀA for the short side
// (what ARPACK does inside scipy's svds), Gram-Schmidt and restarts on the
// short side only, then a Rayleigh-Ritz step on A. When it finds σ_k below
// 2^-12 σ_1 (at the default tol), where squaring loses digits, this file's two-sided GKL runs:
// both bases stored and reorthogonalised, the projected upper-triangular B
// built from the Gram-Schmidt coefficients themselves so A V = U B holds to
// rounding whatever the restarts did. A triplet is converged when its
// residual ‖Aᵀ u_i − σ_i v_i‖ = |β_p f_{p,i}| (A v_i − σ_i u_i is zero by
// construction) is at most tol σ_1; the default tol 1e-10 is about what
// ARPACK reaches on these problems.
//
// The CSR matrix is copied into the run's workspace once, the Lanczos bases
// live there for the whole run and are touched only through the kernel set
// (csrMatvec / csrMatvecT, gemv for Gram-Schmidt, gemm for restarts and
// the final factors); the p x p projected SVD is a small one-sided Jacobi SVD (lanczos-basis.ts).
// An invariant subspace (a zero α or β, as for a zero or rank-deficient
// matrix) continues from a random vector orthogonal to the basis, so the
// factors stay orthonormal and complete the basis as LAPACK does for zero
// singular values. See docs/ARCHITECTURE.md for the runtime and contract.
import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { checkSize } from "./input-checks.js";
import { basisOrth, openScope, scaledCopy, smallJacobiSvd as smallSvd, type LanczosWorkspace } from "./lanczos-basis.js";
import { coefPartsSize } from "./lanczos-pool.js";
import { checkRepresentable, times2 } from "./pow2-scale.js";
import { Rng } from "./rng.js";
import { csrPieces } from "./threads-csr.js";
import type { LongRun } from "./long-run.js";
import type { CsrMatrix } from "./types.js";

const EPS = 2.220446049250313e-16;
/** A Gram-Schmidt remainder at most this times the norm estimate counts as zero (an invariant subspace). */
const DEFLATE = 2 ** -44;
/** The smallest residual tolerance: below it a residual is rounding (tol 0 means this, as ARPACK's tol 0 means machine precision). */
const TOL_MIN = 2 ** -46;

/** Progress of the Lanczos method, reported after each restart. */
export interface LanczosProgress {
  /** Restarts done (1-based). */
  iteration: number;
  /** Of the `rank` leading triplets, how many have residual <= tol σ_1. */
  converged: number;
  /** The largest residual ‖Aᵀ u_i − σ_i v_i‖ / σ_1 over the `rank` leading triplets. */
  residual: number;
}

/** Resolved settings of a Lanczos run. */
export interface LanczosSettings {
  k: number;
  /** Basis size (Lanczos vectors per restart cycle), k < p <= min(m, n) unless k = min(m, n). */
  p: number;
  tol: number;
  maxIter: number;
  seed: number;
  /** The entry point named in errors (default "truncatedSvd"). */
  what: string;
}

/**
 * The default basis size for rank k: min(2k + 16, max(k + 24, ceil(1.6 k))),
 * i.e. 2k + 16 up to k = 8, k + 24 up to k = 40, then 1.6 k. Past k = 16 a
 * smaller basis than 2k + 16 costs a few more restarts but less
 * Gram-Schmidt and smaller restart products (at k = 50 on the SpamAssassin
 * and SOTU tf-idf matrices, 80 vectors took 11-29% less time than 116).
 */
export function defaultBasisSize(k: number): number {
  return Math.min(2 * k + 16, Math.max(k + 24, Math.ceil(1.6 * k)));
}

/** Settings for rank k of an m x n matrix: basis defaultBasisSize(k), at most min(m, n) (exactly that when k = min(m, n)). */
export function lanczosSettings(o: { rank: number; basisSize?: number; tol?: number; maxIter?: number; seed?: number; what?: string }, m: number, n: number): LanczosSettings {
  const mn = Math.min(m, n), k = o.rank;
  if (k > mn) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${mn}`);
  const want = o.basisSize ?? defaultBasisSize(k);
  if (want <= k && k < mn) throw new LowrankError("INVALID_ARGUMENT", `basisSize must exceed rank (${k}), got ${want}`);
  // rank = min(m, n) needs the whole space: the basis is min(m, n) whatever basisSize says.
  // Residuals below about 2^-46 σ_1 are rounding: a smaller tol (0 included, as ARPACK's) means that level.
  return { k, p: k === mn ? mn : Math.min(want, mn), tol: Math.max(o.tol ?? 1e-10, TOL_MIN), maxIter: o.maxIter ?? 1000, seed: o.seed ?? 0, what: o.what ?? "truncatedSvd" };
}

/** Ritz vectors kept at a restart: k plus half the rest of the basis (at most p - 1). */
export function keepCount(k: number, p: number): number {
  return Math.min(p - 1, k + Math.floor((p - k) / 2));
}

/** Bytes a Lanczos run takes from its workspace; TOO_LARGE before anything is allocated when an array cannot be. */
export function lanczosBytes(m: number, n: number, nnz: number, o: LanczosSettings): number {
  const { k, p } = o, kk = Math.max(k, keepCount(k, p)), big = Math.max(m, n);
  checkSize((p + 1) * big, "Lanczos basis");
  checkSize(kk * big, "Lanczos restart block");
  const small = 3 * p * p + p + 5 * p + 5 + 2 * p * kk + kk;
  const parts = (csrPieces(m, n, nnz) - 1) * n + coefPartsSize(p + 1, big);
  return arenaBytes(nnz + (p + 1) * n + p * m + kk * big + p * p + 2 * (p + 1) + small + (m + n) * k + 2 * k + parts, nnz + m + 1, 42);
}

/** Views of the workspace's factors, with the Lanczos residual estimates (relative to σ_1) and the restarts done. */
export interface LanczosViews {
  U: Float64Array;
  s: Float64Array;
  V: Float64Array;
  residuals: Float64Array;
  iterations: number;
}

/**
 * The thick-restart GKL run as steps (null at each point where a run may
 * pause, a progress record after each restart). With V (rows of Vb) and U
 * (rows of Ub) orthonormal: u_j = A v_j orthogonalised against u_0..u_{j-1},
 * whose coefficients and norm α_j form column j of the upper-triangular
 * B = Uᵀ A V; v_{j+1} = Aᵀ u_j orthogonalised against v_0..v_j, norm β_j.
 * After p steps Aᵀ U = V Bᵀ + β v_p e_pᵀ, so with B = F Θ Gᵀ the Ritz
 * triplets (U f_i, θ_i, V g_i) have A-side residual zero and Aᵀ-side
 * residual |β f_{p,i}|. A restart keeps `keepCount` of them and continues
 * from v_p. Entries of A outside [2^-100, 2^100] are worked on scaled by a
 * power of two (scale.ts) and s scaled back. Singular values at most
 * max(m, n) eps σ_1 (rounding level) are returned as exact zeros.
 * Errors: NOT_CONVERGED after maxIter restarts, NON_FINITE when s overflows.
 * O(restarts ((p - keep) nnz + p² (m + n)) + p³ sweeps).
 */
export function* lanczosSteps(ws: LanczosWorkspace, A: CsrMatrix, o: LanczosSettings): Generator<LanczosProgress | null, LanczosViews, void> {
  const K = ws.kernels;
  const m = A.rows, n = A.cols, { k, p } = o;
  const keep = keepCount(k, p), kk = Math.max(k, keep), big = Math.max(m, n);
  const { indptr, indices, data, e } = scaledCopy(ws, A);
  const Vb = ws.f64((p + 1) * n), Ub = ws.f64(p * m), T = ws.f64(kk * big), B = ws.f64(p * p).fill(0);
  const h = ws.f64(p + 1), h2 = ws.f64(p + 1);
  const U = ws.f64(m * k), V = ws.f64(n * k), s = ws.f64(k), residuals = ws.f64(k);
  // Aᵀ u in np pieces of rows (their partial vectors in parts): the same bits on any number of threads.
  const np = csrPieces(m, n, indptr[m]), parts = ws.f64(Math.max(0, np - 1) * n);
  const rng = new Rng(o.seed);
  const row = (X: Float64Array, len: number, i: number) => X.subarray(i * len, (i + 1) * len);
  let normA = 0;

  const { orthogonalise, randomOrthogonal, normaliseOrRestart } = basisOrth(ws, rng, h, h2, B, p, ws.f64(coefPartsSize(p + 1, big)));

  /** The Ritz triplets of the leading q x q block of B and their residuals |β f_{q,i}| / θ_1. */
  const ritz = (q: number) => {
    let Bq = B;
    if (q < p) {
      Bq = ws.f64(q * q);
      for (let i = 0; i < q; i++) Bq.set(B.subarray(i * p, i * p + q), i * q);
    }
    const kq = Math.min(q, kk);
    const { F, theta, G } = smallSvd(ws, q, q, Bq, kq);
    const s1 = theta[0];
    let converged = 0, worst = 0;
    for (let i = 0; i < k; i++) {
      const rel = s1 > 0 ? Math.abs(beta * F[(q - 1) * kq + i]) / s1 : 0;
      residuals[i] = rel;
      worst = Math.max(worst, rel);
      if (rel <= o.tol) converged++;
    }
    return { F, theta, G, kq, converged, worst };
  };

  /** The factors from the Ritz triplets of the first q basis vectors: U = Ubᵀ F, V = Vbᵀ G (first k columns), s scaled back. */
  const finish = (q: number, c: ReturnType<typeof ritz>) => {
    K.gemm(true, false, m, k, q, 1, Ub, m, c.F, c.kq, 0, U, k);
    K.gemm(true, false, n, k, q, 1, Vb, n, c.G, c.kq, 0, V, k);
    const floor = Math.max(m, n) * EPS * c.theta[0];
    for (let i = 0; i < k; i++) s[i] = c.theta[i] <= floor ? 0 : c.theta[i];
    if (e !== 0) {
      checkRepresentable(s, e, o.what);
      for (let i = 0; i < k; i++) s[i] = times2(s[i], e);
    }
    return { U, s, V, residuals };
  };
  const check = Math.max(8, Math.ceil(k / 2));

  // The start vector v_0: Gaussian, normalised.
  randomOrthogonal(Vb, n, 0, row(Vb, n, 0));
  let j0 = 0, beta = 0, deflated = false;
  for (let iteration = 1; ; iteration++) {
    for (let j = j0; j < p; j++) {
      const u = row(Ub, m, j), v = row(Vb, n, j);
      K.csrMatvec(m, indptr, indices, data, v, u);
      normA = Math.max(normA, Math.sqrt(K.dot(m, u, u)));
      // The three-term recurrence first (u -= β_{j-1} u_{j-1}), so Gram-Schmidt only removes rounding and one pass is usually enough.
      if (j > j0 && beta !== 0) {
        K.axpy(m, -beta, row(Ub, m, j - 1), u);
        B[(j - 1) * p + j] = beta;
      }
      // When A v_j lies in span(u_0..u_{j-1}) the run continues from a fresh direction (α_j = 0).
      const alpha = normaliseOrRestart(Ub, m, j, u, orthogonalise(Ub, m, j, u, j, Math.sqrt(K.dot(m, u, u))), DEFLATE * normA);
      B[j * p + j] = alpha;
      if (alpha === 0) deflated = true;
      yield null;
      const w = row(Vb, n, j + 1);
      if (j + 1 >= n) {
        beta = 0;
        continue;
      }
      K.csrMatvecT(m, n, np, indptr, indices, data, u, w, parts);
      normA = Math.max(normA, Math.sqrt(K.dot(n, w, w)));
      const a = B[j * p + j];
      if (a !== 0) K.axpy(n, -a, v, w);
      beta = normaliseOrRestart(Vb, n, j + 1, w, orthogonalise(Vb, n, j + 1, w, -1, Math.sqrt(K.dot(n, w, w))), DEFLATE * normA);
      if (beta === 0) deflated = true;
      yield null;
      // An early look at the Ritz triplets every `check` steps, so a run converged before the basis is full stops
      // there; not after an invariant subspace was found, where copies of a repeated singular value may still be
      // missing though every residual is zero (the fresh directions of a full basis give them a chance to appear).
      const q = j + 1;
      if (q < p && q >= k && !deflated && (q - j0) % check === 0) {
        const release = openScope(ws);
        const c = ritz(q);
        if (c.converged === k) {
          const out = finish(q, c);
          release();
          yield { iteration, converged: k, residual: c.worst };
          return { ...out, iterations: iteration };
        }
        release();
        yield null;
      }
    }
    // Ritz triplets of the full basis (scratch freed at the restart).
    const release = openScope(ws);
    const c = ritz(p);
    yield { iteration, converged: c.converged, residual: c.worst };
    if (c.converged === k) {
      const out = finish(p, c);
      release();
      return { ...out, iterations: iteration };
    }
    if (iteration >= o.maxIter) {
      release();
      throw new LowrankError("NOT_CONVERGED", `${o.what}: ${c.converged} of ${k} singular triplets converged to tol ${o.tol} in maxIter = ${o.maxIter} restarts (largest residual ${c.worst.toExponential(2)} of σ_1); raise maxIter or basisSize, or loosen tol`);
    }
    const { F, G, theta } = c;
    // Thick restart: the first `keep` rows become Gᵀ Vb and Fᵀ Ub, v_p moves to row keep, B = diag(θ).
    K.gemm(true, false, keep, n, p, 1, G, kk, Vb, n, 0, T, n);
    Vb.set(T.subarray(0, keep * n));
    Vb.copyWithin(keep * n, p * n, (p + 1) * n);
    K.gemm(true, false, keep, m, p, 1, F, kk, Ub, m, 0, T, m);
    Ub.set(T.subarray(0, keep * m));
    B.fill(0);
    for (let i = 0; i < keep; i++) B[i * p + i] = theta[i];
    release();
    j0 = keep;
    yield null;
  }
}
