// Blocked (compact-WY) Householder QR and thin Q on row-major storage.
// Mirrored in src/kernels/qr-blocked.ts.
//
// The columns are taken in panels of QR_NB. A panel (mm x kb) is copied into a
// buffer Vc that holds its columns as contiguous rows, and factored there as
// LAPACK's dgeqr2 does on column-major storage, so every inner loop is a long
// SIMD dot or axpy down a column (on the row-major matrix a panel's rows are
// only kb long). The factored panel goes back into A (R above, reflectors
// below, the same values householderQr computes), and Vc keeps the reflectors
// with explicit unit diagonal and zeros above it: V, stored transposed.
//
// The panel's reflectors make one block reflector H = I - V T Vᵀ (Schreiber-
// Van Loan compact WY; T upper triangular, built column by column as LAPACK's
// dlarft, forward). Hᵀ reaches all trailing columns C at once as in dlarfb:
// W = Vᵀ C (GEMM), W = Tᵀ W (triangular, in place), C -= V W (GEMM), so the
// O(mn²) part runs in GEMM instead of in rank-1 updates.
//
// The thin Q is formed backwards over the panels (as dorgqr): Q starts as
// [I; 0] and each block reflector H is applied to Q[j:m, j:k], its own panel's
// columns (still identity) included, so that part is GEMM as well.
//
// Results agree with householderQr / householderQ to rounding: the same
// reflectors (same tau, same v, same sign convention), applied in another order.
import { gemm, GEMM_WORK_F64 } from "./gemm";
import { axpy, dot, scal } from "./blas1";
import { householderQ, householderQr, householderVector } from "./householder";
import { at, ld, st } from "./rotation";

/**
 * Panel width. Measured against 16, 24, 48 and 64 (QR plus Q of 200 x 100,
 * 1000 x 200, 4000 x 500, 1e5 x 50, 1500 x 1500): 32 was best or within noise
 * of the best everywhere.
 */
export const QR_NB: i32 = 32;
/**
 * The blocked path runs when k = min(m, n) > QR_NB and m k >= QR_CROSSOVER
 * (for Q: k > QR_NB and m k >= QR_CROSSOVER); otherwise the unblocked kernels,
 * which were as fast or faster there (speed-up of QR plus Q, blocked over
 * unblocked: 64 x 64 0.75x, 96 x 96 0.98x, 128 x 128 1.14x, 100 x 40 0.90x,
 * 300 x 40 1.15x, 80 x 400 1.02x, 40 x 1000 0.69x).
 */
export const QR_CROSSOVER: i32 = 12000;

@inline function blocked(m: i32, n: i32): bool {
  const k = min(m, n);
  return k > QR_NB && <i64>m * <i64>k >= <i64>QR_CROSSOVER;
}

/**
 * Doubles of scratch householderQrBlocked(m, n, ...) needs, and
 * householderQBlocked(m, k, ...) with n = k: max(n, 1) on the unblocked path
 * (min(m, n) <= QR_NB or m min(m, n) < QR_CROSSOVER), else
 * GEMM_WORK_F64 + 2 QR_NB² + QR_NB (m + n): GEMM packing, T, VᵀV, the
 * transposed panel Vc, W.
 */
export function qrBlockedWorkSize(m: i32, n: i32): i32 {
  if (m <= 0 || n <= 0) return 1;
  if (!blocked(m, n)) return max(n, 1);
  return GEMM_WORK_F64 + 2 * QR_NB * QR_NB + QR_NB * (m + n);
}

/**
 * Factors the panel Vc (kb rows of mm: row c is column c of the panel) in
 * place, with householderQr's arithmetic per reflector but along rows of Vc.
 */
function panelQr(mm: i32, kb: i32, Vc: usize, tau: usize): void {
  for (let j = 0; j < kb; j++) {
    const x = at(Vc, mm, j, j); // column j from its diagonal entry down
    const L = mm - j - 1;
    if (!householderVector(x, 8, L, tau + (<usize>j << 3))) continue;
    const t = ld(tau, j);
    for (let c = j + 1; c < kb; c++) {
      const y = at(Vc, mm, c, j);
      const w = load<f64>(y) + dot(L, x + 8, y + 8);
      store<f64>(y, load<f64>(y) - t * w);
      axpy(L, -t * w, x + 8, y + 8);
    }
  }
}

