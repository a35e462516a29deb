// TypeScript twin of assembly/householder.ts: Householder QR and thin Q on
// row-major storage. Each step applies H = I - tau v vᵀ to the trailing matrix
// as w = vᵀ A (an axpy of every trailing row into w) then A -= tau v wᵀ, in the
// simd build's order.
import { axpyAt } from "./blas1.js";
import { dropBy, liftBy, liftExponent } from "./scale.js";

/**
 * Below this largest |entry| a reflector's column is lifted by a power of two
 * first (1 / scale and the reflector's v0 would leave the normal range).
 */
const SMALL_COLUMN = 2 ** -600;
/** A reflector whose v0 is below this is recomputed from the lifted column (1 / v0 would overflow or lose bits). */
const TINY_V0 = 2 ** -1000;
/** Below this relative squared size a reflector's tail is treated as zero (its v would overflow). */
const TINY_SSQ = 1e-280;

/**
 * The reflector mapping X[x], X[x + stride], ..., X[x + L stride] to beta e_1,
 * beta >= 0: stores beta at X[x], v's tail (v[0] = 1 implicit) over the tail
 * and tau at tau[tj] (0 when none is needed); returns whether one was formed.
 * Shared by householderQr (strided columns) and the blocked panels.
 * The twin of assembly/householder.ts householderVector.
 */
export function householderVector(X: Float64Array, x: number, stride: number, L: number, tau: Float64Array, tj: number): boolean {
  const alpha = X[x];
  let scale = Math.abs(alpha);
  for (let i = 1; i <= L; i++) {
    const a = Math.abs(X[x + i * stride]);
    if (a > scale) scale = a;
  }
  tau[tj] = 0;
  if (scale === 0) return false;
  if (scale < SMALL_COLUMN) return householderVectorLifted(X, x, stride, L, tau, tj, scale);
  const inv = 1 / scale;
  let ssq = 0;
  for (let i = 1; i <= L; i++) {
    const v = X[x + i * stride] * inv;
    ssq += v * v;
  }
  // alpha > 0 with a (numerically) empty tail: H = I already gives beta = alpha >= 0.
  if (alpha > 0 && ssq <= TINY_SSQ) return false;
  const a = alpha * inv;
  const beta = scale * Math.sqrt(a * a + ssq);
  // v0 = alpha - beta, computed without cancellation when alpha > 0.
  const v0 = alpha <= 0 ? alpha - beta : -(ssq * scale) * (scale / (alpha + beta));
  if (!(Math.abs(v0) >= TINY_V0)) return householderVectorLifted(X, x, stride, L, tau, tj, scale);
  X[x] = beta;
  const iv = 1 / v0;
  for (let i = 1; i <= L; i++) X[x + i * stride] *= iv;
  tau[tj] = -v0 / beta;
  return true;
}

/**
 * householderVector for a column so small (relative to 1) that 1 / scale or
 * 1 / v0 would leave the normal range: lifts the column by 2^k (exact) so its
 * largest entry is in [0.5, 1), forms the reflector there (v and tau do not
 * depend on the column's scale) and scales beta back by 2^-k.
 */
function householderVectorLifted(X: Float64Array, x: number, stride: number, L: number, tau: Float64Array, tj: number, scale: number): boolean {
  const k = liftExponent(scale);
  for (let i = 0; i <= L; i++) X[x + i * stride] = liftBy(X[x + i * stride], k);
  const formed = householderVector(X, x, stride, L, tau, tj);
  // Without a reflector the column is left as it was (lifting was exact, so is this).
  const last = formed ? 0 : L;
  for (let i = 0; i <= last; i++) X[x + i * stride] = dropBy(X[x + i * stride], k);
  return formed;
}

/**
 * w[wo..wo+L) += Σ v_i r_i over the rows i0 <= i < i1 whose v_i is nonzero, in
 * order; v_i = V[vBase + i vStride], r_i = R[rBase + i rStride ..]. The twin of
 * the assembly helper, whose runs of four rows through rank1x4 sum each entry
 * in this order.
 */
export function accumulateRows(
  i0: number, i1: number, L: number, V: Float64Array, vBase: number, vStride: number,
  R: Float64Array, rBase: number, rStride: number, w: Float64Array, wo: number,
): void {
  for (let i = i0; i < i1; i++) {
    const vi = V[vBase + i * vStride];
    if (vi !== 0) axpyAt(L, vi, R, rBase + i * rStride, w, wo);
  }
}

/**
 * Householder QR in place of A (m x n): on return R (min(m,n) x n) is in the
 * upper triangle with a non-negative diagonal, and the reflectors
 * H_j = I - tau_j v_j v_jᵀ (v_j[j] = 1 implicit, v_j[i] = A[i][j] for i > j)
 * are below it. `tau` holds min(m,n) entries, `work` n. O(2mn² - 2n³/3).
 */
export function householderQr(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const jj = j * lda + j;
    if (!householderVector(A, jj, lda, m - j - 1, tau, j)) continue;
    const t = tau[j];
    // Trailing update A[j:, j+1:] -= t v (vᵀ A[j:, j+1:]), row by row.
    const L = n - j - 1;
    if (L <= 0) continue;
    work.fill(0, 0, L);
    axpyAt(L, 1, A, jj + 1, work, 0);
    for (let i = j + 1; i < m; i++) {
      const vi = A[i * lda + j];
      if (vi !== 0) axpyAt(L, vi, A, i * lda + j + 1, work, 0);
    }
    axpyAt(L, -t, work, 0, A, jj + 1);
    for (let i = j + 1; i < m; i++) {
      const vi = A[i * lda + j];
      if (vi !== 0) axpyAt(L, -t * vi, work, 0, A, i * lda + j + 1);
    }
  }
}

/**
 * Forms the thin Q (m x k) = H_0 ... H_{k-1} [I_k; 0] from the first k
 * reflectors left in A by householderQr. `work` holds k entries. O(4mk² - 4k³/3).
 */
export function householderQ(
  m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array,
): void {
  for (let i = 0; i < m; i++) {
    Q.fill(0, i * ldq, i * ldq + k);
    if (i < k) Q[i * ldq + i] = 1;
  }
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[j];
    if (t === 0) continue;
    const L = k - j;
    work.fill(0, 0, L);
    axpyAt(L, 1, Q, j * ldq + j, work, 0);
    for (let i = j + 1; i < m; i++) {
      const vi = A[i * lda + j];
      if (vi !== 0) axpyAt(L, vi, Q, i * ldq + j, work, 0);
    }
    axpyAt(L, -t, work, 0, Q, j * ldq + j);
    for (let i = j + 1; i < m; i++) {
      const vi = A[i * lda + j];
      if (vi !== 0) axpyAt(L, -t * vi, work, 0, Q, i * ldq + j);
    }
  }
}
