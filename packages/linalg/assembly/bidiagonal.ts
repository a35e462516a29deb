// Householder bidiagonalisation of a square matrix (as LAPACK's dgebd2) and
// the singular values and vectors of an upper bidiagonal by implicit-shift QR
// with zero-shift sweeps and relative convergence tests (as dbdsqr, chasing
// from the top), rotating contiguous rows of Uᵀ and Vᵀ. Mirrored in
// src/kernels/bidiagonal.ts (the documentation of each kernel is there and in
// src/kernels/index.ts); driven by src/svd.ts.
import { axpy, dot } from "./blas1";
import { accumulateRows, householderVector } from "./householder";
import { at, hyp, ld, st, swapRows } from "./rotation";
import { batchApply, batchClear, batchClose, batchEmpty, batchFits, batchOpen, batchStart, batchStep } from "./rotation-batch";

const EPS: f64 = 1.1102230246251565e-16;
const UNFL: f64 = 2.2250738585072014e-308;
const TOL: f64 = 1e-14;
const MAXITR: f64 = 6;

export function bidiagonalize(n: i32, A: usize, lda: i32, d: usize, e: usize, tauq: usize, taup: usize, work: usize): void {
  const rs = <usize>lda << 3;
  for (let j = 0; j < n; j++) {
    const pjj = at(A, lda, j, j);
    const L = n - j - 1;
    if (householderVector(pjj, rs, L, tauq + (<usize>j << 3)) && L > 0) {
      const t = ld(tauq, j);
      memory.fill(work, 0, <usize>L << 3);
      axpy(L, 1.0, pjj + 8, work);
      accumulateRows(j + 1, n, L, at(A, lda, 0, j), rs, at(A, lda, 0, j + 1), rs, work);
      axpy(L, -t, work, pjj + 8);
      for (let i = j + 1; i < n; i++) {
        const p = at(A, lda, i, j);
        const vi = load<f64>(p);
        if (vi != 0) axpy(L, -t * vi, work, p + 8);
      }
    }
    st(d, j, load<f64>(pjj));
    st(taup, j, 0);
    if (L <= 0) {
      st(e, j, 0);
      continue;
    }
    const x = pjj + 8;
    if (householderVector(x, 8, L - 1, taup + (<usize>j << 3))) {
      const t = ld(taup, j);
      for (let i = j + 1; i < n; i++) {
        const r = at(A, lda, i, j + 1);
        const s = load<f64>(r) + dot(L - 1, x + 8, r + 8);
        if (s == 0) continue;
        const ts = -t * s;
        store<f64>(r, load<f64>(r) + ts);
        axpy(L - 1, ts, x + 8, r + 8);
      }
    }
    st(e, j, load<f64>(x));
  }
}

let rc: f64 = 1, rs: f64 = 0, rr: f64 = 0;

