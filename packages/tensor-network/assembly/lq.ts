// Unblocked Householder LQ of a block of rows, the inner step of the
// tensor-train's blocked LQ (src/factor.ts, fatR). Mirrored in src/kernels/lq.ts
// (lqRows): the same reflectors, each along a contiguous row, so the whole
// block is one call instead of O(m²) level-1 calls from JavaScript.
import { axpy, dot, nrm2, scal } from "../../linalg/assembly/blas1";
import { gemm } from "../../linalg/assembly/gemm";

/**
 * LQ in place of the m x L block B (row-major, leading dimension ld,
 * m <= L): on return its lower triangle holds L (B = L Q); the reflectors
 * are left to the right of the diagonal (not needed by the caller).
 * O(2 m² L).
 */
export function lqRows(m: i32, L: i32, B: usize, ld: i32): void {
  for (let j = 0; j < m; j++) {
    const x = B + ((<usize>j * <usize>ld + <usize>j) << 3);
    const len = L - j;
    const alpha = load<f64>(x);
    const sigma = len > 1 ? nrm2(len - 1, x + 8) : 0.0;
    if (sigma == 0) continue;
    const beta = (alpha >= 0 ? -1.0 : 1.0) * Math.hypot(alpha, sigma);
    const tau = (beta - alpha) / beta;
    scal(len - 1, 1.0 / (alpha - beta), x + 8);
    store<f64>(x, beta);
    for (let i = j + 1; i < m; i++) {
      const y = B + ((<usize>i * <usize>ld + <usize>j) << 3);
      const w = load<f64>(y) + dot(len - 1, x + 8, y + 8);
      store<f64>(y, load<f64>(y) - tau * w);
      axpy(len - 1, -tau * w, x + 8, y + 8);
    }
  }
}

// ---------------------------------------------------------------------------
// Blocked LQ of a wide matrix, for the R factor of its transpose.
//
// The jacobi route of the unfoldings needs only R of Aᵀ = Q R for a wide
// m x n A (m <= n). linalg's householderQrBlocked on the transposed copy
// copies each panel back into contiguous rows (they are rows of A) and
// factors it by level-1 dot/axpy over its whole length; with panels of 32
// columns of 10^4 entries that level-1 part was about two thirds of the time.
// Here the panels are rows of A in place (no transposes), each panel is
// factored in sub-panels of LQ_IB rows whose block reflectors reach the rest
// of the panel by GEMM, and the panels' block reflectors reach the trailing
// rows by GEMM, reading the reflectors in place (only their kb x kb
// triangle is copied): C <- C H with H = I - V T Vᵀ (compact WY, as dlarfb from the
// right), W = C V, W = W T, C -= W Vᵀ. The reflectors are householderQr's
// (same tau, same v, same sign convention: the diagonal of L is >= 0), so R
// agrees with the QR route to rounding.

/** Rows per panel (trailing update by GEMM) and per sub-panel (level-1 inside). */
export const LQ_NB: i32 = 32;
export const LQ_IB: i32 = 8;
const TINY_SSQ: f64 = 1e-280;

/** Doubles of `work` lqR(m, n, ...) takes. */
export function lqRWorkSize(m: i32, n: i32): i32 {
  return 3 * LQ_NB * LQ_NB + 3 * LQ_IB * LQ_IB + m * LQ_NB + LQ_NB * LQ_IB + m;
}

/**
 * Householder reflector of the row x (len entries, x[0] the diagonal), as
 * householderQr computes it: x becomes [beta, v[1:]] (v[0] = 1 implicit);
 * returns tau (0: nothing to reflect, x untouched).
 */
function reflector(len: i32, x: usize): f64 {
  const L = len - 1;
  const alpha = load<f64>(x);
  let scale = Math.abs(alpha);
  for (let i = 1; i <= L; i++) {
    const a = Math.abs(load<f64>(x + (<usize>i << 3)));
    if (a > scale) scale = a;
  }
  if (scale == 0) return 0;
  const inv = 1.0 / scale;
  let ssq: f64 = 0;
  for (let i = 1; i <= L; i++) {
    const v = load<f64>(x + (<usize>i << 3)) * inv;
    ssq += v * v;
  }
  if (alpha > 0 && ssq <= TINY_SSQ) return 0;
  const a = alpha * inv;
  const beta = scale * Math.sqrt(a * a + ssq);
  const v0 = alpha <= 0 ? alpha - beta : -(ssq * scale) * (scale / (alpha + beta));
  store<f64>(x, beta);
  scal(L, 1.0 / v0, x + 8);
  return -v0 / beta;
}

