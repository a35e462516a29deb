// The rank-one eigenproblem of divide and conquer (LAPACK's dlaed4 + dlaed3
// in one kernel): roots of the secular equation, then eigenvectors by
// Löwner's formula (Gu-Eisenstat). Mirrored in src/kernels/secular.ts (the
// same operations in the same order); driven by src/eigh-dc.ts.
import { ld, st } from "./rotation";

const EPS: f64 = 2.220446049250313e-16;
const MAX_ITER: i32 = 200;

/** See src/kernels/secular.ts. Returns the iterations, -1 when a root did not converge. */
export function secularEigen(k: i32, d: usize, z: usize, rho: f64, lam: usize, U: usize, ldu: i32, work: usize): i32 {
  if (k == 1) {
    st(lam, 0, ld(d, 0) + rho * ld(z, 0) * ld(z, 0));
    st(U, 0, 1.0);
    return 0;
  }
  const rhoinv = 1 / rho;
  let zz: f64 = 0;
  for (let i = 0; i < k; i++) zz += ld(z, i) * ld(z, i);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const row = U + ((<usize>j * <usize>ldu) << 3);
    const p = j < k - 1 ? j : k - 2;
    let org = k - 1;
    let lo: f64 = 0, hi: f64 = rho * zz, tau: f64 = 0.5 * hi;
    let it = 0;
    if (j < k - 1) {
      const dj = ld(d, j);
      const mid = 0.5 * (ld(d, j + 1) - dj);
      const w = evaluate(k, d, z, dj, mid, p, row, rhoinv);
      if (Math.abs(w) <= EPS * evErr) {
        st(lam, j, dj + mid);
        continue;
      }
      if (w >= 0) {
        org = j;
        hi = mid;
        tau = mid;
      } else {
        org = j + 1;
        lo = -mid;
        tau = -mid;
        hi = 0;
      }
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), evDpsi, evDphi);
      it = 1;
    }
    const dorg = ld(d, org);
    while (true) {
      const w = evaluate(k, d, z, dorg, tau, p, row, rhoinv);
      if (Math.abs(w) <= EPS * evErr) break;
      if (w > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      if (++it > MAX_ITER) return -1;
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), evDpsi, evDphi);
    }
    total += it;
    st(lam, j, dorg + tau);
  }
  lowner(k, d, z, U, ldu, work);
  return total;
}

let evDpsi: f64 = 0, evDphi: f64 = 0, evErr: f64 = 0, s1: f64 = 0, s2: f64 = 0;

@inline function evaluate(k: i32, d: usize, z: usize, base: f64, tau: f64, p: i32, row: usize, rhoinv: f64): f64 {
  const psi = sums(0, p + 1, d, z, base, tau, row);
  const dpsi = s1, err1 = s2;
  const phi = sums(p + 1, k, d, z, base, tau, row);
  evDpsi = dpsi;
  evDphi = s1;
  evErr = 8 * (err1 + s2) + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + s1);
  return rhoinv + psi + phi;
}

// Two lanes: pairs (a, a+1), (a+2, a+3), ..., an odd last term into lane 0 (the twin's order).
function sums(a: i32, b: i32, d: usize, z: usize, base: f64, tau: f64, row: usize): f64 {
  let f = f64x2.splat(0), g = f64x2.splat(0), h = f64x2.splat(0);
  const vb = f64x2.splat(base), vt = f64x2.splat(tau);
  let i = a;
  for (; i + 1 < b; i += 2) {
    const o = <usize>i << 3;
    const x = f64x2.sub(f64x2.sub(v128.load(d + o), vb), vt);
    v128.store(row + o, x);
    const zi = v128.load(z + o);
    const t = f64x2.div(zi, x), u = f64x2.mul(zi, t);
    f = f64x2.add(f, u);
    g = f64x2.add(g, f64x2.mul(t, t));
    h = f64x2.add(h, f64x2.abs(u));
  }
  let f0 = f64x2.extract_lane(f, 0), g0 = f64x2.extract_lane(g, 0), h0 = f64x2.extract_lane(h, 0);
  if (i < b) {
    const x = ld(d, i) - base - tau;
    st(row, i, x);
    const zi = ld(z, i);
    const t = zi / x, u = zi * t;
    f0 += u;
    g0 += t * t;
    h0 += Math.abs(u);
  }
  s1 = g0 + f64x2.extract_lane(g, 1);
  s2 = h0 + f64x2.extract_lane(h, 1);
  return f0 + f64x2.extract_lane(f, 1);
}

