// TypeScript twin of assembly/secular.ts: the rank-one eigenproblem of
// divide and conquer (LAPACK's dlaed4 + dlaed3 in one kernel). Roots of the
// secular equation, then eigenvectors by Löwner's formula (Gu-Eisenstat), so
// they come out orthogonal whatever the roots' accuracy. Used by src/eigh-dc.ts.

const EPS = 2.220446049250313e-16;
/** Iterations allowed per root: the rational steps converge in a handful, bisection (the fallback) in about 60. */
const MAX_ITER = 200;

/**
 * Eigendecomposition of diag(d) + rho z zᵀ (k x k): d strictly increasing,
 * rho > 0, no z_i zero (what deflation leaves). Writes the eigenvalues,
 * ascending, to lam and the unit eigenvectors to the rows of U (row j: the
 * eigenvector of lam[j], ldu >= k). Each root lies between two poles
 * (above d[k-1] for the last): it is found relative to the nearer pole d_o
 * as lam = d_o + tau, so every d_i - lam_j = (d_i - d_o) - tau keeps its
 * relative accuracy; tau by the two-pole rational model of dlaed4 from a
 * bracket the sign of the secular function narrows, bisecting when a step
 * leaves it. The vectors then come from the ẑ for which the computed roots
 * are exact (Löwner), normalised. `work` holds k. Returns the total number
 * of iterations, or -1 when a root did not converge. O(k² iterations) + O(k²).
 */
export function secularEigen(
  k: number, d: Float64Array, z: Float64Array, rho: number, lam: Float64Array, U: Float64Array, ldu: number, work: Float64Array,
): number {
  if (k === 1) {
    lam[0] = d[0] + rho * z[0] * z[0];
    U[0] = 1;
    return 0;
  }
  const rhoinv = 1 / rho;
  let zz = 0;
  for (let i = 0; i < k; i++) zz += z[i] * z[i];
  let total = 0;
  for (let j = 0; j < k; j++) {
    const row = j * ldu;
    let org = k - 1, lo = 0, hi = rho * zz;
    if (j < k - 1) {
      // The secular function at the interval's midpoint says which half holds the root.
      const mid = 0.5 * (d[j + 1] - d[j]);
      let f = rhoinv;
      for (let i = 0; i < k; i++) f += (z[i] * z[i]) / (d[i] - d[j] - mid);
      if (f >= 0) {
        org = j;
        hi = mid;
      } else {
        org = j + 1;
        lo = -mid;
        hi = 0;
      }
    }
    const dorg = d[org];
    // psi sums the poles up to p, phi those after it; p and p + 1 are the model's two poles.
    const p = j < k - 1 ? j : k - 2;
    let tau = 0.5 * (lo + hi);
    let it = 0;
    for (;;) {
      let psi = 0, dpsi = 0, phi = 0, dphi = 0, erretm = 0;
      for (let i = 0; i < k; i++) {
        const del = d[i] - dorg - tau;
        U[row + i] = del;
        const t = z[i] / del, term = z[i] * t;
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
      tau = nextTau(tau, lo, hi, w, U[row + p], U[row + p + 1], dpsi, dphi);
    }
    total += it;
    lam[j] = dorg + tau;
  }
  lowner(k, d, z, U, ldu, work);
  return total;
}

/**
 * The zero of c + s/(D1 - eta) + S/(D2 - eta), the model matching psi and phi
 * in value and slope at the current tau (D1, D2 the poles relative to it),
 * that lies in the bracket; its midpoint when neither root does.
 */
function nextTau(tau: number, lo: number, hi: number, w: number, D1: number, D2: number, dpsi: number, dphi: number): number {
  const c = w - D1 * dpsi - D2 * dphi;
  const a = (D1 + D2) * w - D1 * D2 * (dpsi + dphi);
  const b = D1 * D2 * w;
  const disc = a * a - 4 * b * c;
  if (disc >= 0) {
    const q = 0.5 * (a + (a >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
    if (q !== 0) {
      const t1 = tau + b / q;
      if (t1 > lo && t1 < hi) return t1;
      if (c !== 0) {
        const t2 = tau + q / c;
        if (t2 > lo && t2 < hi) return t2;
      }
    }
  }
  return 0.5 * (lo + hi);
}

/**
 * Rows of U hold d_i - lam_j on entry. ẑ_i² = -Π_j (d_i - lam_j) / Π_{j≠i} (d_i - d_j)
 * (up to the common factor rho, which normalising removes), taken with z_i's
 * sign; then U[j][i] = ẑ_i / (d_i - lam_j), each row normalised.
 */
function lowner(k: number, d: Float64Array, z: Float64Array, U: Float64Array, ldu: number, work: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let w = U[i * ldu + i];
    for (let j = 0; j < k; j++) if (j !== i) w *= U[j * ldu + i] / (d[i] - d[j]);
    const r = Math.sqrt(Math.max(-w, 0));
    work[i] = z[i] < 0 ? -r : r;
  }
  for (let j = 0; j < k; j++) {
    const row = j * ldu;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const v = work[i] / U[row + i];
      U[row + i] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < k; i++) U[row + i] *= inv;
  }
}
