// Small approximate bases of a batch's residual space (I - V Vᵀ) Eᵀ, the idea
// of Vecharynski and Saad (2014: Golub-Kahan-Lanczos) and Yamazaki et al.
// (2015: randomized power iteration), written once for vectors held as pairs
// (b, c) meaning b - V c: Deng et al.'s sparse representation (b on the
// batch's support, c in R^k) or, with kc = 0, plain dense vectors.
import type { Rng } from "@lowrank/linalg";
import type { Store } from "./store.js";

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
}

/** An orthonormal basis Z (lq pairs) and the batch's coordinates R = Zᵀ X (lq x s, row length s). */
export interface PairBasis {
  lq: number;
  B: Float64Array;
  C: Float64Array;
  R: Float64Array;
}

/** Z = X W for W (s x l, row length ldw): B = Wᵀ Xb, C = Wᵀ Xc. */
function applyX(st: Store, x: PairBatch, l: number, W: Float64Array, ldw: number, B: Float64Array, C: Float64Array): void {
  const K = st.kernels;
  K.gemm(true, false, l, x.p, x.s, 1, W, ldw, x.Xb, x.p, 0, B, x.p);
  if (x.kc > 0) K.gemm(true, false, l, x.kc, x.s, 1, W, ldw, x.Xc, x.kc, 0, C, x.kc);
}

/** W (s x l) = Xᵀ Z for the l pairs (B, C): x_j·z_i = b_j·b_i - c_j·c_i. */
function applyXt(st: Store, x: PairBatch, l: number, B: Float64Array, C: Float64Array, W: Float64Array): void {
  const K = st.kernels;
  K.gemm(false, true, x.s, l, x.p, 1, x.Xb, x.p, B, x.p, 0, W, l);
  if (x.kc > 0) K.gemm(false, true, x.s, l, x.kc, -1, x.Xc, x.kc, C, x.kc, 1, W, l);
}

/** R = Zᵀ X (lq x s) from W = Xᵀ Z (s x lq). */
function coordinates(st: Store, x: PairBatch, lq: number, B: Float64Array, C: Float64Array): Float64Array {
  const W = st.f64(x.s * Math.max(lq, 1)), R = st.f64(lq * x.s);
  if (lq === 0) return R;
  applyXt(st, x, lq, B, C, W);
  for (let i = 0; i < lq; i++) for (let j = 0; j < x.s; j++) R[i * x.s + j] = W[j * lq + i];
  return R;
}

/**
 * Randomized range finder with `iters` power iterations (Yamazaki et al. 2015;
 * Halko et al. 2011, Alg. 4.4): Z = orth(X Ω), then Z = orth(X Xᵀ Z)
 * `iters` times, re-orthonormalising each time. l columns at most (fewer when
 * X has lower numerical rank: dependent columns are dropped by the Gram-Schmidt
 * test `tol2`). O((iters + 1) l (s (p + kc) + l (p + kc))).
 */
export function rpiBasis(st: Store, x: PairBatch, l: number, iters: number, rng: Rng, tol2: number): PairBasis {
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
 * l steps of Golub-Kahan-Lanczos on X from a random start q (Vecharynski and
 * Saad 2014): the left Lanczos vectors span K_l(X Xᵀ, X q). They are
 * generated as z_j = X Xᵀ z_{j-1} and orthogonalised against all earlier ones
 * at each step (full reorthogonalisation, affordable at
 * these small l; the Rayleigh-Ritz step then uses Zᵀ X directly, so the
 * bidiagonal coefficients are not needed). Stops early when a new vector lies
 * in the span (an invariant subspace: the space is then exact).
 * O(l (s (p + kc) + l (p + kc))).
 */
export function gklBasis(st: Store, x: PairBatch, l: number, rng: Rng, tol2: number): PairBasis {
  const K = st.kernels;
  const B = st.f64(l * x.p), C = st.f64(l * x.kc), q = st.f64(x.s), Rg = st.f64(l * l);
  K.rngFill(rng, q, true);
  let lq = 0;
  for (let j = 0; j < l; j++) {
    const b = B.subarray(lq * x.p, (lq + 1) * x.p), c = C.subarray(lq * x.kc, (lq + 1) * x.kc);
    if (j === 0) applyX(st, x, 1, q, 1, b, c);
    else {
      const pb = B.subarray((lq - 1) * x.p, lq * x.p), pc = C.subarray((lq - 1) * x.kc, lq * x.kc);
      applyXt(st, x, 1, pb, pc, q);
      applyX(st, x, 1, q, 1, b, c);
    }
    // Gram-Schmidt of the new vector alone against the kept ones (start = lq).
    const kept = K.sparseGramSchmidt(lq + 1, x.p, x.kc, B, C, Rg, tol2, lq);
    if (kept <= lq) break;
    lq = kept;
  }
  return { lq, B, C, R: coordinates(st, x, lq, B, C) };
}
