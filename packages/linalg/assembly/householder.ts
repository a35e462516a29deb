// Householder QR on row-major storage. Mirrored in src/kernels/householder.ts
// (householderQr, householderQ); public API in src/qr.ts.
//
// A column reflector touches a strided column, so each step applies
// H = I - tau v vᵀ to the trailing matrix as w = vᵀ A (every trailing row
// added into w, four per pass where it can) followed by A -= tau v wᵀ (an axpy
// of w into every row): both inner loops run along contiguous rows with SIMD.
import { axpy, scal } from "./blas1";
import { at, ld, st } from "./rotation";
import { dropBy, liftBy, liftExponent, pow2 } from "./scale";
import { rank1x4 } from "./simd";

const TINY_SSQ: f64 = 1e-280;

/**
 * The reflector that maps x (its first entry at x, the L below it strideBytes
 * apart) to beta e_1, beta >= 0: stores beta at x, v's tail (v[0] = 1
 * implicit) over x's tail, and tau at tauAt (0 when no reflector is needed).
 * Returns whether a reflector was formed. Shared by householderQr (strided
 * columns) and the blocked panels (contiguous rows).
 */
@inline export function householderVector(x: usize, strideBytes: usize, L: i32, tauAt: usize): bool {
  const alpha = load<f64>(x);
  let scale = Math.abs(alpha);
  for (let i = 1; i <= L; i++) {
    const a = Math.abs(load<f64>(x + <usize>i * strideBytes));
    if (a > scale) scale = a;
  }
  store<f64>(tauAt, 0);
  if (scale == 0) return false;
  if (scale < pow2(-600)) return householderVectorLifted(x, strideBytes, L, tauAt, scale);
  const r = formReflector(x, strideBytes, L, tauAt, scale);
  if (r < 0) return householderVectorLifted(x, strideBytes, L, tauAt, scale);
  return r > 0;
}

/**
 * householderVector's reflector from the column's largest |entry| `scale`:
 * 1 formed, 0 none needed, -1 (nothing written) when v0 is below 2^-1000 and
 * 1 / v0 would leave the normal range.
 */
@inline function formReflector(x: usize, strideBytes: usize, L: i32, tauAt: usize, scale: f64): i32 {
  const alpha = load<f64>(x);
  const inv = 1.0 / scale;
  let ssq: f64 = 0;
  for (let i = 1; i <= L; i++) {
    const v = load<f64>(x + <usize>i * strideBytes) * inv;
    ssq += v * v;
  }
  if (alpha > 0 && ssq <= TINY_SSQ) return 0;
  const a = alpha * inv;
  const beta = scale * Math.sqrt(a * a + ssq);
  const v0 = alpha <= 0 ? alpha - beta : -(ssq * scale) * (scale / (alpha + beta));
  if (!(Math.abs(v0) >= pow2(-1000))) return -1;
  store<f64>(x, beta);
  const iv = 1.0 / v0;
  if (strideBytes == 8) {
    scal(L, iv, x + 8);
  } else {
    for (let i = 1; i <= L; i++) {
      const p = x + <usize>i * strideBytes;
      store<f64>(p, load<f64>(p) * iv);
    }
  }
  store<f64>(tauAt, -v0 / beta);
  return 1;
}

/**
 * householderVector for a column so small that 1 / scale or 1 / v0 would leave
 * the normal range: lifts it by 2^k (exact) to a largest entry in [0.5, 1),
 * forms the reflector there (v and tau do not depend on the scale) and scales
 * beta back; without a reflector the column is restored.
 */
function householderVectorLifted(x: usize, strideBytes: usize, L: i32, tauAt: usize, scale: f64): bool {
  const k = liftExponent(scale);
  for (let i = 0; i <= L; i++) {
    const p = x + <usize>i * strideBytes;
    store<f64>(p, liftBy(load<f64>(p), k));
  }
  const formed = formReflector(x, strideBytes, L, tauAt, liftBy(scale, k)) > 0;
  const last = formed ? 0 : L;
  for (let i = 0; i <= last; i++) {
    const p = x + <usize>i * strideBytes;
    store<f64>(p, dropBy(load<f64>(p), k));
  }
  return formed;
}

