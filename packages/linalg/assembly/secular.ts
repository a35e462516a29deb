// The rank-one eigenproblem of divide and conquer (LAPACK's dlaed4 + dlaed3
// in one kernel): roots of the secular equation, then eigenvectors by
// Löwner's formula (Gu-Eisenstat); and the bidiagonal divide and conquer's
// arrowhead (dlasd4 + dlasd3) by the same root loop on squared poles.
// Mirrored in src/kernels/secular.ts (the same operations in the same order);
// driven by src/eigh-dc.ts and src/svd-dc.ts.
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
  const total = roots(k, d, z, rho, false, lam, U, ldu, work);
  if (total < 0) return -1;
  lowner(k, d, z, U, ldu, work);
  return total;
}

// See src/kernels/secular.ts (roots).
function roots(k: i32, d: usize, z: usize, rho: f64, sq: bool, out: usize, R: usize, ldr: i32, gap: usize): i32 {
  const rhoinv = 1 / rho;
  let zz: f64 = 0;
  for (let i = 0; i < k; i++) zz += ld(z, i) * ld(z, i);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const row = R + ((<usize>j * <usize>ldr) << 3);
    const p = j < k - 1 ? j : k - 2;
    let org = k - 1;
    let lo: f64 = 0, hi: f64 = rho * zz, tau: f64 = 0.5 * hi;
    let it = 0;
    if (j < k - 1) {
      const dj = ld(d, j), dn = ld(d, j + 1);
      const mid = sq ? 0.5 * (dn - dj) * (dn + dj) : 0.5 * (dn - dj);
      poleGaps(k, d, dj, sq, gap);
      const w = evaluate(k, z, gap, mid, p, row, rhoinv);
      if (Math.abs(w) <= EPS * evErr) {
        st(out, j, sq ? Math.sqrt(dj * dj + mid) : dj + mid);
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
    if (org != j || j == k - 1) poleGaps(k, d, dorg, sq, gap);
    while (true) {
      const w = evaluate(k, z, gap, tau, p, row, rhoinv);
      if (Math.abs(w) <= EPS * evErr) break;
      if (w > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      if (++it > MAX_ITER) return -1;
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), evDpsi, evDphi);
    }
    total += it;
    st(out, j, sq ? Math.sqrt(Math.max(dorg * dorg + tau, 0)) : dorg + tau);
  }
  return total;
}

let evDpsi: f64 = 0, evDphi: f64 = 0, evErr: f64 = 0, s1: f64 = 0, s2: f64 = 0;

// gap[i] = d_i - base, or with sq (d_i - base)(d_i + base): each pole's distance from the root's origin.
function poleGaps(k: i32, d: usize, base: f64, sq: bool, gap: usize): void {
  if (sq) {
    for (let i = 0; i < k; i++) {
      const di = ld(d, i);
      st(gap, i, (di - base) * (di + base));
    }
  } else {
    for (let i = 0; i < k; i++) st(gap, i, ld(d, i) - base);
  }
}

@inline function evaluate(k: i32, z: usize, gap: usize, tau: f64, p: i32, row: usize, rhoinv: f64): f64 {
  const psi = sums(0, p + 1, z, gap, tau, row);
  const dpsi = s1, err1 = s2;
  const phi = sums(p + 1, k, z, gap, tau, row);
  evDpsi = dpsi;
  evDphi = s1;
  evErr = 8 * (err1 + s2) + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + s1);
  return rhoinv + psi + phi;
}

// Two lanes: pairs (a, a+1), (a+2, a+3), ..., an odd last term into lane 0 (the twin's order).
function sums(a: i32, b: i32, z: usize, gap: usize, tau: f64, row: usize): f64 {
  let f = f64x2.splat(0), g = f64x2.splat(0), h = f64x2.splat(0);
  const vt = f64x2.splat(tau);
  let i = a;
  for (; i + 1 < b; i += 2) {
    const o = <usize>i << 3;
    const x = f64x2.sub(v128.load(gap + o), vt);
    v128.store(row + o, x);
    const zi = v128.load(z + o);
    const t = f64x2.div(zi, x), u = f64x2.mul(zi, t);
    f = f64x2.add(f, u);
    g = f64x2.add(g, f64x2.mul(t, t));
    h = f64x2.add(h, f64x2.abs(u));
  }
  let f0 = f64x2.extract_lane(f, 0), g0 = f64x2.extract_lane(g, 0), h0 = f64x2.extract_lane(h, 0);
  if (i < b) {
    const x = ld(gap, i) - tau;
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
  if (k == 1) {
    store<f64>(V, -(ld(z, 0) * ld(z, 0)));
    st(sig, 0, Math.abs(ld(z, 0)));
    lownerSvd(1, d, z, U, V, ldu, work);
    return 0;
  }
  const total = roots(k, d, z, 1, true, sig, V, ldu, work);
  if (total < 0) return -1;
  lownerSvd(k, d, z, U, V, ldu, work);
  return total;
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
