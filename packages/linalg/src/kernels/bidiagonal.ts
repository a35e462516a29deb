// TypeScript twin of assembly/bidiagonal.ts: Householder reduction of a
// square matrix to upper bidiagonal form (as LAPACK's dgebd2), and the
// singular values and vectors of an upper bidiagonal by implicit-shift QR with
// the Demmel-Kahan zero-shift sweeps and relative convergence tests (as
// dbdsqr, chasing from the top), rotating rows of Uᵀ and Vᵀ. Same arithmetic
// in the same order as the simd build (dotAt, axpyAt, rotRows).
import { axpyAt, dotAt } from "./blas1.js";
import { householderVector } from "./householder.js";
import { hyp, rotRows, swapRows } from "./rotation.js";

/** Sweeps whose rotations the WASM kernel records before applying them (a batch). */
const BATCH = 32;

/** Doubles of bidiagonalQr's work for batches of up to 32 full-length sweeps. */
export function bidiagonalQrWorkSize(n: number): number {
  return BATCH * (4 + 4 * Math.max(n, 1));
}

/** Relative machine precision (LAPACK's dlamch('E')). */
const EPS = 1.1102230246251565e-16;
/** Smallest normal double. */
const UNFL = 2.2250738585072014e-308;
/** Relative convergence tolerance (dbdsqr's tolmul eps with tolmul = eps^(-1/8), about 90). */
const TOL = 1e-14;
/** Sweeps allowed per singular value, as dbdsqr's MAXITR (on the n² sweep-steps bound). */
const MAXITR = 6;

/**
 * Reduces the square n x n A (row-major, leading dimension lda) to upper
 * bidiagonal B = Qᵀ A P: diagonal in d (n, non-negative), superdiagonal in e
 * (e[i] couples i and i+1, e[n-1] = 0). Q = H_0 ... H_{n-1}: reflector j below
 * the diagonal of column j (v[j] = 1 implicit, householderQr's layout), tau in
 * tauq. P = G_0 ... G_{n-2}: reflector j right of the superdiagonal in row j
 * (v[j+1] = 1 implicit), tau in taup (n; taup[n-1] = 0). `work`
 * holds n. O(8n³/3): left reflectors as w = vᵀA then A -= tau v wᵀ, right ones
 * as one dot and one axpy per row, every inner loop along a row.
 */
export function bidiagonalize(
  n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array,
  tauq: Float64Array, taup: Float64Array, work: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    const jj = j * lda + j;
    const L = n - j - 1;
    if (householderVector(A, jj, lda, L, tauq, j) && L > 0) {
      const t = tauq[j];
      work.fill(0, 0, L);
      axpyAt(L, 1, A, jj + 1, work, 0);
      for (let i = j + 1; i < n; i++) {
        const vi = A[i * lda + j];
        if (vi !== 0) axpyAt(L, vi, A, i * lda + j + 1, work, 0);
      }
      axpyAt(L, -t, work, 0, A, jj + 1);
      for (let i = j + 1; i < n; i++) {
        const vi = A[i * lda + j];
        if (vi !== 0) axpyAt(L, -t * vi, work, 0, A, i * lda + j + 1);
      }
    }
    d[j] = A[jj];
    taup[j] = 0;
    if (L <= 0) {
      e[j] = 0;
      continue;
    }
    const x = jj + 1;
    if (householderVector(A, x, 1, L - 1, taup, j)) {
      const t = taup[j];
      for (let i = j + 1; i < n; i++) {
        const r = i * lda + j + 1;
        const s = A[r] + dotAt(L - 1, A, x + 1, A, r + 1);
        if (s === 0) continue;
        const ts = -t * s;
        A[r] += ts;
        axpyAt(L - 1, ts, A, x + 1, A, r + 1);
      }
    }
    e[j] = A[x];
  }
}

/** The rotation [c s; -s c] [f; g] = [r; 0] (LAPACK 3.10's dlartg: c >= 0, r with the sign of f). */
let rc = 1, rs = 0, rr = 0;
function lartg(f: number, g: number): void {
  if (g === 0) {
    rc = 1;
    rs = 0;
    rr = f;
  } else if (f === 0) {
    rc = 0;
    rs = g > 0 ? 1 : -1;
    rr = Math.abs(g);
  } else {
    const h = hyp(f, g);
    rc = Math.abs(f) / h;
    rr = f > 0 ? h : -h;
    rs = g / rr;
  }
}

