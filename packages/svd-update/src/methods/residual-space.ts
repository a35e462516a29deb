// Small approximate bases of a batch's residual space (I - V Vᵀ) Eᵀ, the idea
// of Vecharynski and Saad (2014: Golub-Kahan-Lanczos) and Yamazaki et al.
// (2015: randomized power iteration), written once for vectors held as pairs
// (b, c) meaning b - V c: Deng et al.'s sparse representation (b on the
// batch's support, c in R^k) or, with kc = 0, plain dense vectors.
import type { Rng } from "@lowrank/linalg";
import type { SvdWorkspace } from "../kernels/index.js";

/** The batch X = Xbᵀ - V Xcᵀ (s vectors) and where its pairs live. */
export interface PairBatch {
  s: number;
  /** Length of b (support size, or the full dimension for dense vectors). */
  p: number;
  /** Length of c (k, or 0 for dense vectors). */
  kc: number;
  /** s x p: row j is b of x_j. */
  Xb: Float64Array;
  /** s x kc: row j is c of x_j. */
  Xc: Float64Array;
  /**
   * The basis V the batch was projected on, to re-project GKL vectors: with kc > 0 the
   * support rows of the tall factor (p x k, gathered) and K (V's support rows = Pg K, or Pg
   * when identity); with kc = 0 the dense V (p x k, K unused).
   */
  Pg: Float64Array;
  K: Float64Array;
  identity: boolean;
  /** Columns of V. */
  k: number;
}

/** Settings of an approximate space: at most l vectors, iters power iterations (rpi), the draws, the drop test. */
export interface SpaceOptions {
  l: number;
  iters: number;
  rng: Rng;
  tol2: number;
}

/** An orthonormal basis Z (lq pairs) and the batch's coordinates R = Zᵀ X (lq x s, row length s). */
export interface PairBasis {
  lq: number;
  B: Float64Array;
  C: Float64Array;
  R: Float64Array;
}

/** Z = X W for W (s x l, row length ldw): B = Wᵀ Xb, C = Wᵀ Xc. */
function applyX(st: SvdWorkspace, x: PairBatch, l: number, W: Float64Array, ldw: number, B: Float64Array, C: Float64Array): void {
  const K = st.kernels;
  K.gemm(true, false, l, x.p, x.s, 1, W, ldw, x.Xb, x.p, 0, B, x.p);
  if (x.kc > 0) K.gemm(true, false, l, x.kc, x.s, 1, W, ldw, x.Xc, x.kc, 0, C, x.kc);
}

/** W (s x l) = Xᵀ Z for the l pairs (B, C): x_j·z_i = b_j·b_i - c_j·c_i. */
function applyXt(st: SvdWorkspace, x: PairBatch, l: number, B: Float64Array, C: Float64Array, W: Float64Array): void {
  const K = st.kernels;
  K.gemm(false, true, x.s, l, x.p, 1, x.Xb, x.p, B, x.p, 0, W, l);
  if (x.kc > 0) K.gemm(false, true, x.s, l, x.kc, -1, x.Xc, x.kc, C, x.kc, 1, W, l);
}

/** R = Zᵀ X (lq x s): R[i][j] = b_i·xb_j - c_i·xc_j (one pairCoordinates call). */
function coordinates(st: SvdWorkspace, x: PairBatch, lq: number, B: Float64Array, C: Float64Array): Float64Array {
  const R = st.f64(lq * x.s);
  // Dense vectors (kc = 0) have no Xc to read: C (empty, in the workspace) stands in for it.
  if (lq > 0) st.kernels.pairCoordinates(x.s, x.p, x.kc, lq, x.Xb, x.kc > 0 ? x.Xc : C, B, C, R);
  return R;
}

/**
 * Randomized range finder with `iters` power iterations (Yamazaki et al. 2015;
 * Halko et al. 2011, Alg. 4.4): Z = orth(X Ω), then Z = orth(X Xᵀ Z)
 * `iters` times, re-orthonormalising each time. l columns at most (fewer when
 * X has lower numerical rank: dependent columns are dropped by the Gram-Schmidt
 * test `tol2`). O((iters + 1) l (s (p + kc) + l (p + kc))).
 */