function nextTau(tau: f64, lo: f64, hi: f64, w: f64, D1: f64, D2: f64, dpsi: f64, dphi: f64): f64 {
  const c = w - D1 * dpsi - D2 * dphi;
  const a = (D1 + D2) * w - D1 * D2 * (dpsi + dphi);
  const b = D1 * D2 * w;
  const disc = a * a - 4 * b * c;
  if (disc >= 0) {
    const q = 0.5 * (a + (a >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
    if (q != 0) {
      const t1 = tau + b / q;
      if (t1 > lo && t1 < hi) return t1;
      if (c != 0) {
        const t2 = tau + q / c;
        if (t2 > lo && t2 < hi) return t2;
      }
    }
  }
  return 0.5 * (lo + hi);
}

function lowner(k: i32, d: usize, z: usize, U: usize, ldu: i32, work: usize): void {
  const rs = <usize>ldu << 3;
  for (let i = 0; i < k; i++) {
    const col = U + (<usize>i << 3);
    const di = ld(d, i);
    let w = load<f64>(col + <usize>i * rs);
    for (let j = 0; j < k; j++) if (j != i) w *= load<f64>(col + <usize>j * rs) / (di - ld(d, j));
    const r = Math.sqrt(Math.max(-w, 0));
    st(work, i, ld(z, i) < 0 ? -r : r);
  }
  for (let j = 0; j < k; j++) {
    const row = U + <usize>j * rs;
    let s: f64 = 0;
    for (let i = 0; i < k; i++) {
      const v = ld(work, i) / ld(row, i);
      st(row, i, v);
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < k; i++) st(row, i, ld(row, i) * inv);
  }
}

/** See src/kernels/secular.ts. Returns the iterations, -1 when a root did not converge. */
export function secularSvd(k: i32, d: usize, z: usize, sig: usize, U: usize, V: usize, ldu: i32, work: usize): i32 {
  let zz: f64 = 0;
  for (let i = 0; i < k; i++) zz += ld(z, i) * ld(z, i);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const row = V + ((<usize>j * <usize>ldu) << 3);
    const p = j < k - 1 ? j : k - 2;
    if (k == 1) {
      store<f64>(row, -zz);
      st(sig, j, Math.abs(ld(z, 0)));
      break;
    }
    let org = k - 1;
    let lo: f64 = 0, hi: f64 = zz, tau: f64 = 0.5 * hi;
    let it = 0;
    if (j < k - 1) {
      const dj = ld(d, j), dn = ld(d, j + 1);
      const mid = 0.5 * (dn - dj) * (dn + dj);
      const w = evaluateSq(k, d, z, dj, mid, p, row);
      if (Math.abs(w) <= EPS * evErr) {
        st(sig, j, Math.sqrt(dj * dj + mid));
        continue;
      }
      if (w >= 0) {
        org = j;
        hi = mid;
        tau = mid;
      } else {
        org = j + 1;
        lo = -mid;
        tau = -mid;
        hi = 0;
      }
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), evDpsi, evDphi);
      it = 1;
    }
    const dorg = ld(d, org);
    while (true) {
      const w = evaluateSq(k, d, z, dorg, tau, p, row);
      if (Math.abs(w) <= EPS * evErr) break;
      if (w > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      if (++it > MAX_ITER) return -1;
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), evDpsi, evDphi);
    }
    total += it;
    st(sig, j, Math.sqrt(Math.max(dorg * dorg + tau, 0)));
  }
  lownerSvd(k, d, z, U, V, ldu, work);
  return total;
}

