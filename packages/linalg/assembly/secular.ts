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
    let org = k - 1;
    let lo: f64 = 0, hi: f64 = rho * zz;
    if (j < k - 1) {
      const mid = 0.5 * (ld(d, j + 1) - ld(d, j));
      const dj = ld(d, j);
      let f = rhoinv;
      for (let i = 0; i < k; i++) f += (ld(z, i) * ld(z, i)) / (ld(d, i) - dj - mid);
      if (f >= 0) {
        org = j;
        hi = mid;
      } else {
        org = j + 1;
        lo = -mid;
        hi = 0;
      }
    }
    const dorg = ld(d, org);
    const p = j < k - 1 ? j : k - 2;
    let tau = 0.5 * (lo + hi);
    let it = 0;
    while (true) {
      let psi: f64 = 0, dpsi: f64 = 0, phi: f64 = 0, dphi: f64 = 0, erretm: f64 = 0;
      for (let i = 0; i < k; i++) {
        const del = ld(d, i) - dorg - tau;
        st(row, i, del);
        const zi = ld(z, i);
        const t = zi / del, term = zi * t;
        if (i <= p) {
          psi += term;
          dpsi += t * t;
        } else {
          phi += term;
          dphi += t * t;
        }
        erretm += Math.abs(term);
      }
      const w = rhoinv + psi + phi;
      erretm = 8 * erretm + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + dphi);
      if (Math.abs(w) <= EPS * erretm) break;
      if (w > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      if (++it > MAX_ITER) return -1;
      tau = nextTau(tau, lo, hi, w, ld(row, p), ld(row, p + 1), dpsi, dphi);
    }
    total += it;
    st(lam, j, dorg + tau);
  }
  lowner(k, d, z, U, ldu, work);
  return total;
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
