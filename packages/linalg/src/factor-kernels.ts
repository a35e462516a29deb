import { axpyAt, dotAt } from "./blas-at.js";
import { LowrankError } from "./errors.js";

/**
 * Factorisation kernels (QR, SVD, eigh, Cholesky, triangular solves): the
 * interface and its plain-TypeScript reference. Mirrored by assembly/qr.ts,
 * svd.ts, eigh.ts, cholesky.ts and triangular.ts.
 *
 * Every kernel is one whole algorithm step on row-major views with explicit
 * leading dimensions, works in place, allocates nothing and takes its scratch
 * from the caller. A view's index 0 is the matrix's (0, 0) entry.
 *
 * The reference does the same arithmetic in the same order as the WASM `simd`
 * variant: inner products are summed in the four interleaved partial sums the
 * SIMD `dot` uses (see `dotAt`), elementwise updates (axpy, plane rotations)
 * round identically, so `js` and `simd` results agree to the last bit in most
 * runs; `relaxed-simd` fuses multiply-adds and differs at rounding level.
 */
export interface FactorKernels {
  /**
   * Householder QR in place of A (m x n): on return R (min(m,n) x n) is in the
   * upper triangle with a non-negative diagonal, and the reflectors
   * H_j = I - tau_j v_j v_jᵀ (v_j[j] = 1 implicit, v_j[i] = A[i][j] for i > j)
   * are below it. `tau` holds min(m,n) entries, `work` n. O(2mn² - 2n³/3).
   */
  householderQr(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void;
  /**
   * Forms the thin Q (m x k) = H_0 ... H_{k-1} [I_k; 0] from the first k
   * reflectors left in A by householderQr. `work` holds k entries. O(4mk² - 4k³/3).
   */
  householderQ(m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array): void;
  /**
   * householderQr's result (the same R, reflectors and tau up to rounding) by
   * the blocked compact-WY method: panels of QR_NB (32) columns factored in a
   * transposed copy (contiguous columns), each panel's reflectors gathered as
   * I - V T Vᵀ and applied to the trailing columns by GEMM. Runs householderQr
   * itself when min(m, n) <= QR_NB or m min(m, n) < QR_CROSSOVER (12000).
   * `work` holds qrBlockedWorkSize(m, n) entries. O(2mn² - 2n³/3), mostly GEMM.
   */
  householderQrBlocked(m: number, n: number, A: Float64Array, lda: number, tau: Float64Array, work: Float64Array): void;
  /**
   * householderQ's result, the thin Q (m x k) from the first k reflectors in A,
   * formed backwards over panels, each applied as one block reflector by GEMM
   * (runs householderQ itself when k <= QR_NB or m k < QR_CROSSOVER). `work`
   * holds qrBlockedWorkSize(m, k) entries. O(4mk² - 4k³/3), mostly GEMM.
   */
  householderQBlocked(m: number, k: number, A: Float64Array, lda: number, tau: Float64Array, Q: Float64Array, ldq: number, work: Float64Array): void;
  /**
   * One-sided (Hestenes) Jacobi on the r rows of X (each cw long, leading
   * dimension ldx): rotates pairs of rows until, over their first c entries,
   * every pair is orthogonal to |<x_i,x_j>| <= tol |x_i| |x_j|. Rotations are
   * applied to all cw entries (put an identity in columns c..2c to accumulate
   * them). Rows are sorted by decreasing norm at each sweep (de Rijk) and at the
   * end, when `d` holds the norms of the rows' first c entries. Rows whose
   * squared norm is below 1e-280 times the largest are left alone.
   * Returns the sweeps used, or -1 if maxSweeps passed without convergence.
   * O(sweeps r² (c + cw)).
   */
  jacobiRows(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number): number;
  /**
   * `jacobiRows` for small matrices such as an SVD update's core: scaled
   * rotations (each row kept as D_i y_i, two multiply-adds per entry) and the
   * WASM kernel takes the cyclic sweep's pairs by anti-diagonals so that
   * independent pairs overlap (the same rotations in the same order per row,
   * so the same result). work: 5 r + 5 doubles.
   */
  jacobiRowsScaled(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array, tol: number, maxSweeps: number, work: Float64Array): number;
  /**
   * Householder reduction of the symmetric n x n A (both triangles stored) to
   * tridiagonal form T = Qᵀ A Q: diagonal in d (n), off-diagonal in e
   * (e[i] couples i and i+1, e[n-1] = 0). Reflector k is stored in row k of A,
   * columns k+1.. (leading 1 explicit), tau in tau (n). `work` holds n.
   * O(2n³): both triangles are updated, so every access runs along a row.
   */
  tridiagonalize(n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array): void;
  /** Forms Qᵀ (n x n, into Z) from the reflectors left by tridiagonalize. O(4n³/3). */
  tridiagonalQt(n: number, A: Float64Array, lda: number, tau: Float64Array, Z: Float64Array, ldz: number): void;
  /**
   * Implicit QL with Wilkinson shifts on the symmetric tridiagonal (d, e)
   * (e[i] couples i and i+1): eigenvalues overwrite d (unsorted), e is
   * destroyed, and every rotation is applied to rows of Z, so that starting
   * from Z = Qᵀ row j ends as eigenvector j. Returns the iterations used, or -1
   * after maxIter. O(n²) for values, O(n³) with vectors.
   */
  tridiagonalQl(n: number, d: Float64Array, e: Float64Array, Z: Float64Array, ldz: number, maxIter: number): number;
  /**
   * Cholesky A = L Lᵀ in place (lower triangle read; L written there, strict
   * upper triangle zeroed). Returns 0, or -(j + 1) when pivot j is the first
   * that is not positive (A is then partly overwritten). O(n³/3).
   */
  cholesky(n: number, A: Float64Array, lda: number): number;
  /**
   * Solves op(T) X = B in place of B (n x k, leading dimension ldb), T n x n
   * triangular (lower or upper; op = transpose when trans; diagonal taken as
   * ones when unit). Returns 0, or -(j + 1) when diagonal entry j is zero (B
   * untouched). O(n² k).
   */
  triangularSolve(
    lower: boolean, trans: boolean, unit: boolean, n: number, k: number,
    T: Float64Array, ldt: number, B: Float64Array, ldb: number,
  ): number;
}

/** Euclidean norm scaled by the largest entry (as assembly/blas1.ts `nrm2`). */
export function nrm2At(n: number, x: Float64Array, xo: number): number {
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[xo + i]);
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  // 1 / scale overflows for a subnormal scale: lift the entries by 2^600 (exact) first.
  const lift = scale < TINY_NORM_SCALE;
  if (lift) scale *= 2 ** 600;
  const inv = 1 / scale;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = (lift ? x[xo + i] * 2 ** 600 : x[xo + i]) * inv;
    s += v * v;
  }
  const r = scale * Math.sqrt(s);
  return lift ? r * 2 ** -600 : r;
}

