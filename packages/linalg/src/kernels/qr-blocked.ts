// TypeScript twin of assembly/qr-blocked.ts: blocked (compact-WY) Householder
// QR and thin Q. The same reflectors, T factors and scratch layout as the WASM
// kernels; the block products are loops here where the WASM kernels call GEMM.
import { LowrankError } from "../errors.js";
import { axpyAt, dotAt } from "./blas1.js";
import { GEMM_WORK_F64 } from "./gemm.js";
import { householderQ, householderQr, householderVector } from "./householder.js";

/** Panel width of the blocked QR kernels (as assembly/qr-blocked.ts QR_NB). */
export const QR_NB = 32;
/**
 * The blocked QR kernels take the blocked path when k = min(m, n) > QR_NB and
 * m k >= QR_CROSSOVER (as assembly/qr-blocked.ts), else the unblocked kernels.
 */
export const QR_CROSSOVER = 12000;

/** Whether householderQrBlocked(m, n) (householderQBlocked(m, k): n = k) takes the blocked path. */
function qrBlocked(m: number, n: number): boolean {
  const k = Math.min(m, n);
  return k > QR_NB && m * k >= QR_CROSSOVER;
}


/**
 * Doubles of `work` that householderQrBlocked(m, n, ...) needs, and
 * householderQBlocked(m, k, ...) with n = k: max(n, 1) on the unblocked path
 * (min(m, n) <= QR_NB or m min(m, n) < QR_CROSSOVER), else
 * 163840 + 2 QR_NB² + QR_NB (m + n): GEMM packing, T, VᵀV, the transposed
 * panel, W. The same number as the WASM export `qrBlockedWorkSize`. O(1).
 *
 * @example
 * const work = ws.f64(qrBlockedWorkSize(m, n));
 * ws.kernels.householderQrBlocked(m, n, a, n, tau, work);
 */
export function qrBlockedWorkSize(m: number, n: number): number {
  if (m <= 0 || n <= 0) return 1;
  if (!qrBlocked(m, n)) return Math.max(n, 1);
  return GEMM_WORK_F64 + 2 * QR_NB * QR_NB + QR_NB * (m + n);
}