/** Unblocked LQ of the kb x mm rows at P (leading dimension ld), tau (kb). */
function lqUnblocked(kb: i32, mm: i32, P: usize, ld: i32, tau: usize): void {
  for (let j = 0; j < kb; j++) {
    const x = P + ((<usize>j * <usize>ld + <usize>j) << 3);
    const L = mm - j - 1;
    const t = reflector(mm - j, x);
    store<f64>(tau + (<usize>j << 3), t);
    if (t == 0) continue;
    for (let c = j + 1; c < kb; c++) {
      const y = P + ((<usize>c * <usize>ld + <usize>j) << 3);
      const w = load<f64>(y) + dot(L, x + 8, y + 8);
      store<f64>(y, load<f64>(y) - t * w);
      axpy(L, -t * w, x + 8, y + 8);
    }
  }
}

/**
 * The reflectors of the kb rows at P (leading dimension ld, row c's
 * diagonal at column c) as V = [V1 | V2]: V1 (kb x kb, into V1) unit upper
 * triangular, copied; V2 (kb x (mm - kb)) is read in place at P + kb.
 */
function loadV1(kb: i32, P: usize, ld: i32, V1: usize): void {
  for (let c = 0; c < kb; c++) {
    const r = V1 + ((<usize>c * <usize>kb) << 3);
    for (let q = 0; q < c; q++) store<f64>(r + (<usize>q << 3), 0.0);
    store<f64>(r + (<usize>c << 3), 1.0);
    for (let q = c + 1; q < kb; q++) store<f64>(r + (<usize>q << 3), load<f64>(P + ((<usize>c * <usize>ld + <usize>q) << 3)));
  }
}

/**
 * T (kb x kb, upper) of H_0 ... H_{kb-1} = I - Vᵀ T V, as linalg's formT:
 * S = V Vᵀ, T[0:i, i] = -tau_i T[0:i, 0:i] S[0:i, i]. Only S's blocks on
 * and above the diagonal (blocks of LQ_IB rows) are read, so only they are
 * formed.
 */
function formT(mm: i32, kb: i32, V1: usize, V2: usize, ld: i32, tau: usize, T: usize, S: usize, gw: usize): void {
  gemm(false, true, kb, kb, kb, 1.0, V1, kb, V1, kb, 0.0, S, kb, gw);
  const w = mm - kb;
  for (let a0 = 0; a0 < kb; a0 += LQ_IB) {
    const ib = min(LQ_IB, kb - a0);
    const Va = V2 + ((<usize>a0 * <usize>ld) << 3);
    gemm(false, true, ib, kb - a0, w, 1.0, Va, ld, Va, ld, 1.0, S + (<usize>(a0 * kb + a0) << 3), kb, gw);
  }
  for (let i = 0; i < kb; i++) {
    const t = load<f64>(tau + (<usize>i << 3));
    for (let r = 0; r < i; r++) {
      let s: f64 = 0;
      if (t != 0) {
        for (let p = r; p < i; p++) s += load<f64>(T + (<usize>(r * kb + p) << 3)) * load<f64>(S + (<usize>(p * kb + i) << 3));
      }
      store<f64>(T + (<usize>(r * kb + i) << 3), -t * s);
    }
    store<f64>(T + (<usize>(i * kb + i) << 3), t);
    for (let r = i + 1; r < kb; r++) store<f64>(T + (<usize>(r * kb + i) << 3), 0.0);
  }
}

/**
 * C (nt x mm, leading dimension ldc) = C (I - Vᵀ T V) with V = [V1 | V2]
 * (kb x mm, see loadV1): W = C Vᵀ, W = W T, C -= W V. W holds nt x kb.
 */