/** Below this largest entry, nrm2 lifts the vector by 2^600 before taking 1 / scale. */
export const TINY_NORM_SCALE = 2 ** -1000;

/**
 * Below this largest |entry| a reflector's column is lifted by a power of two
 * first (1 / scale and the reflector's v0 would leave the normal range).
 */
const SMALL_COLUMN = 2 ** -600;
/** A reflector whose v0 is below this is recomputed from the lifted column (1 / v0 would overflow or lose bits). */
const TINY_V0 = 2 ** -1000;

/**
 * The power of two k >= 0 with 2^k s in [0.5, 1) for 0 < s < 0.5 (found by
 * exact doublings, the same steps as assembly/qr.ts `liftExponent`).
 */
export function liftExponent(s: number): number {
  let k = 0;
  while (s < 2 ** -100) {
    s *= 2 ** 100;
    k += 100;
  }
  while (s < 0.5) {
    s *= 2;
    k++;
  }
  return k;
}

/** x 2^k for 0 <= k <= 2000 as two exact factors (the second rounds once when the result is subnormal). */
export function liftBy(x: number, k: number): number {
  const k1 = k > 1000 ? 1000 : k;
  return x * 2 ** k1 * 2 ** (k - k1);
}

/** x 2^-k for 0 <= k <= 2000: the larger factor first, so that only the last multiplication rounds. */
export function dropBy(x: number, k: number): number {
  const k1 = k > 1000 ? 1000 : k;
  return x * 2 ** -k1 * 2 ** (k1 - k);
}