/** The smaller singular value of [f g; 0 h] (LAPACK's dlas2). */
export function smallerSingular(f: number, g: number, h: number): number {
  const fa = Math.abs(f), ga = Math.abs(g), ha = Math.abs(h);
  const fhmn = Math.min(fa, ha), fhmx = Math.max(fa, ha);
  if (fhmn === 0) return 0;
  if (ga < fhmx) {
    const sa = 1 + fhmn / fhmx, ta = (fhmx - fhmn) / fhmx, q = ga / fhmx, au = q * q;
    const c = 2 / (Math.sqrt(sa * sa + au) + Math.sqrt(ta * ta + au));
    return fhmn * c;
  }
  const au = fhmx / ga;
  if (au === 0) return (fhmn * fhmx) / ga;
  const sa = 1 + fhmn / fhmx, ta = (fhmx - fhmn) / fhmx;
  const p = sa * au, q = ta * au;
  const c = 1 / (Math.sqrt(1 + p * p) + Math.sqrt(1 + q * q));
  const s = fhmn * c * au;
  return s + s;
}

/**
 * Singular values and vectors of the upper bidiagonal (d, e) (e[i] couples i
 * and i+1): on return d holds the singular values, non-negative and
 * descending, e is destroyed, and every left rotation has been applied to rows
 * of U (n rows of n, leading dimension ldu) and every right one to rows of V,
 * so that starting from U = Qᵀ, V = Pᵀ of a bidiagonalisation A = Q B Pᵀ, row
 * i of U and of V end as the left and right singular vectors of A for d[i].
 * Implicit QR chasing from the top with dbdsqr's shift (dlas2 on the bottom
 * 2 x 2), zero-shift sweeps when the shift would spoil relative accuracy, and
 * dbdsqr's relative convergence tests, so each singular value is found to a
 * few ulps of itself. Returns the sweeps, or -1 after 6n² sweep steps. O(n²)
 * for the values, about 12n per sweep step for the vectors. `work` (lwork >=
 * 4 + 4n doubles; bidiagonalQrWorkSize(n) batches many sweeps) holds the
 * WASM kernel's record of rotations, which it applies to U and V in batches,
 * 8 columns at a time, with the same operations per entry in the same order as
 * this twin's immediate rotations (so the same bits). Returns -2, doing
 * nothing, when lwork is below 4 + 4n.
 */
export function bidiagonalQr(
  n: number, d: Float64Array, e: Float64Array, U: Float64Array, ldu: number, V: Float64Array, ldv: number,
  work: Float64Array, lwork: number,
): number {
  if (n <= 0) return 0;
  if (lwork < 4 + 4 * n) return -2; // the WASM kernel would have no room for one sweep's record: nothing done
  e[n - 1] = 0;
  let smax = 0;
  for (let i = 0; i < n; i++) smax = Math.max(smax, Math.abs(d[i]), Math.abs(e[i]));
  let sminoa = Math.abs(d[0]);
  if (sminoa !== 0) {
    let mu = sminoa;
    for (let i = 1; i < n; i++) {
      mu = Math.abs(d[i]) * (mu / (mu + Math.abs(e[i - 1])));
      if (mu < sminoa) sminoa = mu;
      if (sminoa === 0) break;
    }
  }
  sminoa = sminoa / Math.sqrt(n);
  const thresh = Math.max(TOL * sminoa, MAXITR * n * n * UNFL);
  const maxit = MAXITR * n * n;
  let steps = 0, sweeps = 0;
  let m = n - 1;
  while (m > 0) {
    // The unreduced block ll..m at the bottom: every e in it above thresh.
    smax = Math.abs(d[m]);
    let ll = 0;
    for (let l = m - 1; l >= 0; l--) {
      const abse = Math.abs(e[l]);
      if (abse <= thresh) {
        e[l] = 0;
        ll = l + 1;
        break;
      }
      smax = Math.max(smax, Math.abs(d[l]), abse);
    }
    if (ll === m) {
      m--;
      continue;
    }
    if (steps > maxit) return -1;
    // Relative convergence tests (dbdsqr, top-down): a negligible e splits the block.
    if (Math.abs(e[m - 1]) <= TOL * Math.abs(d[m])) {
      e[m - 1] = 0;
      continue;
    }
    let mu = Math.abs(d[ll]), sminl = mu, split = false;
    for (let l = ll; l < m; l++) {
      if (Math.abs(e[l]) <= TOL * mu) {
        e[l] = 0;
        split = true;
        break;
      }
      mu = Math.abs(d[l + 1]) * (mu / (mu + Math.abs(e[l])));
      if (mu < sminl) sminl = mu;
    }
    if (split) continue;
    let shift = 0;
    if (n * TOL * (sminl / smax) > Math.max(EPS, 0.01 * TOL)) {
      const sll = Math.abs(d[ll]);
      shift = smallerSingular(d[m - 1], e[m - 1], d[m]);
      if (sll > 0) {
        const q = shift / sll;
        if (q * q < EPS) shift = 0;
      }
    }
    steps += m - ll;
    sweeps++;
    if (shift === 0) zeroShiftSweep(ll, m, d, e, n, U, ldu, V, ldv);
    else shiftedSweep(ll, m, shift, d, e, n, U, ldu, V, ldv);
    if (Math.abs(e[m - 1]) <= thresh) e[m - 1] = 0;
  }
  sortSingular(n, d, U, ldu, V, ldv);
  return sweeps;
}