/**
 * w[0..L) += Σ v_i r_i over the rows i0 <= i < i1 whose v_i is nonzero, in
 * order; v_i is at vBase + i vStride, row r_i at rBase + i rStride. Runs of
 * four nonzero coefficients go through `rank1x4` (w loaded and stored once per
 * four rows); every entry still gets the same terms in the same order, so on
 * the simd build the sums are those of one axpy per row.
 */
@inline export function accumulateRows(i0: i32, i1: i32, L: i32, vBase: usize, vStride: usize, rBase: usize, rStride: usize, w: usize): void {
  let i = i0;
  while (i < i1) {
    const pv = vBase + <usize>i * vStride, r0 = rBase + <usize>i * rStride;
    const v0 = load<f64>(pv);
    if (i + 4 <= i1) {
      const v1 = load<f64>(pv + vStride), v2 = load<f64>(pv + 2 * vStride), v3 = load<f64>(pv + 3 * vStride);
      if (v0 != 0 && v1 != 0 && v2 != 0 && v3 != 0) {
        rank1x4(L, w, r0, r0 + rStride, r0 + 2 * rStride, r0 + 3 * rStride, v0, v1, v2, v3);
        i += 4;
        continue;
      }
    }
    if (v0 != 0) axpy(L, v0, r0, w);
    i++;
  }
}

/**
 * In place: R (min(m,n) x n, diagonal >= 0) in the upper triangle, reflectors
 * below it (v[j] = 1 implicit), tau (min(m,n)), work (n doubles).
 */
export function householderQr(m: i32, n: i32, A: usize, lda: i32, tau: usize, work: usize): void {
  const k = min(m, n);
  for (let j = 0; j < k; j++) {
    const pjj = at(A, lda, j, j);
    if (!householderVector(pjj, <usize>lda << 3, m - j - 1, tau + (<usize>j << 3))) continue;
    const t = ld(tau, j);
    const L = n - j - 1;
    if (L <= 0) continue;
    memory.fill(work, 0, <usize>L << 3);
    axpy(L, 1.0, pjj + 8, work);
    accumulateRows(j + 1, m, L, at(A, lda, 0, j), <usize>lda << 3, at(A, lda, 0, j + 1), <usize>lda << 3, work);
    axpy(L, -t, work, pjj + 8);
    for (let i = j + 1; i < m; i++) {
      const p = at(A, lda, i, j);
      const vi = load<f64>(p);
      if (vi != 0) axpy(L, -t * vi, work, p + 8);
    }
  }
}

/** Thin Q (m x k) = H_0 ... H_{k-1} [I_k; 0] from householderQr's reflectors; work holds k doubles. */
export function householderQ(m: i32, k: i32, A: usize, lda: i32, tau: usize, Q: usize, ldq: i32, work: usize): void {
  for (let i = 0; i < m; i++) {
    memory.fill(at(Q, ldq, i, 0), 0, <usize>k << 3);
    if (i < k) store<f64>(at(Q, ldq, i, i), 1.0);
  }
  for (let j = k - 1; j >= 0; j--) {
    const t = ld(tau, j);
    if (t == 0) continue;
    const L = k - j;
    memory.fill(work, 0, <usize>L << 3);
    axpy(L, 1.0, at(Q, ldq, j, j), work);
    accumulateRows(j + 1, m, L, at(A, lda, 0, j), <usize>lda << 3, at(Q, ldq, 0, j), <usize>ldq << 3, work);
    axpy(L, -t, work, at(Q, ldq, j, j));
    for (let i = j + 1; i < m; i++) {
      const vi = load<f64>(at(A, lda, i, j));
      if (vi != 0) axpy(L, -t * vi, work, at(Q, ldq, i, j));
    }
  }
}
