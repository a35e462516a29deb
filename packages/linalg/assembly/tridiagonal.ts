// Symmetric eigendecomposition: Householder tridiagonalisation (reflectors
// taken from contiguous rows, using symmetry), Qᵀ formed row by row, then
// implicit QL with Wilkinson shifts rotating rows of Qᵀ. Mirrored in
// src/kernels/tridiagonal.ts; public API in src/eigh.ts.
import { axpy, dot, scal } from "./blas1";
import { gemm, GEMM_WORK_F64 } from "./gemm";
import { formT, QR_NB } from "./qr-blocked";
import { at, hyp, ld, rotRows, st } from "./rotation";
import { dropBy, liftBy, liftExponent, pow2 } from "./scale";
import { batchApply, batchClear, batchClose, batchEmpty, batchFits, batchOpen, batchStart, batchStep } from "./rotation-batch";

const TINY_SSQ: f64 = 1e-280;
const EPS: f64 = 2.220446049250313e-16;

export function tridiagonalize(n: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize, work: usize): void {
  reduce(n, A, lda, d, e, tau, work, false);
}

/** tridiagonalize on the upper triangle only (dsytd2; see src/kernels/tridiagonal.ts). */
export function tridiagonalizeUpper(n: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize, work: usize): void {
  reduce(n, A, lda, d, e, tau, work, true);
}

/** The last two steps of a reduction, which need no reflector: d, e and tau from the trailing 2 x 2 block. */
export function closeTridiagonal(n: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize): void {
  if (n >= 2) {
    st(d, n - 2, load<f64>(at(A, lda, n - 2, n - 2)));
    st(e, n - 2, load<f64>(at(A, lda, n - 2, n - 1)));
    st(tau, n - 2, 0);
  }
  st(d, n - 1, load<f64>(at(A, lda, n - 1, n - 1)));
  st(e, n - 1, 0);
  st(tau, n - 1, 0);
}

/** Step k of the reduction (see src/kernels/tridiagonal.ts reflectRow): returns tau[k], 0 when no reflector. */
export function reflectRow(n: i32, k: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize): f64 {
  const x = at(A, lda, k, k + 1);
  const L = n - k - 1;
  st(d, k, load<f64>(at(A, lda, k, k)));
  st(tau, k, 0);
  let scale: f64 = 0;
  for (let i = 0; i < L; i++) {
    const a = Math.abs(ld(x, i));
    if (a > scale) scale = a;
  }
  if (scale == 0) {
    st(e, k, 0);
    return 0;
  }
  // A column far below 1 is lifted by 2^lift (exact) so that 1 / scale stays finite; v and t do not depend on it.
  let lift = 0;
  if (scale < pow2(-600)) {
    lift = liftExponent(scale);
    for (let i = 0; i < L; i++) st(x, i, liftBy(ld(x, i), lift));
    scale = liftBy(scale, lift);
  }
  const alpha = load<f64>(x);
  const inv = 1.0 / scale;
  let ssq: f64 = 0;
  for (let i = 1; i < L; i++) {
    const v = ld(x, i) * inv;
    ssq += v * v;
  }
  if (ssq <= TINY_SSQ) {
    if (lift > 0) for (let i = 0; i < L; i++) st(x, i, dropBy(ld(x, i), lift));
    st(e, k, load<f64>(x));
    return 0;
  }
  const a = alpha * inv;
  const nrm = scale * Math.sqrt(a * a + ssq);
  const beta = alpha >= 0 ? -nrm : nrm;
  const v0 = alpha - beta;
  const t = (beta - alpha) / beta;
  const iv = 1.0 / v0;
  for (let i = 1; i < L; i++) st(x, i, ld(x, i) * iv);
  store<f64>(x, 1.0);
  st(e, k, lift > 0 ? dropBy(beta, lift) : beta);
  st(tau, k, t);
  return t;
}