@inline function lartg(f: f64, g: f64): void {
  if (g == 0) {
    rc = 1;
    rs = 0;
    rr = f;
  } else if (f == 0) {
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

function smallerSingular(f: f64, g: f64, h: f64): f64 {
  const fa = Math.abs(f), ga = Math.abs(g), ha = Math.abs(h);
  const fhmn = Math.min(fa, ha), fhmx = Math.max(fa, ha);
  if (fhmn == 0) return 0;
  if (ga < fhmx) {
    const sa = 1 + fhmn / fhmx, ta = (fhmx - fhmn) / fhmx, q = ga / fhmx, au = q * q;
    const c = 2 / (Math.sqrt(sa * sa + au) + Math.sqrt(ta * ta + au));
    return fhmn * c;
  }
  const au = fhmx / ga;
  if (au == 0) return (fhmn * fhmx) / ga;
  const sa = 1 + fhmn / fhmx, ta = (fhmx - fhmn) / fhmx;
  const p = sa * au, q = ta * au;
  const c = 1 / (Math.sqrt(1 + p * p) + Math.sqrt(1 + q * q));
  const s = fhmn * c * au;
  return s + s;
}

// The sweeps' rotations are recorded in `work` and applied to V and U in
// batches (rotation-batch.ts): per step, V's (c, s) then U's, in rotRows'
// convention.
export function bidiagonalQr(n: i32, d: usize, e: usize, U: usize, ldu: i32, V: usize, ldv: i32, work: usize, lwork: i32): i32 {
  if (n <= 0) return 0;
  if (lwork < 4 + 4 * n) return -2; // no room for one sweep's record: nothing done
  batchStart(work, lwork);
  st(e, n - 1, 0);
  let smax: f64 = 0;
  for (let i = 0; i < n; i++) smax = Math.max(smax, Math.max(Math.abs(ld(d, i)), Math.abs(ld(e, i))));
  let sminoa = Math.abs(ld(d, 0));
  if (sminoa != 0) {
    let mu = sminoa;
    for (let i = 1; i < n; i++) {
      mu = Math.abs(ld(d, i)) * (mu / (mu + Math.abs(ld(e, i - 1))));
      if (mu < sminoa) sminoa = mu;
      if (sminoa == 0) break;
    }
  }
  sminoa = sminoa / Math.sqrt(<f64>n);
  const nn = <f64>n * <f64>n;
  const thresh = Math.max(TOL * sminoa, MAXITR * nn * UNFL);
  const maxit = MAXITR * nn;
  let steps: f64 = 0;
  let sweeps = 0;
  let m = n - 1;
  while (m > 0) {
    smax = Math.abs(ld(d, m));
    let ll = 0;
    for (let l = m - 1; l >= 0; l--) {
      const abse = Math.abs(ld(e, l));
      if (abse <= thresh) {
        st(e, l, 0);
        ll = l + 1;
        break;
      }
      smax = Math.max(smax, Math.max(Math.abs(ld(d, l)), abse));
    }
    if (ll == m) {
      m--;
      continue;
    }
    if (steps > maxit) return -1;
    if (Math.abs(ld(e, m - 1)) <= TOL * Math.abs(ld(d, m))) {
      st(e, m - 1, 0);
      continue;
    }
    let mu = Math.abs(ld(d, ll)), sminl = mu;
    let split = false;
    for (let l = ll; l < m; l++) {
      if (Math.abs(ld(e, l)) <= TOL * mu) {
        st(e, l, 0);
        split = true;
        break;
      }
      mu = Math.abs(ld(d, l + 1)) * (mu / (mu + Math.abs(ld(e, l))));
      if (mu < sminl) sminl = mu;
    }
    if (split) continue;
    let shift: f64 = 0;
    if (<f64>n * TOL * (sminl / smax) > Math.max(EPS, 0.01 * TOL)) {
      const sll = Math.abs(ld(d, ll));
      shift = smallerSingular(ld(d, m - 1), ld(e, m - 1), ld(d, m));
      if (sll > 0) {
        const q = shift / sll;
        if (q * q < EPS) shift = 0;
      }
    }
    steps += <f64>(m - ll);
    sweeps++;
    if (!batchFits(m - ll, 4)) flush(n, U, ldu, V, ldv);
    if (shift == 0) zeroShiftSweep(ll, m, d, e);
    else shiftedSweep(ll, m, shift, d, e);
    if (Math.abs(ld(e, m - 1)) <= thresh) st(e, m - 1, 0);
  }
  flush(n, U, ldu, V, ldv);
  sortSingular(n, d, U, ldu, V, ldv);
  return sweeps;
}

/** Applies the recorded sweeps to V (coefficients at offset 0) and U (offset 2), and empties the record. */
function flush(n: i32, U: usize, ldu: i32, V: usize, ldv: i32): void {
  if (batchEmpty()) return;
  batchApply(n, V, ldv, 0);
  batchApply(n, U, ldu, 2);
  batchClear();
}

/** Records step i's rotations: rows i, i+1 of V by (cv, sv), of U by (cu, su) (x_i <- c x_i + s x_i+1, x_i+1 <- c x_i+1 - s x_i). */
@inline function record(cv: f64, sv: f64, cu: f64, su: f64): void {
  batchStep(cv, -sv);
  batchStep(cu, -su);
}

function zeroShiftSweep(ll: i32, m: i32, d: usize, e: usize): void {
  let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
  batchOpen(ll, false, 4);
  for (let i = ll; i < m; i++) {
    lartg(ld(d, i) * cs, ld(e, i));
    cs = rc;
    const sn = rs, r = rr;
    if (i > ll) st(e, i - 1, oldsn * r);
    lartg(oldcs * r, ld(d, i + 1) * sn);
    oldcs = rc;
    oldsn = rs;
    st(d, i, rr);
    record(cs, sn, oldcs, oldsn);
  }
  batchClose();
  const h = ld(d, m) * cs;
  st(d, m, h * oldcs);
  st(e, m - 1, h * oldsn);
}

function shiftedSweep(ll: i32, m: i32, shift: f64, d: usize, e: usize): void {
  const dll = ld(d, ll);
  let f = (Math.abs(dll) - shift) * ((dll >= 0 ? 1.0 : -1.0) + shift / dll);
  let g = ld(e, ll);
  batchOpen(ll, false, 4);
  for (let i = ll; i < m; i++) {
    lartg(f, g);
    const cosr = rc, sinr = rs;
    if (i > ll) st(e, i - 1, rr);
    const di = ld(d, i), ei = ld(e, i);
    f = cosr * di + sinr * ei;
    const e1 = cosr * ei - sinr * di;
    st(e, i, e1);
    const dn = ld(d, i + 1);
    g = sinr * dn;
    const dn1 = cosr * dn;
    lartg(f, g);
    const cosl = rc, sinl = rs;
    st(d, i, rr);
    f = cosl * e1 + sinl * dn1;
    st(d, i + 1, cosl * dn1 - sinl * e1);
    if (i < m - 1) {
      const en = ld(e, i + 1);
      g = sinl * en;
      st(e, i + 1, cosl * en);
    }
    record(cosr, sinr, cosl, sinl);
  }
  batchClose();
  st(e, m - 1, f);
}

function sortSingular(n: i32, d: usize, U: usize, ldu: i32, V: usize, ldv: i32): void {
  for (let i = 0; i < n; i++) {
    if (ld(d, i) < 0) {
      st(d, i, -ld(d, i));
      const row = at(V, ldv, i, 0);
      for (let j = 0; j < n; j++) st(row, j, -ld(row, j));
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (ld(d, j) > ld(d, best)) best = j;
    if (best == i) continue;
    const t = ld(d, i);
    st(d, i, ld(d, best));
    st(d, best, t);
    swapRows(n, at(U, ldu, i, 0), at(U, ldu, best, 0));
    swapRows(n, at(V, ldv, i, 0), at(V, ldv, best, 0));
  }
}