/** Rows per tile of the panel transposes: each column of a tile is one contiguous run of Vc. */
const TILE: i32 = 16;

/**
 * Vc (kb x mm) = the panel P (mm x kb, leading dimension lda) transposed, by
 * tiles of TILE rows: a row-at-a-time transpose would store kb entries mm apart
 * (a cache line and often a page each), which dominated tall panels.
 */
function loadPanel(mm: i32, kb: i32, P: usize, lda: i32, Vc: usize): void {
  for (let i0 = 0; i0 < mm; i0 += TILE) {
    const i1 = min(i0 + TILE, mm);
    for (let c = 0; c < kb; c++) {
      const d = at(Vc, mm, c, 0);
      for (let i = i0; i < i1; i++) store<f64>(d + (<usize>i << 3), load<f64>(at(P, lda, i, c)));
    }
  }
}

/** The panel P (mm x kb, leading dimension lda) = Vcᵀ, by tiles of TILE rows (see loadPanel). */
function storePanel(mm: i32, kb: i32, Vc: usize, P: usize, lda: i32): void {
  for (let i0 = 0; i0 < mm; i0 += TILE) {
    const i1 = min(i0 + TILE, mm);
    for (let c = 0; c < kb; c++) {
      const s = at(Vc, mm, c, 0);
      for (let i = i0; i < i1; i++) store<f64>(at(P, lda, i, c), load<f64>(s + (<usize>i << 3)));
    }
  }
}

/** Vc (kb x mm) = V transposed, from the reflectors below the diagonal of P: unit diagonal, zeros above. */
function loadReflectors(mm: i32, kb: i32, P: usize, lda: i32, Vc: usize): void {
  loadPanel(mm, kb, P, lda, Vc);
  unitUpper(mm, kb, Vc);
}

@inline function unitUpper(mm: i32, kb: i32, Vc: usize): void {
  for (let c = 0; c < kb; c++) {
    const r = at(Vc, mm, c, 0);
    memory.fill(r, 0, <usize>c << 3);
    store<f64>(r + (<usize>c << 3), 1.0);
  }
}

/**
 * T (kb x kb, upper) of H_0 ... H_{kb-1} = I - V T Vᵀ for V = Vcᵀ:
 * T[0:i, i] = -tau_i T[0:i, 0:i] (V[:, 0:i]ᵀ v_i), T[i][i] = tau_i.
 * A zero tau_i leaves row and column i of T zero, so v_i never enters.
 * S (kb x kb) = VᵀV = Vc Vcᵀ by one GEMM (one pass over the panel; the
 * kb²/2 separate dot products it replaces each streamed two columns).
 */
export function formT(mm: i32, kb: i32, Vc: usize, tau: usize, T: usize, S: usize, gw: usize): void {
  gemm(false, true, kb, kb, mm, 1.0, Vc, mm, Vc, mm, 0.0, S, kb, gw);
  for (let i = 0; i < kb; i++) {
    const t = ld(tau, i);
    for (let r = 0; r < i; r++) {
      let s: f64 = 0;
      if (t != 0) for (let p = r; p < i; p++) s += load<f64>(at(T, kb, r, p)) * load<f64>(at(S, kb, p, i));
      store<f64>(at(T, kb, r, i), -t * s);
    }
    store<f64>(at(T, kb, i, i), t);
    for (let r = i + 1; r < kb; r++) store<f64>(at(T, kb, r, i), 0.0);
  }
}

/**
 * C (mm x nt, leading dimension ldc) = op(H) C with H = I - V T Vᵀ, V = Vcᵀ:
 * Hᵀ when trans (QR's trailing update), H otherwise (forming Q). W holds kb x nt.
 */
