// The two passes over A of one Lewis-weight iteration (Cohen and Peng, STOC
// 2015, Algorithm 1): the weighted Gram matrix Aᵀ V A, then every row's
// quadratic form against its inverse and the weight update. Mirrored in
// src/kernels/lewis-update.ts; control flow in src/lewis-fixed-point.ts.
import { axpy } from "../../linalg/assembly/blas1";
import { rowNormsOfProduct } from "./rows";
import { rank1x4 } from "../../linalg/assembly/simd";

/**
 * G (d x d, both triangles) = Σ_i v_i a_i a_iᵀ. Rows are taken four at a time:
 * G[j, 0:j+1] += Σ_r (v_r a_rj) a_r[0:j+1], each pair of G entries loaded
 * once for the four rank-one terms (added in row order, so every entry is
 * rounded as by four successive axpys, the reference's order), so G stays in
 * cache while A streams past once; the upper triangle is mirrored at the end.
 */
export function weightedGram(n: i32, d: i32, A: usize, lda: i32, v: usize, G: usize): void {
  memory.fill(G, 0, (<usize>d * <usize>d) << 3);
  gramRows(0, n, 0, d, d, A, lda, v, G);
  mirrorLower(d, G);
}

/**
 * Rows j0 <= j < j1 of weightedGram's lower triangle, added to G (not zeroed,
 * not mirrored): each entry gets the same terms in the same order as in
 * weightedGram, so bands computed apart (on the pool, assembly/tasks.ts) give
 * its bits. O(n (j1² - j0²) / 2).
 */
export function gramBand(n: i32, j0: i32, j1: i32, d: i32, A: usize, lda: i32, v: usize, G: usize): void {
  gramRows(0, n, j0, j1, d, A, lda, v, G);
}

/** G[j, 0:j+1] += v_i a_ij a_i[0:j+1] for rows i0 <= i < i1 (four at a time from i0) and j0 <= j < j1 (weightedGram's order). */
@inline function gramRows(i0: i32, i1: i32, j0: i32, j1: i32, d: i32, A: usize, lda: i32, v: usize, G: usize): void {
  const rowA = <usize>lda << 3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const a0 = A + <usize>i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    const vo = v + (<usize>i << 3);
    const v0 = load<f64>(vo), v1 = load<f64>(vo, 8), v2 = load<f64>(vo, 16), v3 = load<f64>(vo, 24);
    for (let j = j0; j < j1; j++) {
      const o = <usize>j << 3;
      const c0 = v0 * load<f64>(a0 + o), c1 = v1 * load<f64>(a1 + o), c2 = v2 * load<f64>(a2 + o), c3 = v3 * load<f64>(a3 + o);
      // G[j, 0:j+1] += c0 a0 + c1 a1 + c2 a2 + c3 a3, the terms added one at a time in row order.
      rank1x4(j + 1, G + ((<usize>j * <usize>d) << 3), a0, a1, a2, a3, c0, c1, c2, c3);
    }
  }
  for (; i < i1; i++) {
    const vi = load<f64>(v + (<usize>i << 3));
    if (vi == 0) continue;
    const ai = A + <usize>i * rowA;
    for (let j = j0; j < j1; j++) {
      const c = vi * load<f64>(ai + (<usize>j << 3));
      if (c == 0) continue;
      axpy(j + 1, c, ai, G + ((<usize>j * <usize>d) << 3));
    }
  }
}

/** The upper triangle of G from the lower. */
@inline function mirrorLower(d: i32, G: usize): void {
  for (let j = 0; j < d; j++) {
    for (let l = j + 1; l < d; l++) {
      store<f64>(G + ((<usize>j * <usize>d + <usize>l) << 3), load<f64>(G + ((<usize>l * <usize>d + <usize>j) << 3)));
    }
  }
}