/** INVALID_ARGUMENT unless `work` holds qrBlockedWorkSize(m, n) entries (a short scratch would be written past). */
export function checkQrBlockedWork(fn: string, m: number, n: number, work: Float64Array): void {
  const need = qrBlockedWorkSize(m, n);
  if (work.length < need) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: work holds ${work.length} entries, qrBlockedWorkSize(${m}, ${n}) = ${need} needed`);
  }
}

/**
 * Factors the panel held transposed in Vc (kb rows of mm; row c is column c)
 * with householderQr's arithmetic per reflector, along rows of Vc (LAPACK's
 * dgeqr2 on column-major storage). Mirrors assembly/qr-blocked.ts panelQr.
 */
function panelQr(mm: number, kb: number, Vc: Float64Array, tau: Float64Array, to: number): void {
  for (let j = 0; j < kb; j++) {
    const x = j * mm + j;
    const L = mm - j - 1;
    if (!householderVector(Vc, x, 1, L, tau, to + j)) continue;
    const t = tau[to + j];
    for (let c = j + 1; c < kb; c++) {
      const y = c * mm + j;
      const w = Vc[y] + dotAt(L, Vc, x + 1, Vc, y + 1);
      Vc[y] -= t * w;
      axpyAt(L, -t * w, Vc, x + 1, Vc, y + 1);
    }
  }
}

/** Vc (kb x mm) = the panel at A[po..] (mm x kb, leading dimension lda) transposed. */
function loadPanel(mm: number, kb: number, A: Float64Array, po: number, lda: number, Vc: Float64Array): void {
  for (let i = 0; i < mm; i++) for (let c = 0; c < kb; c++) Vc[c * mm + i] = A[po + i * lda + c];
}

/** Makes Vc's rows the reflectors: unit diagonal, zeros before it. */
function unitUpper(mm: number, kb: number, Vc: Float64Array): void {
  for (let c = 0; c < kb; c++) {
    Vc.fill(0, c * mm, c * mm + c);
    Vc[c * mm + c] = 1;
  }
}

/**
 * T (kb x kb, upper) of H_0 ... H_{kb-1} = I - V T Vᵀ for V = Vcᵀ, as LAPACK's
 * dlarft (forward, columnwise); S is scratch for the needed entries of VᵀV
 * (dot products here, one GEMM in assembly/qr-blocked.ts formT).
 */
export function formT(mm: number, kb: number, Vc: Float64Array, tau: Float64Array, to: number, T: Float64Array, S: Float64Array): void {
  for (let i = 0; i < kb; i++) {
    const t = tau[to + i];
    if (t !== 0) {
      for (let p = 0; p < i; p++) S[p * kb + i] = dotAt(mm - i, Vc, p * mm + i, Vc, i * mm + i);
    }
    // T[0:i, i] = -tau_i T[0:i, 0:i] (V[:, 0:i]ᵀ v_i); a zero tau_i leaves row and column i zero.
    for (let r = 0; r < i; r++) {
      let s = 0;
      if (t !== 0) for (let p = r; p < i; p++) s += T[r * kb + p] * S[p * kb + i];
      T[r * kb + i] = -t * s;
    }
    T[i * kb + i] = t;
    for (let r = i + 1; r < kb; r++) T[r * kb + i] = 0;
  }
}

/**
 * C (mm x nt at C[co..], leading dimension ldc) = op(H) C with H = I - V T Vᵀ:
 * Hᵀ when trans, H otherwise (as dlarfb). V (mm x kb) is read from the
 * reflectors below the diagonal at A[po..] (leading dimension lda; unit
 * diagonal and zeros above it implied), row by row, so both products run along
 * contiguous rows of V, C and W and read each row of C once. W holds kb x nt.
 * Mirrors assembly/qr-blocked.ts applyBlock (which reads V from the transposed
 * panel and multiplies by GEMM).
 */
function applyBlock(
  trans: boolean, mm: number, nt: number, kb: number, A: Float64Array, po: number, lda: number, T: Float64Array,
  C: Float64Array, co: number, ldc: number, W: Float64Array,
): void {
  // W = Vᵀ C.
  W.fill(0, 0, kb * nt);
  for (let p = 0; p < mm; p++) {
    const r = po + p * lda, c = co + p * ldc, lo = Math.min(p, kb);
    for (let i = 0; i < lo; i++) {
      const v = A[r + i];
      if (v !== 0) axpyAt(nt, v, C, c, W, i * nt);
    }
    if (p < kb) axpyAt(nt, 1, C, c, W, p * nt);
  }
  // W = op(T) W in place, each new row from rows not yet overwritten.
  for (let q = 0; q < kb; q++) {
    const i = trans ? kb - 1 - q : q;
    const d = T[i * kb + i];
    for (let c = 0; c < nt; c++) W[i * nt + c] *= d;
    const p0 = trans ? 0 : i + 1, p1 = trans ? i : kb;
    for (let p = p0; p < p1; p++) {
      const tp = trans ? T[p * kb + i] : T[i * kb + p];
      if (tp !== 0) axpyAt(nt, tp, W, p * nt, W, i * nt);
    }
  }
  // C -= V W.
  for (let p = 0; p < mm; p++) {
    const r = po + p * lda, c = co + p * ldc, lo = Math.min(p, kb);
    for (let i = 0; i < lo; i++) {
      const v = A[r + i];
      if (v !== 0) axpyAt(nt, -v, W, i * nt, C, c);
    }
    if (p < kb) axpyAt(nt, -1, W, p * nt, C, c);
  }
}

/** The scratch layout of the blocked QR kernels (the same offsets as in WASM; js leaves the GEMM area unused). */
function blockedScratch(work: Float64Array, m: number, n: number) {
  const nb2 = QR_NB * QR_NB;
  let o = GEMM_WORK_F64;
  const T = work.subarray(o, (o += nb2));
  const S = work.subarray(o, (o += nb2));
  const Vc = work.subarray(o, (o += QR_NB * m));
  const W = work.subarray(o, o + QR_NB * n);
  return { T, S, Vc, W };
}

/**
 * householderQr's result (the same R, reflectors and tau up to rounding) by
 * the blocked compact-WY method: panels of QR_NB (32) columns factored in a
 * transposed copy (contiguous columns), each panel's reflectors gathered as
 * I - V T Vᵀ and applied to the trailing columns by GEMM. Runs householderQr
 * itself when min(m, n) <= QR_NB or m min(m, n) < QR_CROSSOVER (12000).
 * `work` holds qrBlockedWorkSize(m, n) entries. O(2mn² - 2n³/3), mostly GEMM.
 */
export function householderQrBlocked(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void {
  checkQrBlockedWork("householderQrBlocked", m, n, work);
  if (!qrBlocked(m, n)) {
    householderQr(m, n, A, lda, tau, work);
    return;
  }
  const k = Math.min(m, n);
  const { T, S, Vc, W } = blockedScratch(work, m, n);
  for (let j = 0; j < k; j += QR_NB) {
    const kb = Math.min(QR_NB, k - j), mm = m - j, po = j * lda + j;
    loadPanel(mm, kb, A, po, lda, Vc);
    panelQr(mm, kb, Vc, tau, j);
    for (let i = 0; i < mm; i++) for (let c = 0; c < kb; c++) A[po + i * lda + c] = Vc[c * mm + i];
    const nt = n - j - kb;
    if (nt <= 0) continue;
    unitUpper(mm, kb, Vc);
    formT(mm, kb, Vc, tau, j, T, S);
    applyBlock(true, mm, nt, kb, A, po, lda, T, A, po + kb, lda, W);
  }
}

/**
 * householderQ's result, the thin Q (m x k) from the first k reflectors in A,
 * formed backwards over panels, each applied as one block reflector by GEMM
 * (runs householderQ itself when k <= QR_NB or m k < QR_CROSSOVER). `work`
 * holds qrBlockedWorkSize(m, k) entries. O(4mk² - 4k³/3), mostly GEMM.
 */
export function householderQBlocked(
  m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array,
): void {
  checkQrBlockedWork("householderQBlocked", m, k, work);
  if (!qrBlocked(m, k)) {
    householderQ(m, k, A, lda, tau, Q, ldq, work);
    return;
  }
  const { T, S, Vc, W } = blockedScratch(work, m, k);
  for (let i = 0; i < m; i++) Q.fill(0, i * ldq, i * ldq + k);
  for (let j = Math.floor((k - 1) / QR_NB) * QR_NB; j >= 0; j -= QR_NB) {
    const kb = Math.min(QR_NB, k - j), mm = m - j;
    for (let i = 0; i < kb; i++) Q[(j + i) * ldq + j + i] = 1;
    loadPanel(mm, kb, A, j * lda + j, lda, Vc);
    unitUpper(mm, kb, Vc);
    formT(mm, kb, Vc, tau, j, T, S);
    applyBlock(false, mm, k - j, kb, A, j * lda + j, lda, T, Q, j * ldq + j, ldq, W);
  }
}
