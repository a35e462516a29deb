// TypeScript twin of assembly/tridiagonal.ts: symmetric eigendecomposition by
// Householder tridiagonalisation (reflectors from contiguous rows), Qᵀ formed
// row by row, then implicit QL with Wilkinson shifts rotating rows of Qᵀ.
import { axpyAt, dotAt } from "./blas1.js";
import { hyp, rotRows } from "./rotation.js";
import { dropBy, liftBy, liftExponent } from "./scale.js";
import { gemmWorkSize } from "./gemm.js";
import { QR_NB } from "./qr-blocked.js";

/** Below this largest |entry| a reflector's column is lifted by a power of two first. */
const SMALL_COLUMN = 2 ** -600;
/** Below this relative squared size a reflector's tail is treated as zero. */
const TINY_SSQ = 1e-280;
const EPS = 2.220446049250313e-16;

/**
 * An off-diagonal entry at most this (2^-511 of the tridiagonal's largest
 * entry, about LAPACK's sqrt(safmin) for a unit-sized matrix) is negligible
 * whatever its neighbours. Judged only against |d_m| + |d_m+1| it may stay:
 * next to tiny diagonal entries the chase's s e_i then underflows to 0, the
 * shift comes from an unrelated block and QL stalls.
 */
function negligibleCoupling(n: number, d: Float64Array, e: Float64Array): number {
  let t = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(d[i]), b = Math.abs(e[i]);
    if (a > t) t = a;
    if (b > t) t = b;
  }
  return t * 2 ** -511;
}

/**
 * Householder reduction of the symmetric n x n A (both triangles stored) to
 * tridiagonal form T = Qᵀ A Q: diagonal in d (n), off-diagonal in e
 * (e[i] couples i and i+1, e[n-1] = 0). Reflector k is stored in row k of A,
 * columns k+1.. (leading 1 explicit), tau in tau (n). `work` holds n.
 * O(2n³): both triangles are updated, so every access runs along a row.
 */
export function tridiagonalize(
  n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
): void {
  reduce(n, A, lda, d, e, tau, work, false);
}

/**
 * tridiagonalize reading and updating only the upper triangle (diagonal
 * included; the strict lower triangle is neither read nor written), as
 * LAPACK's dsytd2: p = t A22 v takes one pass over the triangle (a dot from
 * the diagonal on and an axpy right of it per row), the rank-2 update another.
 * The same reflectors in the same place. O(4n³/3), half tridiagonalize's work.
 */
export function tridiagonalizeUpper(
  n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
): void {
  reduce(n, A, lda, d, e, tau, work, true);
}

function reduce(
  n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array, upper: boolean,
): void {
  for (let k = 0; k < n - 2; k++) {
    const t = reflectRow(n, k, A, lda, d, e, tau);
    if (t === 0) continue;
    const x = k * lda + k + 1, L = n - k - 1;
    // A22 -= v wᵀ + w vᵀ with p = t A22 v, w = p - (t/2)(pᵀv) v.
    const a22 = (k + 1) * lda + k + 1;
    if (upper) {
      // p from the upper triangle: row i gives p_i its entries from the diagonal on and, by symmetry, p_i+1.. its x_i multiples.
      work.fill(0, 0, L);
      for (let i = 0; i < L; i++) {
        const ri = a22 + i * lda;
        work[i] += dotAt(L - i, A, ri + i, A, x + i);
        axpyAt(L - i - 1, A[x + i], A, ri + i + 1, work, i + 1);
      }
      for (let i = 0; i < L; i++) work[i] *= t;
    } else {
      for (let i = 0; i < L; i++) work[i] = t * dotAt(L, A, a22 + i * lda, A, x);
    }
    const K = 0.5 * t * dotAt(L, work, 0, A, x);
    axpyAt(L, -K, A, x, work, 0);
    for (let i = 0; i < L; i++) {
      const ri = a22 + i * lda;
      const c0 = upper ? i : 0;
      axpyAt(L - c0, -A[x + i], work, c0, A, ri + c0);
      axpyAt(L - c0, -work[i], A, x + c0, A, ri + c0);
    }
  }
  closeTridiagonal(n, A, lda, d, e, tau);
}

/** The last two steps of a reduction, which need no reflector: d, e and tau from the trailing 2 x 2 block. */
export function closeTridiagonal(n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * lda + n - 2];
    e[n - 2] = A[(n - 2) * lda + n - 1];
    tau[n - 2] = 0;
  }
  d[n - 1] = A[(n - 1) * lda + n - 1];
  e[n - 1] = 0;
  tau[n - 1] = 0;
}

/**
 * Step k of the reduction: d[k] = A[k][k], and the reflector that zeroes
 * A[k][k+2..] (column k below the subdiagonal, by symmetry) written over
 * A[k][k+1..] (v, leading 1 explicit), e[k] = beta, tau[k]. Returns tau[k]:
 * 0 when the row needs no reflector (then e[k] is its entry and A[k] is left
 * as it was). Shared by tridiagonalize and tridiagonalizeBlocked. O(n - k).
 */