function applyRight(nt: i32, mm: i32, kb: i32, V1: usize, V2: usize, ld: i32, T: usize, C: usize, ldc: i32, W: usize, gw: usize): void {
  const w = mm - kb, C2 = C + (<usize>kb << 3);
  gemm(false, true, nt, kb, kb, 1.0, C, ldc, V1, kb, 0.0, W, kb, gw);
  gemm(false, true, nt, kb, w, 1.0, C2, ldc, V2, ld, 1.0, W, kb, gw);
  for (let r = 0; r < nt; r++) {
    const wr = W + ((<usize>r * <usize>kb) << 3);
    // New W[r, i] = Σ_{p <= i} W[r, p] T[p, i], from the last column down so the entries read are still old.
    for (let i = kb - 1; i >= 0; i--) {
      let s: f64 = 0;
      for (let p = 0; p <= i; p++) s += load<f64>(wr + (<usize>p << 3)) * load<f64>(T + (<usize>(p * kb + i) << 3));
      store<f64>(wr + (<usize>i << 3), s);
    }
  }
  gemm(false, false, nt, kb, kb, -1.0, W, kb, V1, kb, 1.0, C, ldc, gw);
  gemm(false, false, nt, w, kb, -1.0, W, kb, V2, ld, 1.0, C2, ldc, gw);
}

/**
 * R (m x m, upper; zeros below) of Aᵀ = Q R for the wide m x n A (row-major,
 * leading dimension n, m <= n, not modified), by the blocked LQ of its copy
 * in `copy` (m n doubles): R = Lᵀ. work: lqRWorkSize(m, n) doubles; gw: GEMM
 * packing scratch. O(2 m² n).
 */
export function lqR(m: i32, n: i32, A: usize, R: usize, copy: usize, work: usize, gw: usize): void {
  memory.copy(copy, A, (<usize>m * <usize>n) << 3);
  const nb = LQ_NB, ib = LQ_IB;
  const Vc = work; // V1 of a panel (nb x nb), then of a sub-panel (ib x ib)
  const Vi = Vc + (<usize>(nb * nb) << 3);
  const T = Vi + (<usize>(ib * ib) << 3);
  const S = T + (<usize>(nb * nb) << 3);
  const Ti = S + (<usize>(nb * nb) << 3);
  const Si = Ti + (<usize>(ib * ib) << 3);
  const W = Si + (<usize>(ib * ib) << 3);
  const Wi = W + (<usize>(m * nb) << 3);
  const tau = Wi + (<usize>(nb * ib) << 3);
  for (let j = 0; j < m; j += nb) {
    const kb = min(nb, m - j), mm = n - j;
    const P = copy + ((<usize>j * <usize>n + <usize>j) << 3);
    for (let q = 0; q < kb; q += ib) {
      const qb = min(ib, kb - q), mq = mm - q;
      const Pq = P + ((<usize>q * <usize>n + <usize>q) << 3);
      const tq = tau + (<usize>(j + q) << 3);
      lqUnblocked(qb, mq, Pq, n, tq);
      const nr = kb - q - qb;
      if (nr <= 0) continue;
      loadV1(qb, Pq, n, Vi);
      const V2 = Pq + (<usize>qb << 3);
      formT(mq, qb, Vi, V2, n, tq, Ti, Si, gw);
      applyRight(nr, mq, qb, Vi, V2, n, Ti, Pq + ((<usize>qb * <usize>n) << 3), n, Wi, gw);
    }
    const nt = m - j - kb;
    if (nt <= 0) continue;
    loadV1(kb, P, n, Vc);
    const V2 = P + (<usize>kb << 3);
    formT(mm, kb, Vc, V2, n, tau + (<usize>j << 3), T, S, gw);
    applyRight(nt, mm, kb, Vc, V2, n, T, P + ((<usize>kb * <usize>n) << 3), n, W, gw);
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      store<f64>(R + (<usize>(i * m + j) << 3), j >= i ? load<f64>(copy + ((<usize>j * <usize>n + <usize>i) << 3)) : 0.0);
    }
  }
}