/** Plane rotation of two rows: x <- c x - s y, y <- s x + c y. */
function rotAt(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const a = x[xo + i], b = y[yo + i];
    x[xo + i] = c * a - s * b;
    y[yo + i] = s * a + c * b;
  }
}

function swapRows(n: number, X: Float64Array, a: number, b: number): void {
  for (let i = 0; i < n; i++) {
    const t = X[a + i];
    X[a + i] = X[b + i];
    X[b + i] = t;
  }
}

/** sqrt(a² + b²) without overflow, the same expression as in assembly/eigh.ts. */
function hyp(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  const mx = x > y ? x : y, mn = x > y ? y : x;
  if (mx === 0) return 0;
  const q = mn / mx;
  return mx * Math.sqrt(1 + q * q);
}

/** Below this relative squared size a reflector's tail is treated as zero (its v would overflow). */
const TINY_SSQ = 1e-280;

/**
 * The reflector mapping X[x], X[x + stride], ..., X[x + L stride] to beta e_1,
 * beta >= 0: stores beta at X[x], v's tail (v[0] = 1 implicit) over the tail
 * and tau at tau[tj] (0 when none is needed); returns whether one was formed.
 * Shared by householderQr (strided columns) and the blocked panels.
 * Mirrors assembly/qr.ts householderVector.
 */
function householderVector(X: Float64Array, x: number, stride: number, L: number, tau: Float64Array, tj: number): boolean {
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
const EPS = 2.220446049250313e-16;

/** Selection sort of rows by decreasing d (stable on ties, same order as the AS kernel). */
function sortRowsDesc(r: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): void {
  for (let i = 0; i < r - 1; i++) {
    let best = i;
    for (let j = i + 1; j < r; j++) if (d[j] > d[best]) best = j;
    if (best !== i) {
      const t = d[i];
      d[i] = d[best];
      d[best] = t;
      swapRows(cw, X, i * ldx, best * ldx);
    }
  }
}

/** |g| <= tol sqrt(a b), compared squared while a b is well inside the normal range (as assembly/jacobi-scaled.ts). */
function orthogonalEnough(a: number, b: number, g: number, tol: number): boolean {
  const ab = a * b;
  if (ab > 1e-290 && ab < 1e290) return g * g <= tol * tol * ab;
  return Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b);
}

/**
 * The Jacobi rotation of a pair (squared norms a, b, inner product g) into
 * out[0..2]: t, cs = 1 / sqrt(1 + t²), sec = 1 / cs, with two square roots and
 * one division (as assembly/jacobi-scaled.ts `rotation`, which derives them).
 */
function jacobiRotation(a: number, b: number, g: number, out: Float64Array): void {
  const h = b - a, g2 = 2 * g;
  const q = h * h + g2 * g2;
  if (q > 1e-280 && q < Infinity) {
    const rq = Math.sqrt(q), u = Math.abs(h) + rq;
    const v = 1 / (u * rq);
    const tt = Math.abs(g2) * v * rq;
    out[0] = (h < 0) !== (g < 0) && h !== 0 ? -tt : tt;
    const s1 = Math.sqrt(0.5 * v);
    out[1] = u * s1;
    out[2] = 2 * rq * s1;
    return;
  }
  const zeta = h / g2, az = Math.abs(zeta);
  const ta = az > 1e150 ? 0.5 / az : 1 / (az + Math.sqrt(1 + az * az));
  const t = zeta < 0 ? -ta : ta;
  out[0] = t;
  out[2] = Math.sqrt(1 + t * t);
  out[1] = 1 / out[2];
}

/** Scaled rotation of two rows: x <- x - al y, y <- y + be x (old x). */
function rotScaledAt(n: number, X: Float64Array, xo: number, yo: number, al: number, be: number): void {
  for (let i = 0; i < n; i++) {
    const a = X[xo + i], b = X[yo + i];
    X[xo + i] = a - al * b;
    X[yo + i] = b + be * a;
  }
}

/** The start of a Jacobi sweep: d_i = |x_i|², rows sorted by decreasing d, and the zero-row threshold (as assembly/svd.ts). */
function sweepStart(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): number {
  for (let i = 0; i < r; i++) d[i] = dotAt(c, X, i * ldx, X, i * ldx);
  sortRowsDesc(r, cw, X, ldx, d);
  return d[0] * 1e-280;
}