export function reflectRow(n: number, k: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array): number {
  const row = k * lda;
  const x = row + k + 1; // A[k][k+1..n-1]: column k below the diagonal, by symmetry
  const L = n - k - 1;
  d[k] = A[row + k];
  tau[k] = 0;
  let scale = 0;
  for (let i = 0; i < L; i++) {
    const a = Math.abs(A[x + i]);
    if (a > scale) scale = a;
  }
  if (scale === 0) {
    e[k] = 0;
    return 0;
  }
  // A column far below 1 is lifted by 2^lift (exact) so that 1 / scale stays finite; v and t do not depend on it.
  let lift = 0;
  if (scale < SMALL_COLUMN) {
    lift = liftExponent(scale);
    for (let i = 0; i < L; i++) A[x + i] = liftBy(A[x + i], lift);
    scale = liftBy(scale, lift);
  }
  const alpha = A[x];
  const inv = 1 / scale;
  let ssq = 0;
  for (let i = 1; i < L; i++) {
    const v = A[x + i] * inv;
    ssq += v * v;
  }
  if (ssq <= TINY_SSQ) {
    if (lift > 0) for (let i = 0; i < L; i++) A[x + i] = dropBy(A[x + i], lift);
    e[k] = A[x];
    return 0;
  }
  const a = alpha * inv;
  const nrm = scale * Math.sqrt(a * a + ssq);
  const beta = alpha >= 0 ? -nrm : nrm;
  const v0 = alpha - beta;
  const t = (beta - alpha) / beta;
  const iv = 1 / v0;
  for (let i = 1; i < L; i++) A[x + i] *= iv;
  A[x] = 1;
  e[k] = lift > 0 ? dropBy(beta, lift) : beta;
  tau[k] = t;
  return t;
}

/** Forms Qᵀ (n x n, into Z) from the reflectors left by tridiagonalize. O(4n³/3). */
export function tridiagonalQt(n: number, A: Float64Array, lda: number, tau: Float64Array, Z: Float64Array, ldz: number): void {
  for (let i = 0; i < n; i++) {
    Z.fill(0, i * ldz, i * ldz + n);
    Z[i * ldz + i] = 1;
  }
  // Z = I H_{n-3} ... H_0, one row at a time: z -= t (z·v) vᵀ.
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    const x = k * lda + k + 1;
    const L = n - k - 1;
    for (let i = k + 1; i < n; i++) {
      const zi = i * ldz + k + 1;
      const s = dotAt(L, Z, zi, A, x);
      if (s !== 0) axpyAt(L, -t * s, A, x, Z, zi);
    }
  }
}

/**
 * Implicit QL with Wilkinson shifts on the symmetric tridiagonal (d, e)
 * (e[i] couples i and i+1): eigenvalues overwrite d (unsorted), e is
 * destroyed, and every rotation is applied to rows of Z, so that starting
 * from Z = Qᵀ row j ends as eigenvector j. Returns the iterations used, or -1
 * after maxIter. O(n²) for values, O(n³) with vectors.
 */
export function tridiagonalQl(n: number, d: Float64Array, e: Float64Array, Z: Float64Array, ldz: number, maxIter: number): number {
  const small = negligibleCoupling(n, d, e);
  let total = 0;
  for (let l = 0; l < n; l++) {
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        const em = Math.abs(e[m]);
        if (em <= EPS * dd || em <= small) break;
      }
      if (m === l) break;
      if (total >= maxIter) return -1;
      total++;
      // Shift: the eigenvalue of the leading 2 x 2 block nearer d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = hyp(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      let split = false;
      for (; i >= l; i--) {
        const f = s * e[i], b = c * e[i];
        r = hyp(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // The rotation underflowed: the matrix splits here; restart on the smaller block.
          d[i + 1] -= p;
          e[m] = 0;
          split = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        rotRows(n, Z, i * ldz, Z, (i + 1) * ldz, c, s);
      }
      if (split) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return total;
}

/** Doubles of tridiagonalQlBatched's work that batch up to 32 full-length QL iterations. */
export function tridiagonalQlWorkSize(n: number): number {
  return 32 * (4 + 2 * Math.max(n, 1));
}

/**
 * tridiagonalQl whose WASM kernel records the rotations in `work` (lwork >=
 * 4 + 2n doubles; tridiagonalQlWorkSize(n) batches up to 32 iterations) and
 * applies them to Z in batches, 8 columns at a time, each entry getting the
 * same operations in the same order (so the same bits as this twin, which
 * rotates at once). Returns -2, doing nothing, when lwork is below 4 + 2n.
 */
export function tridiagonalQlBatched(
  n: number, d: Float64Array, e: Float64Array, Z: Float64Array, ldz: number, maxIter: number, work: Float64Array, lwork: number,
): number {
  if (lwork < 4 + 2 * n) return -2;
  return tridiagonalQl(n, d, e, Z, ldz, maxIter);
}

/** Doubles of work tridiagonalApplyQt(m, n, ...) takes (the WASM kernel's GEMM packing, T, VᵀV, the panel, W). */
export function tridiagonalApplyQtWorkSize(m: number, n: number): number {
  return gemmWorkSize() + 2 * QR_NB * QR_NB + QR_NB * (Math.max(m, 1) + Math.max(n, 1));
}

/**
 * C (m x n, leading dimension ldc) = C Qᵀ for Q = H_0 ... H_{n-3}, the
 * reflectors tridiagonalizeUpper left in A (LAPACK's dormtr from the right):
 * eigenvectors of the tridiagonal in C's rows become the matrix's. Here each
 * reflector in turn, the last first, on every row (dot and axpy); the WASM
 * kernel takes them by panels of QR_NB as block reflectors I - V T Vᵀ
 * (qr-blocked's formT) and applies each by two GEMMs, so the two agree to
 * rounding, not bit for bit. `work` holds tridiagonalApplyQtWorkSize(m, n)
 * (unused here). O(2mn²).
 */
export function tridiagonalApplyQt(
  m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, C: Float64Array, ldc: number, work: Float64Array,
): void {
  void work;
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    const x = k * lda + k + 1, L = n - k - 1;
    for (let i = 0; i < m; i++) {
      const ci = i * ldc + k + 1;
      const s = dotAt(L, C, ci, A, x);
      if (s !== 0) axpyAt(L, -t * s, A, x, C, ci);
    }
  }
}
