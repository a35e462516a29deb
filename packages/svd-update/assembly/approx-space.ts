// Kernels of the approximate residual spaces (src/methods/residual-space.ts): the
// Golub-Kahan-Lanczos loop of one batch in one call (per GKL vector it would
// otherwise cross into WASM about ten times: one-row GEMMs that pack a whole
// panel for one row, a Gram-Schmidt step, the re-projections, each crossing
// costing more than its arithmetic at batch sizes of a few rows), and the
// coordinates R = Zᵀ X of a batch in a basis of pairs. Mirrored by gklExpand and
// pairCoordinates in src/kernels/approx-space.ts (same operations, same order).
import { axpyInline as axpy, dotInline as dot } from "../../linalg/assembly/blas1";
import { sparseGramSchmidt } from "./sparse-gram-schmidt";

/** out (n) = Σ_{j < m} w[j] M[j] for M (m x n, row-major). */
@inline function combineRows(m: i32, n: i32, w: usize, M: usize, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  const row = <usize>n << 3;
  for (let j = 0; j < m; j++) axpy(n, load<f64>(w + (<usize>j << 3)), M + <usize>j * row, out);
}

/**
 * q <- (I - V Vᵀ) q for q = b - V c (kc > 0: c = (bᵀ Pg) K, or bᵀ Pg when
 * identity) or a dense q = b (kc = 0: b -= Pg (Pgᵀ b)). t: k doubles.
 */
function reproject(p: i32, kc: i32, k: i32, Pg: usize, K: usize, identity: bool, b: usize, c: usize, t: usize): void {
  if (k == 0) return;
  if (kc > 0) {
    if (identity) combineRows(p, k, b, Pg, c);
    else {
      combineRows(p, k, b, Pg, t);
      combineRows(k, k, t, K, c);
    }
  } else {
    combineRows(p, k, b, Pg, t);
    const row = <usize>k << 3;
    for (let i = 0; i < p; i++) {
      const at = b + (<usize>i << 3);
      store<f64>(at, load<f64>(at) - dot(k, Pg + <usize>i * row, t));
    }
  }
}

/**
 * Two-sided GKL with full reorthogonalisation for the batch X = Xbᵀ - V Xcᵀ
 * (s pairs, b of length p, c of length kc; kc = 0 for dense vectors), from the
 * start vector in row 0 of Vr (s doubles, unnormalised): normalises v_1, then
 * until l left vectors are kept (or a new vector lies in the span, or s right
 * vectors exist): u = X v_lq into row lq of B, C; re-project against V;
 * Gram-Schmidt against the kept u's; re-project again; v = Xᵀ u into the next
 * row of Vr, Gram-Schmidt against the kept v's. B (l x p), C (l x kc), Vr
 * (l x s), Rg, Rv (l x l), t (k). Returns the number of kept left vectors.
 */
export function gklExpand(
  s: i32, p: i32, kc: i32, k: i32, l: i32, Xb: usize, Xc: usize, Pg: usize, K: usize, identity: bool,
  B: usize, C: usize, Vr: usize, Rg: usize, Rv: usize, t: usize, tol2: f64,
): i32 {
  const bRow = <usize>p << 3, cRow = <usize>kc << 3, vRow = <usize>s << 3;
  let lv = sparseGramSchmidt(1, s, 0, Vr, C, Rv, 0, 0);
  let lq = 0;
  while (lv > lq) {
    const b = B + <usize>lq * bRow, c = C + <usize>lq * cRow, v = Vr + <usize>lq * vRow;
    combineRows(s, p, v, Xb, b);
    if (kc > 0) combineRows(s, kc, v, Xc, c);
    reproject(p, kc, k, Pg, K, identity, b, c, t);
    const kept = sparseGramSchmidt(lq + 1, p, kc, B, C, Rg, tol2, lq);
    if (kept <= lq) break;
    reproject(p, kc, k, Pg, K, identity, b, c, t);
    lq = kept;
    if (lq == l || lv == s) break;
    const w = Vr + <usize>lv * vRow;
    for (let j = 0; j < s; j++) {
      let x = dot(p, Xb + <usize>j * bRow, b);
      if (kc > 0) x -= dot(kc, Xc + <usize>j * cRow, c);
      store<f64>(w + (<usize>j << 3), x);
    }
    lv = sparseGramSchmidt(lv + 1, s, 0, Vr, C, Rv, tol2, lv);
  }
  return lq;
}

/**
 * R (lq x s) = Zᵀ X for the lq pairs (B, C) of Z and the s pairs (Xb, Xc) of X:
 * R[i][j] = b_i·xb_j - c_i·xc_j (b's of length p, c's of length kc).
 */
export function pairCoordinates(s: i32, p: i32, kc: i32, lq: i32, Xb: usize, Xc: usize, B: usize, C: usize, R: usize): void {
  const bRow = <usize>p << 3, cRow = <usize>kc << 3;
  for (let i = 0; i < lq; i++) {
    const b = B + <usize>i * bRow, c = C + <usize>i * cRow, r = R + ((<usize>i * <usize>s) << 3);
    for (let j = 0; j < s; j++) {
      let x = dot(p, Xb + <usize>j * bRow, b);
      if (kc > 0) x -= dot(kc, Xc + <usize>j * cRow, c);
      store<f64>(r + (<usize>j << 3), x);
    }
  }
}