@inline function evaluateSq(k: i32, d: usize, z: usize, base: f64, tau: f64, p: i32, row: usize): f64 {
  const psi = sumsSq(0, p + 1, d, z, base, tau, row);
  const dpsi = s1, err1 = s2;
  const phi = sumsSq(p + 1, k, d, z, base, tau, row);
  evDpsi = dpsi;
  evDphi = s1;
  evErr = 8 * (err1 + s2) + 2 + 3 * Math.abs(tau) * (dpsi + s1);
  return 1 + psi + phi;
}

// sums with each d_i² - σ² = (d_i - base)(d_i + base) - tau, in the same two lanes.
function sumsSq(a: i32, b: i32, d: usize, z: usize, base: f64, tau: f64, row: usize): f64 {
  let f = f64x2.splat(0), g = f64x2.splat(0), h = f64x2.splat(0);
  const vb = f64x2.splat(base), vt = f64x2.splat(tau);
  let i = a;
  for (; i + 1 < b; i += 2) {
    const o = <usize>i << 3;
    const di = v128.load(d + o);
    const x = f64x2.sub(f64x2.mul(f64x2.sub(di, vb), f64x2.add(di, vb)), vt);
    v128.store(row + o, x);
    const zi = v128.load(z + o);
    const t = f64x2.div(zi, x), u = f64x2.mul(zi, t);
    f = f64x2.add(f, u);
    g = f64x2.add(g, f64x2.mul(t, t));
    h = f64x2.add(h, f64x2.abs(u));
  }
  let f0 = f64x2.extract_lane(f, 0), g0 = f64x2.extract_lane(g, 0), h0 = f64x2.extract_lane(h, 0);
  if (i < b) {
    const di = ld(d, i);
    const x = (di - base) * (di + base) - tau;
    st(row, i, x);
    const zi = ld(z, i);
    const t = zi / x, u = zi * t;
    f0 += u;
    g0 += t * t;
    h0 += Math.abs(u);
  }
  s1 = g0 + f64x2.extract_lane(g, 1);
  s2 = h0 + f64x2.extract_lane(h, 1);
  return f0 + f64x2.extract_lane(f, 1);
}

function lownerSvd(k: i32, d: usize, z: usize, U: usize, V: usize, ldu: i32, work: usize): void {
  const rs = <usize>ldu << 3;
  for (let i = 0; i < k; i++) {
    const col = V + (<usize>i << 3);
    const di = ld(d, i);
    let w = load<f64>(col + <usize>i * rs);
    for (let j = 0; j < k; j++) {
      if (j == i) continue;
      const dj = ld(d, j);
      w *= load<f64>(col + <usize>j * rs) / ((di - dj) * (di + dj));
    }
    const r = Math.sqrt(Math.max(-w, 0));
    st(work, i, ld(z, i) < 0 ? -r : r);
  }
  for (let j = 0; j < k; j++) {
    const vr = V + <usize>j * rs, ur = U + <usize>j * rs;
    store<f64>(ur, -1.0);
    const v0 = ld(work, 0) / load<f64>(vr);
    store<f64>(vr, v0);
    let sv: f64 = v0 * v0, su: f64 = 1;
    for (let i = 1; i < k; i++) {
      const v = ld(work, i) / ld(vr, i), u = ld(d, i) * v;
      st(vr, i, v);
      st(ur, i, u);
      sv += v * v;
      su += u * u;
    }
    const iv = 1 / Math.sqrt(sv), iu = 1 / Math.sqrt(su);
    for (let i = 0; i < k; i++) {
      st(vr, i, ld(vr, i) * iv);
      st(ur, i, ld(ur, i) * iu);
    }
  }
}