@inline function reduce(n: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize, work: usize, upper: bool): void {
  for (let k = 0; k < n - 2; k++) {
    const t = reflectRow(n, k, A, lda, d, e, tau);
    if (t == 0) continue;
    const x = at(A, lda, k, k + 1);
    const L = n - k - 1;
    const a22 = at(A, lda, k + 1, k + 1);
    const rs = <usize>lda << 3;
    if (upper) {
      memory.fill(work, 0, <usize>L << 3);
      for (let i = 0; i < L; i++) {
        const ri = a22 + <usize>i * rs, o = <usize>i << 3;
        st(work, i, ld(work, i) + dot(L - i, ri + o, x + o));
        axpy(L - i - 1, ld(x, i), ri + o + 8, work + o + 8);
      }
      for (let i = 0; i < L; i++) st(work, i, ld(work, i) * t);
    } else {
      for (let i = 0; i < L; i++) st(work, i, t * dot(L, a22 + <usize>i * rs, x));
    }
    const K = 0.5 * t * dot(L, work, x);
    axpy(L, -K, x, work);
    for (let i = 0; i < L; i++) {
      const ri = a22 + <usize>i * rs;
      const c0 = upper ? i : 0, o = <usize>c0 << 3;
      axpy(L - c0, -ld(x, i), work + o, ri + o);
      axpy(L - c0, -ld(work, i), x + o, ri + o);
    }
  }
  closeTridiagonal(n, A, lda, d, e, tau);
}

export function tridiagonalQt(n: i32, A: usize, lda: i32, tau: usize, Z: usize, ldz: i32): void {
  for (let i = 0; i < n; i++) {
    memory.fill(at(Z, ldz, i, 0), 0, <usize>n << 3);
    store<f64>(at(Z, ldz, i, i), 1.0);
  }
  for (let k = n - 3; k >= 0; k--) {
    const t = ld(tau, k);
    if (t == 0) continue;
    const x = at(A, lda, k, k + 1);
    const L = n - k - 1;
    for (let i = k + 1; i < n; i++) {
      const zi = at(Z, ldz, i, k + 1);
      const s = dot(L, zi, x);
      if (s != 0) axpy(L, -t * s, x, zi);
    }
  }
}

/**
 * 2^-511 of the tridiagonal's largest entry: an off-diagonal entry at most
 * this is negligible whatever its neighbours (see src/kernels/tridiagonal.ts).
 */
function negligibleCoupling(n: i32, d: usize, e: usize): f64 {
  let t: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(ld(d, i)), b = Math.abs(ld(e, i));
    if (a > t) t = a;
    if (b > t) t = b;
  }
  return t * pow2(-511);
}

export function tridiagonalQl(n: i32, d: usize, e: usize, Z: usize, ldz: i32, maxIter: i32): i32 {
  return ql(n, d, e, Z, ldz, maxIter, false);
}

/**
 * tridiagonalQl with its rotations recorded in work (lwork >= 4 + 2n doubles)
 * and applied to Z in batches (rotation-batch.ts): the same bits, several
 * times fewer passes over Z. Returns -2, doing nothing, when lwork is smaller.
 */
export function tridiagonalQlBatched(n: i32, d: usize, e: usize, Z: usize, ldz: i32, maxIter: i32, work: usize, lwork: i32): i32 {
  if (lwork < 4 + 2 * n) return -2;
  batchStart(work, lwork);
  const it = ql(n, d, e, Z, ldz, maxIter, true);
  if (!batchEmpty()) batchApply(n, Z, ldz, 0);
  batchClear();
  return it;
}