/** The end of a Jacobi run: d_i = |x_i|, rows sorted by decreasing d. */
function sweepFinish(r: number, c: number, cw: number, X: Float64Array, ldx: number, d: Float64Array): void {
  for (let i = 0; i < r; i++) d[i] = nrm2At(c, X, i * ldx);
  sortRowsDesc(r, cw, X, ldx, d);
}

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

/** Doubles of GEMM packing scratch the WASM gemm needs (assembly/gemm.ts GEMM_WORK_F64 = MC KC + KC NC). */
const GEMM_WORK_F64 = 128 * 256 + 256 * 512;

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
function formT(mm: number, kb: number, Vc: Float64Array, tau: Float64Array, to: number, T: Float64Array, S: Float64Array): void {
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

export const jsFactorKernels: FactorKernels = {
  householderQr(m, n, A, lda, tau, work) {
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
  },

  householderQ(m, k, A, lda, tau, Q, ldq, work) {
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
  },

  householderQrBlocked(m, n, A, lda, tau, work) {
    checkQrBlockedWork("householderQrBlocked", m, n, work);
    if (!qrBlocked(m, n)) {
      jsFactorKernels.householderQr(m, n, A, lda, tau, work);
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
  },

  householderQBlocked(m, k, A, lda, tau, Q, ldq, work) {
    checkQrBlockedWork("householderQBlocked", m, k, work);
    if (!qrBlocked(m, k)) {
      jsFactorKernels.householderQ(m, k, A, lda, tau, Q, ldq, work);
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
  },

  jacobiRows(r, c, cw, X, ldx, d, tol, maxSweeps) {
    let sweeps = -1;
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      const tiny = sweepStart(r, c, cw, X, ldx, d);
      let rotated = 0;
      for (let i = 0; i < r - 1; i++) {
        for (let j = i + 1; j < r; j++) {
          const a = d[i], b = d[j];
          if (a <= tiny || b <= tiny) continue;
          const g = dotAt(c, X, i * ldx, X, j * ldx);
          if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
          rotated++;
          const zeta = (b - a) / (2 * g);
          const az = Math.abs(zeta);
          const ta = az > 1e150 ? 0.5 / az : 1 / (az + Math.sqrt(1 + az * az));
          const t = zeta < 0 ? -ta : ta;
          const cs = 1 / Math.sqrt(1 + t * t);
          const sn = cs * t;
          rotAt(cw, X, i * ldx, X, j * ldx, cs, sn);
          d[i] = a - t * g;
          d[j] = b + t * g;
        }
      }
      if (rotated === 0) {
        sweeps = sweep + 1;
        break;
      }
    }
    sweepFinish(r, c, cw, X, ldx, d);
    return sweeps;
  },

  jacobiRowsScaled(r, c, cw, X, ldx, d, tol, maxSweeps, work) {
    // The cyclic sweep; the WASM kernel's anti-diagonal order applies the same rotations to each row in the same order.
    const D = work.subarray(0, r), E = work.subarray(r, 2 * r), rot = work.subarray(2 * r, 2 * r + 3);
    let sweeps = -1;
    D.fill(1);
    E.fill(1);
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      const tiny = sweepStart(r, c, cw, X, ldx, d);
      let rotated = 0;
      for (let i = 0; i < r - 1; i++) {
        for (let j = i + 1; j < r; j++) {
          const a = d[i], b = d[j];
          if (a <= tiny || b <= tiny) continue;
          const di = D[i], dj = D[j], ei = E[i], ej = E[j];
          const g = di * dj * dotAt(c, X, i * ldx, X, j * ldx);
          if (orthogonalEnough(a, b, g, tol)) continue;
          rotated++;
          jacobiRotation(a, b, g, rot);
          const t = rot[0];
          rotScaledAt(cw, X, i * ldx, j * ldx, t * dj * ei, t * di * ej);
          D[i] = di * rot[1];
          D[j] = dj * rot[1];
          E[i] = ei * rot[2];
          E[j] = ej * rot[2];
          d[i] = a - t * g;
          d[j] = b + t * g;
        }
      }
      for (let i = 0; i < r; i++) {
        const s = D[i];
        if (s === 1) continue;
        for (let q = 0; q < cw; q++) X[i * ldx + q] *= s;
        D[i] = 1;
        E[i] = 1;
      }
      if (rotated === 0) {
        sweeps = sweep + 1;
        break;
      }
    }
    sweepFinish(r, c, cw, X, ldx, d);
    return sweeps;
  },

  tridiagonalize(n, A, lda, d, e, tau, work) {
    for (let k = 0; k < n - 2; k++) {
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
        continue;
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
        continue;
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
      // A22 -= v wᵀ + w vᵀ with p = t A22 v, w = p - (t/2)(pᵀv) v.
      const a22 = (k + 1) * lda + k + 1;
      for (let i = 0; i < L; i++) work[i] = t * dotAt(L, A, a22 + i * lda, A, x);
      const K = 0.5 * t * dotAt(L, work, 0, A, x);
      axpyAt(L, -K, A, x, work, 0);
      for (let i = 0; i < L; i++) {
        const ri = a22 + i * lda;
        axpyAt(L, -A[x + i], work, 0, A, ri);
        axpyAt(L, -work[i], A, x, A, ri);
      }
    }
    if (n >= 2) {
      d[n - 2] = A[(n - 2) * lda + n - 2];
      e[n - 2] = A[(n - 2) * lda + n - 1];
      tau[n - 2] = 0;
    }
    d[n - 1] = A[(n - 1) * lda + n - 1];
    e[n - 1] = 0;
    tau[n - 1] = 0;
  },

  tridiagonalQt(n, A, lda, tau, Z, ldz) {
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
  },

  tridiagonalQl(n, d, e, Z, ldz, maxIter) {
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
          rotAt(n, Z, i * ldz, Z, (i + 1) * ldz, c, s);
        }
        if (split) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    }
    return total;
  },

  cholesky(n, A, lda) {
    for (let i = 0; i < n; i++) {
      const ri = i * lda;
      for (let j = 0; j < i; j++) {
        const rj = j * lda;
        A[ri + j] = (A[ri + j] - dotAt(j, A, ri, A, rj)) / A[rj + j];
      }
      const dd = A[ri + i] - dotAt(i, A, ri, A, ri);
      if (!(dd > 0)) return -(i + 1);
      A[ri + i] = Math.sqrt(dd);
      A.fill(0, ri + i + 1, ri + n);
    }
    return 0;
  },

  triangularSolve(lower, trans, unit, n, k, T, ldt, B, ldb) {
    if (!unit) {
      for (let i = 0; i < n; i++) if (T[i * ldt + i] === 0) return -(i + 1);
    }
    const vec = k === 1 && ldb === 1;
    if (!trans) {
      // Row i of X = (B_i - Σ T[i][j] X_j) / T[i][i] over the already solved rows j.
      const lo = lower ? 0 : n - 1, step = lower ? 1 : -1;
      for (let q = 0; q < n; q++) {
        const i = lo + step * q;
        const ri = i * ldt;
        const j0 = lower ? 0 : i + 1, j1 = lower ? i : n;
        if (vec) {
          B[i] -= dotAt(j1 - j0, T, ri + j0, B, j0);
        } else {
          for (let j = j0; j < j1; j++) {
            const tij = T[ri + j];
            if (tij !== 0) axpyAt(k, -tij, B, j * ldb, B, i * ldb);
          }
        }
        if (!unit) {
          const dg = T[ri + i];
          for (let t = 0; t < k; t++) B[i * ldb + t] /= dg;
        }
      }
    } else {
      // Tᵀ X = B: solve X_i, then remove it from the rows it feeds (row i of T, contiguous).
      const forward = !lower;
      for (let q = 0; q < n; q++) {
        const i = forward ? q : n - 1 - q;
        const ri = i * ldt;
        if (!unit) {
          const dg = T[ri + i];
          for (let t = 0; t < k; t++) B[i * ldb + t] /= dg;
        }
        const j0 = forward ? i + 1 : 0, j1 = forward ? n : i;
        if (vec) {
          axpyAt(j1 - j0, -B[i], T, ri + j0, B, j0);
        } else {
          for (let j = j0; j < j1; j++) {
            const tij = T[ri + j];
            if (tij !== 0) axpyAt(k, -tij, B, i * ldb, B, j * ldb);
          }
        }
      }
    }
    return 0;
  },
};
