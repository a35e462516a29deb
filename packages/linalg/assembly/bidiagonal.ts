// Householder bidiagonalisation of a square matrix (as LAPACK's dgebd2) and
// the singular values and vectors of an upper bidiagonal by implicit-shift QR
// with zero-shift sweeps and relative convergence tests (as dbdsqr, chasing
// from the top), rotating contiguous rows of Uᵀ and Vᵀ. Mirrored in
// src/kernels/bidiagonal.ts (the documentation of each kernel is there and in
// src/kernels/index.ts); driven by src/svd.ts.
import { axpy, dot } from "./blas1";
import { accumulateRows, householderVector } from "./householder";
import { at, hyp, ld, st, swapRows } from "./rotation";

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

// The sweeps' rotations are recorded in `work` (per sweep: ll, m, then cv, sv,
// cu, su for each i in ll..m-1) and applied to U and V in batches, 8 columns at
// a time: the carried row stays in registers, every row of the 8-column strip
// is loaded and stored once per sweep, and the strip (n x 8) stays in L1 over
// the whole batch. Each entry gets the same rotations in the same order and
// the same operations as rotRows would give it at once, so the result does not
// depend on the batching (the twin rotates at once).
let buf: usize = 0, bufEnd: usize = 0, bufAt: usize = 0;

export function bidiagonalQr(n: i32, d: usize, e: usize, U: usize, ldu: i32, V: usize, ldv: i32, work: usize, lwork: i32): i32 {
  if (n <= 0) return 0;
  if (lwork < 2 + 4 * n) return -2; // no room for one sweep's record: nothing done
  buf = work;
  bufAt = work;
  bufEnd = work + (<usize>max(lwork, 0) << 3);
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
    if (bufAt + (<usize>(2 + 4 * (m - ll)) << 3) > bufEnd) flush(n, U, ldu, V, ldv);
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
  if (bufAt == buf) return;
  applyRecorded(n, V, ldv, 0);
  applyRecorded(n, U, ldu, 2);
  bufAt = buf;
}

function applyRecorded(n: i32, X: usize, ldx: i32, off: i32): void {
  const rs = <usize>ldx << 3;
  for (let c0 = 0; c0 < n; c0 += 8) {
    const w = min(8, n - c0);
    let p = buf;
    while (p < bufAt) {
      const ll = <i32>load<f64>(p), m = <i32>load<f64>(p, 8);
      const cp = p + 16 + (<usize>off << 3);
      p += <usize>(2 + 4 * (m - ll)) << 3;
      const base = X + (<usize>c0 << 3);
      if (w == 8) strip8(base + <usize>ll * rs, rs, m - ll, cp);
      else stripTail(base + <usize>ll * rs, rs, m - ll, cp, w);
    }
  }
}

/** Rotations k = 0..count-1 (c, s at cp + 32k) of rows k, k+1 of an 8-wide strip at x (rows rs bytes apart). */
@inline function strip8(x: usize, rs: usize, count: i32, cp: usize): void {
  let a0 = v128.load(x), a1 = v128.load(x, 16), a2 = v128.load(x, 32), a3 = v128.load(x, 48);
  for (let k = 0; k < count; k++) {
    const q = cp + (<usize>k << 5);
    const vc = f64x2.splat(load<f64>(q)), vs = f64x2.splat(-load<f64>(q, 8));
    const y = x + rs;
    const b0 = v128.load(y), b1 = v128.load(y, 16), b2 = v128.load(y, 32), b3 = v128.load(y, 48);
    v128.store(x, f64x2.sub(f64x2.mul(vc, a0), f64x2.mul(vs, b0)));
    v128.store(x, f64x2.sub(f64x2.mul(vc, a1), f64x2.mul(vs, b1)), 16);
    v128.store(x, f64x2.sub(f64x2.mul(vc, a2), f64x2.mul(vs, b2)), 32);
    v128.store(x, f64x2.sub(f64x2.mul(vc, a3), f64x2.mul(vs, b3)), 48);
    a0 = f64x2.add(f64x2.mul(vs, a0), f64x2.mul(vc, b0));
    a1 = f64x2.add(f64x2.mul(vs, a1), f64x2.mul(vc, b1));
    a2 = f64x2.add(f64x2.mul(vs, a2), f64x2.mul(vc, b2));
    a3 = f64x2.add(f64x2.mul(vs, a3), f64x2.mul(vc, b3));
    x = y;
  }
  v128.store(x, a0);
  v128.store(x, a1, 16);
  v128.store(x, a2, 32);
  v128.store(x, a3, 48);
}

/** strip8 for the last w < 8 columns, entry by entry. */
function stripTail(x: usize, rs: usize, count: i32, cp: usize, w: i32): void {
  for (let k = 0; k < count; k++) {
    const q = cp + (<usize>k << 5);
    const c = load<f64>(q), s = -load<f64>(q, 8);
    const y = x + rs;
    for (let j = 0; j < w; j++) {
      const o = <usize>j << 3;
      const a = load<f64>(x + o), b = load<f64>(y + o);
      store<f64>(x + o, c * a - s * b);
      store<f64>(y + o, s * a + c * b);
    }
    x = y;
  }
}

/** Opens the record of a sweep on ll..m. */
@inline function recordSweep(ll: i32, m: i32): void {
  store<f64>(bufAt, <f64>ll);
  store<f64>(bufAt, <f64>m, 8);
  bufAt += 16;
}

/** Records step i's rotations: rows i, i+1 of V by (cv, sv), of U by (cu, su) (x_i <- c x_i + s x_i+1, x_i+1 <- c x_i+1 - s x_i). */
@inline function record(cv: f64, sv: f64, cu: f64, su: f64): void {
  store<f64>(bufAt, cv);
  store<f64>(bufAt, sv, 8);
  store<f64>(bufAt, cu, 16);
  store<f64>(bufAt, su, 24);
  bufAt += 32;
}

function zeroShiftSweep(ll: i32, m: i32, d: usize, e: usize): void {
  let cs: f64 = 1, oldcs: f64 = 1, oldsn: f64 = 0;
  recordSweep(ll, m);
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
  const h = ld(d, m) * cs;
  st(d, m, h * oldcs);
  st(e, m - 1, h * oldsn);
}

function shiftedSweep(ll: i32, m: i32, shift: f64, d: usize, e: usize): void {
  const dll = ld(d, ll);
  let f = (Math.abs(dll) - shift) * ((dll >= 0 ? 1.0 : -1.0) + shift / dll);
  let g = ld(e, ll);
  recordSweep(ll, m);
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