function applyBlock(trans: bool, mm: i32, nt: i32, kb: i32, Vc: usize, T: usize, C: usize, ldc: i32, W: usize, gw: usize): void {
  gemm(false, false, kb, nt, mm, 1.0, Vc, mm, C, ldc, 0.0, W, nt, gw);
  // W = op(T) W in place, each new row from rows not yet overwritten.
  for (let q = 0; q < kb; q++) {
    const i = trans ? kb - 1 - q : q;
    const wi = at(W, nt, i, 0);
    scal(nt, load<f64>(at(T, kb, i, i)), wi);
    const p0 = trans ? 0 : i + 1, p1 = trans ? i : kb;
    for (let p = p0; p < p1; p++) {
      const tp = trans ? load<f64>(at(T, kb, p, i)) : load<f64>(at(T, kb, i, p));
      if (tp != 0) axpy(nt, tp, at(W, nt, p, 0), wi);
    }
  }
  gemm(true, false, mm, nt, kb, -1.0, Vc, mm, W, nt, 1.0, C, ldc, gw);
}

/**
 * householderQr's result (R above with diagonal >= 0, reflectors below with
 * v[j] = 1 implicit, tau of min(m, n)) by panels of QR_NB with level-3
 * trailing updates. work: qrBlockedWorkSize(m, n) doubles.
 */
export function householderQrBlocked(m: i32, n: i32, A: usize, lda: i32, tau: usize, work: usize): void {
  if (!blocked(m, n)) {
    householderQr(m, n, A, lda, tau, work);
    return;
  }
  const k = min(m, n);
  const nb2 = <usize>(QR_NB * QR_NB) << 3;
  const gw = work;
  const T = gw + (<usize>GEMM_WORK_F64 << 3);
  const S = T + nb2, Vc = S + nb2;
  const W = Vc + (<usize>(QR_NB * m) << 3);
  for (let j = 0; j < k; j += QR_NB) {
    const kb = min(QR_NB, k - j);
    const mm = m - j;
    const P = at(A, lda, j, j);
    const tj = tau + (<usize>j << 3);
    loadPanel(mm, kb, P, lda, Vc);
    panelQr(mm, kb, Vc, tj);
    storePanel(mm, kb, Vc, P, lda);
    const nt = n - j - kb;
    if (nt <= 0) continue;
    unitUpper(mm, kb, Vc);
    formT(mm, kb, Vc, tj, T, S, gw);
    applyBlock(true, mm, nt, kb, Vc, T, at(A, lda, j, j + kb), lda, W, gw);
  }
}

/**
 * householderQ's result, the thin Q (m x k) = H_0 ... H_{k-1} [I_k; 0] from
 * the first k reflectors in A, formed backwards over panels of QR_NB with
 * level-3 updates. work: qrBlockedWorkSize(m, k) doubles.
 */
export function householderQBlocked(m: i32, k: i32, A: usize, lda: i32, tau: usize, Q: usize, ldq: i32, work: usize): void {
  if (!blocked(m, k)) {
    householderQ(m, k, A, lda, tau, Q, ldq, work);
    return;
  }
  const nb2 = <usize>(QR_NB * QR_NB) << 3;
  const gw = work;
  const T = gw + (<usize>GEMM_WORK_F64 << 3);
  const S = T + nb2, Vc = S + nb2;
  const W = Vc + (<usize>(QR_NB * m) << 3);
  for (let i = 0; i < m; i++) memory.fill(at(Q, ldq, i, 0), 0, <usize>k << 3);
  for (let j = ((k - 1) / QR_NB) * QR_NB; j >= 0; j -= QR_NB) {
    const kb = min(QR_NB, k - j);
    const mm = m - j;
    const tj = tau + (<usize>j << 3);
    for (let i = 0; i < kb; i++) store<f64>(at(Q, ldq, j + i, j + i), 1.0);
    loadReflectors(mm, kb, at(A, lda, j, j), lda, Vc);
    formT(mm, kb, Vc, tj, T, S, gw);
    applyBlock(false, mm, k - j, kb, Vc, T, at(Q, ldq, j, j), ldq, W, gw);
  }
}