@inline function ql(n: i32, d: usize, e: usize, Z: usize, ldz: i32, maxIter: i32, batched: bool): i32 {
  const small = negligibleCoupling(n, d, e);
  let total = 0;
  for (let l = 0; l < n; l++) {
    while (true) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(ld(d, m)) + Math.abs(ld(d, m + 1));
        const em = Math.abs(ld(e, m));
        if (em <= EPS * dd || em <= small) break;
      }
      if (m == l) break;
      if (total >= maxIter) return -1;
      total++;
      let g = (ld(d, l + 1) - ld(d, l)) / (2 * ld(e, l));
      let r = hyp(g, 1);
      g = ld(d, m) - ld(d, l) + ld(e, l) / (g + (g >= 0 ? r : -r));
      let s: f64 = 1, c: f64 = 1, p: f64 = 0;
      let split = false;
      if (batched) {
        if (!batchFits(m - l, 2)) {
          batchApply(n, Z, ldz, 0);
          batchClear();
        }
        batchOpen(m, true, 2);
      }
      for (let i = m - 1; i >= l; i--) {
        const f = s * ld(e, i), b = c * ld(e, i);
        r = hyp(f, g);
        st(e, i + 1, r);
        if (r == 0) {
          st(d, i + 1, ld(d, i + 1) - p);
          st(e, m, 0);
          split = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = ld(d, i + 1) - p;
        r = (ld(d, i) - g) * s + 2 * c * b;
        p = s * r;
        st(d, i + 1, g + p);
        g = c * r - b;
        if (batched) batchStep(c, s);
        else rotRows(n, at(Z, ldz, i, 0), at(Z, ldz, i + 1, 0), c, s);
      }
      if (batched) batchClose();
      if (split) continue;
      st(d, l, ld(d, l) - p);
      st(e, l, g);
      st(e, m, 0);
    }
  }
  return total;
}

/**
 * C (m x n, leading dimension ldc) = C Qᵀ for the Q of tridiagonalizeUpper's
 * reflectors in A (dormtr from the right): panels of QR_NB reflectors, last
 * first, each as the block reflector I - V T Vᵀ (qr-blocked's formT) applied
 * by two GEMMs (see src/kernels/tridiagonal.ts).
 * work: GEMM_WORK_F64 + 2 QR_NB² + QR_NB (m + n) doubles.
 */
export function tridiagonalApplyQt(m: i32, n: i32, A: usize, lda: i32, tau: usize, C: usize, ldc: i32, work: usize): void {
  const nr = n - 2;
  if (nr <= 0 || m <= 0) return;
  const nb = QR_NB;
  const nb2 = <usize>(nb * nb) << 3;
  const gw = work;
  const T = gw + (<usize>GEMM_WORK_F64 << 3);
  const S = T + nb2, Vc = S + nb2;
  const W = Vc + (<usize>(nb * n) << 3);
  for (let j = ((nr - 1) / nb) * nb; j >= 0; j -= nb) {
    const kb = min(nb, nr - j), mm = n - j - 1;
    // Row c of Vc: reflector j + c on indices j + 1.., zero before its unit entry.
    for (let c = 0; c < kb; c++) {
      const r = Vc + (<usize>(c * mm) << 3);
      memory.fill(r, 0, <usize>c << 3);
      memory.copy(r + (<usize>c << 3), at(A, lda, j + c, j + 1 + c), <usize>(mm - c) << 3);
    }
    formT(mm, kb, Vc, tau + (<usize>j << 3), T, S, gw);
    const Cj = C + (<usize>(j + 1) << 3);
    // C_j Bᵀ = C_j - (T W)ᵀ Vc with W = Vc C_jᵀ (kb x m).
    gemm(false, true, kb, m, mm, 1.0, Vc, mm, Cj, ldc, 0.0, W, m, gw);
    for (let i = 0; i < kb; i++) {
      const wi = at(W, m, i, 0);
      scal(m, load<f64>(at(T, kb, i, i)), wi);
      for (let p = i + 1; p < kb; p++) {
        const tp = load<f64>(at(T, kb, i, p));
        if (tp != 0) axpy(m, tp, at(W, m, p, 0), wi);
      }
    }
    gemm(true, false, m, mm, kb, -1.0, W, m, Vc, mm, 1.0, Cj, ldc, gw);
  }
}
