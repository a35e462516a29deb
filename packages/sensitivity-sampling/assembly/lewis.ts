// The two passes over A of one Lewis-weight iteration (Cohen and Peng, STOC
// 2015, Algorithm 1): the weighted Gram matrix Aᵀ V A, then every row's
// quadratic form against its inverse and the weight update. Mirrored in
// src/kernels.ts; control flow in src/lewis.ts.
import { axpy } from "../../linalg/assembly/blas1";
import { rowNormsOfProduct } from "./rows";

/**
 * G (d x d, both triangles) = Σ_i v_i a_i a_iᵀ. Each row adds its rank-one
 * term to the lower triangle row by row (G[j, 0:j+1] += (v_i a_ij) a_i[0:j+1],
 * one SIMD axpy), so G stays in cache while A streams past once; the upper
 * triangle is mirrored at the end.
 */
export function weightedGram(n: i32, d: i32, A: usize, lda: i32, v: usize, G: usize): void {
  memory.fill(G, 0, (<usize>d * <usize>d) << 3);
  for (let i = 0; i < n; i++) {
    const vi = load<f64>(v + (<usize>i << 3));
    if (vi == 0) continue;
    const ai = A + ((<usize>i * <usize>lda) << 3);
    for (let j = 0; j < d; j++) {
      const c = vi * load<f64>(ai + (<usize>j << 3));
      if (c == 0) continue;
      axpy(j + 1, c, ai, G + ((<usize>j * <usize>d) << 3));
    }
  }
  for (let j = 0; j < d; j++) {
    for (let l = j + 1; l < d; l++) {
      store<f64>(G + ((<usize>j * <usize>d + <usize>l) << 3), load<f64>(G + ((<usize>l * <usize>d + <usize>j) << 3)));
    }
  }
}

/**
 * One Lewis-weight step for all rows. U (d x d, upper triangular) is L⁻ᵀ for
 * the Cholesky factor L of Aᵀ V A, so q_i = ||a_iᵀ U||² = a_iᵀ (Aᵀ V A)⁻¹ a_i.
 * The fixed-point map gives t_i = q_i^(p/2); the step moves log w by alpha
 * towards log t (alpha = 1 is Cohen-Peng's plain iteration):
 * w_i <- w_i^(1-alpha) t_i^alpha, then v_i = w_i^(1-2/p) for the next Gram
 * matrix (0 for a zero row). Returns max_i |log(w_new / w_old)| over rows with
 * positive weight. z holds 2d doubles of scratch.
 */
export function lewisUpdate(
  n: i32, d: i32, A: usize, lda: i32, U: usize, p: f64, alpha: f64, w: usize, v: usize, z: usize,
): f64 {
  // q_i first (the same pass as rowNormsOfProduct, written into v), then the elementwise update.
  rowNormsOfProduct(n, d, d, A, lda, U, d, true, v, z);
  let hi: f64 = 0, lo: f64 = Infinity;
  const half = p / 2;
  const ev = 1 - 2 / p;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const q = load<f64>(v + o);
    const old = load<f64>(w + o);
    let nw: f64 = 0, nv: f64 = 0;
    if (q > 0) {
      // With alpha = 1, v = q^(p/2) ^ (1-2/p) = q^(p/2) / q: one pow per row (a square root for p = 1).
      if (alpha == 1) {
        nw = half == 0.5 ? Math.sqrt(q) : Math.pow(q, half);
        nv = nw / q;
      } else {
        nw = Math.pow(old, 1 - alpha) * Math.pow(q, alpha * half);
        nv = Math.pow(nw, ev);
      }
    }
    store<f64>(w + o, nw);
    store<f64>(v + o, nv);
    if (nw > 0 && old > 0) {
      const ratio = nw / old;
      if (ratio > hi) hi = ratio;
      if (ratio < lo) lo = ratio;
    }
  }
  // max |log ratio| = max(log of the largest ratio, -log of the smallest): two logs per call, not one per row.
  return hi >= lo ? Math.max(Math.log(hi), -Math.log(lo)) : 0;
}