export function rpiBasis(st: SvdWorkspace, x: PairBatch, { l, iters, rng, tol2 }: SpaceOptions): PairBasis {
  const K = st.kernels;
  const Om = st.f64(x.s * l), B = st.f64(l * x.p), C = st.f64(l * x.kc), Rg = st.f64(l * l), W = st.f64(x.s * l);
  K.rngFill(rng, Om, true);
  applyX(st, x, l, Om, l, B, C);
  let lq = K.sparseGramSchmidt(l, x.p, x.kc, B, C, Rg, tol2, 0);
  for (let t = 0; t < iters && lq > 0; t++) {
    applyXt(st, x, lq, B, C, W);
    applyX(st, x, lq, W, lq, B, C);
    lq = K.sparseGramSchmidt(lq, x.p, x.kc, B, C, Rg, tol2, 0);
  }
  return { lq, B, C, R: coordinates(st, x, lq, B, C) };
}

/**
 * l steps of Golub-Kahan-Lanczos bidiagonalisation of X from a random start
 * (Vecharynski and Saad 2014), with full reorthogonalisation: v_1 = q / ||q||;
 * u_j = X v_j is re-projected against the basis V (in the pair form c <- Vᵀ b,
 * from V's support rows; dense: b <- b - V Vᵀ b), orthogonalised
 * against u_1..u_{j-1} (sparseGramSchmidt on the pairs) and re-projected
 * again ("twice is enough", Giraud, Langou and Rozložník 2005); v_{j+1} =
 * Xᵀ u_j is orthogonalised against v_1..v_j (dense s-vectors, the same kernel
 * with kc = 0). The Gram-Schmidt steps take a second pass when the first
 * removed more than half of the vector. The left vectors span
 * K_l(X Xᵀ, X q); the Rayleigh-Ritz step uses Zᵀ X directly, so the
 * bidiagonal coefficients are not kept. Stops early when a new vector lies in
 * the span (an invariant subspace: the space is then exact).
 *
 * Why both: the earlier version generated z_j = X Xᵀ z_{j-1} (the same
 * Krylov space) and orthogonalised it against the u's only. In the pair form
 * the meaning of (b, c) as b - V c, and the inner products b·b - c·c, rest
 * on c = Vᵀ b; each Gram-Schmidt step u_j = (X v_j - Σ r_i u_i) / r_jj
 * carries the earlier vectors' error in c = Vᵀ b over, amplified by
 * Σ |r_i| / r_jj, so it compounded along the sequence (1e-15 at u_1, 3e-8 at
 * u_30 of one 30-row SpamAssassin batch at k = 64, up to 1 a few batches
 * later). The new directions were then not orthogonal to V, V lost
 * orthogonality (‖VᵀV - I‖ 4e-2), and that error entered the next batches'
 * pair inner products. Re-projecting sets c = Vᵀ b afresh for each vector, so
 * nothing compounds (‖VᵀV - I‖ stays at 1e-13); orthogonalising v against
 * the earlier v's keeps X v_j from lying mostly in the span of the earlier u's
 * (dense vecharynski, which has the same compounding in Vᵀ u, went from 1e-4
 * to 1e-10).
 * The loop runs in one kernel call (gklExpand, assembly/approx-space.ts) rather than
 * about ten small ones per vector.
 * O(l (s (p + kc) + l (p + kc + s) + p k)).
 */
export function gklBasis(st: SvdWorkspace, x: PairBatch, { l, rng, tol2 }: SpaceOptions): PairBasis {
  const K = st.kernels;
  const B = st.f64(l * x.p), C = st.f64(l * x.kc), Vr = st.f64(l * x.s), Rg = st.f64(l * l), Rv = st.f64(l * l), t = st.f64(x.k);
  K.rngFill(rng, Vr.subarray(0, x.s), true);
  // The whole loop is one kernel call (gklExpand): v_1 = q / ||q|| (a zero q leaves no space),
  // then per step u = X v, re-projected, orthogonalised, re-projected; v = Xᵀ u, orthogonalised.
  // Unused views (Xc and K of dense vectors, K when identity) are passed as views the kernel does not read.
  const lq = K.gklExpand(
    x.s, x.p, x.kc, x.k, l, x.Xb, x.kc > 0 ? x.Xc : C, x.Pg, x.kc > 0 && !x.identity ? x.K : t, x.identity || x.kc === 0,
    B, C, Vr, Rg, Rv, t, tol2,
  );
  return { lq, B, C, R: coordinates(st, x, lq, B, C) };
}