/** Rows i and i+1 of X (n entries): x_i <- c x_i + s x_i+1, x_i+1 <- c x_i+1 - s x_i. */
function rot(n: number, X: Float64Array, ldx: number, i: number, c: number, s: number): void {
  rotRows(n, X, i * ldx, X, (i + 1) * ldx, c, -s);
}

/** One Demmel-Kahan zero-shift QR sweep on the block ll..m (dbdsqr, top-down). */
function zeroShiftSweep(ll: number, m: number, d: Float64Array, e: Float64Array, n: number, U: Float64Array, ldu: number, V: Float64Array, ldv: number): void {
  let cs = 1, oldcs = 1, oldsn = 0;
  for (let i = ll; i < m; i++) {
    lartg(d[i] * cs, e[i]);
    cs = rc;
    const sn = rs, r = rr;
    if (i > ll) e[i - 1] = oldsn * r;
    lartg(oldcs * r, d[i + 1] * sn);
    oldcs = rc;
    oldsn = rs;
    d[i] = rr;
    rot(n, V, ldv, i, cs, sn);
    rot(n, U, ldu, i, oldcs, oldsn);
  }
  const h = d[m] * cs;
  d[m] = h * oldcs;
  e[m - 1] = h * oldsn;
}

/** One implicit shifted QR sweep on the block ll..m, chasing the bulge from the top (dbdsqr). */
function shiftedSweep(
  ll: number, m: number, shift: number, d: Float64Array, e: Float64Array, n: number,
  U: Float64Array, ldu: number, V: Float64Array, ldv: number,
): void {
  let f = (Math.abs(d[ll]) - shift) * ((d[ll] >= 0 ? 1 : -1) + shift / d[ll]);
  let g = e[ll];
  for (let i = ll; i < m; i++) {
    lartg(f, g);
    const cosr = rc, sinr = rs;
    if (i > ll) e[i - 1] = rr;
    f = cosr * d[i] + sinr * e[i];
    e[i] = cosr * e[i] - sinr * d[i];
    g = sinr * d[i + 1];
    d[i + 1] = cosr * d[i + 1];
    lartg(f, g);
    const cosl = rc, sinl = rs;
    d[i] = rr;
    f = cosl * e[i] + sinl * d[i + 1];
    d[i + 1] = cosl * d[i + 1] - sinl * e[i];
    if (i < m - 1) {
      g = sinl * e[i + 1];
      e[i + 1] = cosl * e[i + 1];
    }
    rot(n, V, ldv, i, cosr, sinr);
    rot(n, U, ldu, i, cosl, sinl);
  }
  e[m - 1] = f;
}

/** Makes d non-negative (negating rows of V) and sorts it descending with the rows of U and V. */
function sortSingular(n: number, d: Float64Array, U: Float64Array, ldu: number, V: Float64Array, ldv: number): void {
  for (let i = 0; i < n; i++) {
    if (d[i] < 0) {
      d[i] = -d[i];
      for (let j = 0; j < n; j++) V[i * ldv + j] = -V[i * ldv + j];
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (d[j] > d[best]) best = j;
    if (best === i) continue;
    const t = d[i];
    d[i] = d[best];
    d[best] = t;
    swapRows(n, U, i * ldu, U, best * ldu);
    swapRows(n, V, i * ldv, V, best * ldv);
  }
}