/**
 * One Lewis-weight step for all rows, in log space. U (d x d, upper
 * triangular) is L⁻ᵀ for the Cholesky factor L of Aᵀ V A, so
 * q_i = ||a_iᵀ U||² = a_iᵀ (Aᵀ V A)⁻¹ a_i. The fixed-point map gives
 * t_i = q_i^(p/2); the step moves log w by alpha towards log t (alpha = 1 is
 * Cohen-Peng's plain iteration): lw_i <- (1-alpha) lw_i + alpha (p/2) log q_i,
 * with lw = log w held between steps (one log and one exp per row instead of
 * three pows), then v_i = w_i^(1-2/p) = exp((1-2/p) lw_i) (1/w_i for p = 1,
 * 1 for p = 2), the weights of the next Gram matrix; a zero row (q = 0) gets
 * lw = -Infinity and v = 0. Returns max_i |Δ lw_i| over rows with q > 0.
 * z holds 2d doubles of scratch.
 */
export function lewisUpdate(
  n: i32, d: i32, A: usize, lda: i32, U: usize, p: f64, alpha: f64, lw: usize, v: usize, z: usize,
): f64 {
  // q_i first (the same pass as rowNormsOfProduct, written into v), then the elementwise update.
  rowNormsOfProduct(n, d, d, A, lda, U, d, true, v, z);
  return updateRows(0, n, p, alpha, lw, v);
}

/** lewisUpdate's elementwise step for rows i0 <= i < i1 (q_i in v on entry); returns their max |Δ lw_i|. */
@inline function updateRows(i0: i32, i1: i32, p: f64, alpha: f64, lw: usize, v: usize): f64 {
  let change: f64 = 0;
  const c = alpha * (p / 2);
  const keep = 1 - alpha;
  const ev = 1 - 2 / p;
  for (let i = i0; i < i1; i++) {
    const o = <usize>i << 3;
    const q = load<f64>(v + o);
    if (q > 0) {
      const old = load<f64>(lw + o);
      const nl = alpha == 1 ? c * Math.log(q) : keep * old + c * Math.log(q);
      store<f64>(lw + o, nl);
      store<f64>(v + o, p == 1 ? Math.exp(-nl) : p == 2 ? 1.0 : Math.exp(ev * nl));
      const dl = Math.abs(nl - old);
      if (dl > change) change = dl;
    } else {
      store<f64>(lw + o, -Infinity);
      store<f64>(v + o, 0);
    }
  }
  return change;
}

/** Rows per block of lewisUpdateGram (a multiple of 4: weightedGram's row groups stay the same). */
const UPDATE_BLOCK: i32 = 512;

/**
 * lewisUpdate, then weightedGram(n, d, A, lda, v, G) with the new v, in one
 * pass over A: block by block (UPDATE_BLOCK rows, in L1/L2), the rows' q_i,
 * their update, then their terms of the next Gram matrix. Each row's numbers
 * and the order of the Gram sums are those of the two calls (blocks start at
 * multiples of 4), so the results are the same bit for bit; A (n x d, often
 * far larger than the caches) is read once per iteration instead of twice.
 */
export function lewisUpdateGram(
  n: i32, d: i32, A: usize, lda: i32, U: usize, p: f64, alpha: f64, lw: usize, v: usize, z: usize, G: usize,
): f64 {
  memory.fill(G, 0, (<usize>d * <usize>d) << 3);
  const rowA = <usize>lda << 3;
  let change: f64 = 0;
  for (let b = 0; b < n; b += UPDATE_BLOCK) {
    const e = min(n, b + UPDATE_BLOCK);
    rowNormsOfProduct(e - b, d, d, A + <usize>b * rowA, lda, U, d, true, v + (<usize>b << 3), z);
    const ch = updateRows(b, e, p, alpha, lw, v);
    if (ch > change) change = ch;
    gramRows(b, e, 0, d, d, A, lda, v, G);
  }
  mirrorLower(d, G);
  return change;
}
