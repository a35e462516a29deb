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
  const total = roots(k, d, z, rho, false, lam, U, ldu, work);
  if (total < 0) return -1;
  lowner(k, d, z, U, ldu, work);
  return total;
}

/**
 * The k roots of the secular equation 1/rho + Σ z_i² / (D_i - λ) = 0, ascending: with sq false D_i = d_i and out
 * gets λ; with sq true (rho 1) D_i = d_i², every D_i - D_o formed as (d_i - d_o)(d_i + d_o), and out gets sqrt(λ).
 * Row j of R (leading dimension ldr) gets D_i - λ_j; `gap` (k) is scratch. Returns the iterations, -1 when a root
 * did not converge.
 */
function roots(
  k: number, d: Float64Array, z: Float64Array, rho: number, sq: boolean, out: Float64Array, R: Float64Array, ldr: number, gap: Float64Array,
): number {
  const rhoinv = 1 / rho;
  let zz = 0;
  for (let i = 0; i < k; i++) zz += z[i] * z[i];
  let total = 0;
  for (let j = 0; j < k; j++) {
    const row = j * ldr;
    // psi sums the poles up to p, phi those after it; p and p + 1 are the model's two poles.
    const p = j < k - 1 ? j : k - 2;
    let org = k - 1, lo = 0, hi = rho * zz, tau = 0.5 * hi, it = 0;
    if (j < k - 1) {
      // The secular function at the interval's midpoint says which half holds the root (its sign)
      // and gives the first rational step, taken from there relative to the nearer pole.
      const dj = d[j], dn = d[j + 1];
      const mid = sq ? 0.5 * (dn - dj) * (dn + dj) : 0.5 * (dn - dj);
      poleGaps(k, d, dj, sq, gap);
      const w = evaluate(k, z, gap, mid, p, R, row, rhoinv);
      if (Math.abs(w) <= EPS * ev.err) {
        out[j] = sq ? Math.sqrt(dj * dj + mid) : dj + mid;
        continue;
      }
      if (w >= 0) {
        org = j;
        hi = tau = mid;
      } else {
        org = j + 1;
        lo = tau = -mid;
        hi = 0;
      }
      tau = nextTau(tau, lo, hi, w, R[row + p], R[row + p + 1], ev.dpsi, ev.dphi);
      it = 1;
    }
    const dorg = d[org];
    if (org !== j || j === k - 1) poleGaps(k, d, dorg, sq, gap);
    for (;;) {
      const w = evaluate(k, z, gap, tau, p, R, row, rhoinv);
      if (Math.abs(w) <= EPS * ev.err) break;
      if (w > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      if (++it > MAX_ITER) return -1;
      tau = nextTau(tau, lo, hi, w, R[row + p], R[row + p + 1], ev.dpsi, ev.dphi);
    }
    total += it;
    out[j] = sq ? Math.sqrt(Math.max(dorg * dorg + tau, 0)) : dorg + tau;
  }
  return total;
}

/** evaluate's by-products: the derivatives of psi and phi and the error bound of w. */
const ev = { dpsi: 0, dphi: 0, err: 0 };

/** gap[i] = d_i - base, or with sq (d_i - base)(d_i + base): each pole's distance from the root's origin. */
function poleGaps(k: number, d: Float64Array, base: number, sq: boolean, gap: Float64Array): void {
  if (sq) for (let i = 0; i < k; i++) gap[i] = (d[i] - base) * (d[i] + base);
  else for (let i = 0; i < k; i++) gap[i] = d[i] - base;
}

/**
 * The secular function w = 1/rho + psi + phi at tau past the root's origin,
 * each pole's D_i - lam = gap[i] - tau stored in U[row + i]; ev gets psi' and
 * phi' and the bound on w's rounding (dlaed4's erretm). The sums run in two
 * lanes as the WASM kernel's f64x2 (see sums).
 */
function evaluate(k: number, z: Float64Array, gap: Float64Array, tau: number, p: number, U: Float64Array, row: number, rhoinv: number): number {
  const psi = sums(0, p + 1, z, gap, tau, U, row);
  const dpsi = s1, err1 = s2;
  const phi = sums(p + 1, k, z, gap, tau, U, row);
  ev.dpsi = dpsi;
  ev.dphi = s1;
  ev.err = 8 * (err1 + s2) + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + s1);
  return rhoinv + psi + phi;
}

let s1 = 0, s2 = 0;

/**
 * Over i in [a, b): Σ z_i²/δ_i (returned), Σ (z_i/δ_i)² (s1) and Σ |z_i²/δ_i| (s2),
 * δ_i = gap[i] - tau stored in U[row + i]. Pairs (a, a+1), (a+2, a+3), ...
 * summed in two lanes, an odd last term into lane 0, the lanes added at the end.
 */
function sums(a: number, b: number, z: Float64Array, gap: Float64Array, tau: number, U: Float64Array, row: number): number {
  let f0 = 0, f1 = 0, g0 = 0, g1 = 0, h0 = 0, h1 = 0, i = a;
  for (; i + 1 < b; i += 2) {
    const x0 = gap[i] - tau, x1 = gap[i + 1] - tau;
    U[row + i] = x0;
    U[row + i + 1] = x1;
    const t0 = z[i] / x0, t1 = z[i + 1] / x1;
    const u0 = z[i] * t0, u1 = z[i + 1] * t1;
    f0 += u0;
    f1 += u1;
    g0 += t0 * t0;
    g1 += t1 * t1;
    h0 += Math.abs(u0);
    h1 += Math.abs(u1);
  }
  if (i < b) {
    const x = gap[i] - tau;
    U[row + i] = x;
    const t = z[i] / x, u = z[i] * t;
    f0 += u;
    g0 += t * t;
    h0 += Math.abs(u);
  }
  s1 = g0 + g1;
  s2 = h0 + h1;
  return f0 + f1;
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

/**
 * Singular values and vectors of the k x k arrowhead M = e_0 zᵀ + diag(d)
 * (d[0] = 0 < d[1] < ... < d[k-1], no z_i zero: what the bidiagonal divide
 * and conquer's deflation leaves, as LAPACK's dlasd4 + dlasd3). The σ_j² are
 * the eigenvalues of diag(d²) + z zᵀ, the roots of 1 + Σ z_i²/(d_i² - σ²),
 * one between each two poles and the last above d[k-1]². Each is found as
 * σ² = d_o² + tau relative to the nearer pole d_o, with every
 * d_i² - σ² = (d_i - d_o)(d_i + d_o) - tau (so the poles' gaps keep their
 * relative accuracy), by secularEigen's iteration. The vectors come from the
 * ẑ for which the computed roots are exact: right v_j ∝ ẑ_i / (d_i² - σ_j²),
 * left u_j ∝ (-1, d_i ẑ_i / (d_i² - σ_j²) for i ≥ 1), each normalised, so
 * that M̂ v_j = σ_j u_j for M̂ = e_0 ẑᵀ + diag(d). Writes σ ascending to sig,
 * u_j to row j of U and v_j to row j of V (leading dimension ldu). `work`
 * holds k. Returns the iterations, -1 when a root did not converge. O(k²)
 * per iteration round.
 */
export function secularSvd(
  k: number, d: Float64Array, z: Float64Array, sig: Float64Array, U: Float64Array, V: Float64Array, ldu: number, work: Float64Array,
): number {
  if (k === 1) {
    // One pole (0): σ² = z_0², d_0² - σ² = -z_0².
    V[0] = -(z[0] * z[0]);
    sig[0] = Math.abs(z[0]);
    lownerSvd(1, d, z, U, V, ldu, work);
    return 0;
  }
  const total = roots(k, d, z, 1, true, sig, V, ldu, work);
  if (total < 0) return -1;
  lownerSvd(k, d, z, U, V, ldu, work);
  return total;
}

/**
 * Rows of V hold δ_ji = d_i² - σ_j² on entry. ẑ_i² = -Π_j δ_ji / Π_{j≠i} (d_i - d_j)(d_i + d_j), with z_i's sign;
 * then V[j][i] = ẑ_i / δ_ji and U[j][i] = d_i ẑ_i / δ_ji (U[j][0] = -1), each row normalised.
 */
function lownerSvd(k: number, d: Float64Array, z: Float64Array, U: Float64Array, V: Float64Array, ldu: number, work: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let w = V[i * ldu + i];
    for (let j = 0; j < k; j++) if (j !== i) w *= V[j * ldu + i] / ((d[i] - d[j]) * (d[i] + d[j]));
    const r = Math.sqrt(Math.max(-w, 0));
    work[i] = z[i] < 0 ? -r : r;
  }
  for (let j = 0; j < k; j++) {
    const row = j * ldu;
    let sv = 0, su = 1;
    U[row] = -1;
    const v0 = work[0] / V[row];
    V[row] = v0;
    sv += v0 * v0;
    for (let i = 1; i < k; i++) {
      const v = work[i] / V[row + i], u = d[i] * v;
      V[row + i] = v;
      U[row + i] = u;
      sv += v * v;
      su += u * u;
    }
    const iv = 1 / Math.sqrt(sv), iu = 1 / Math.sqrt(su);
    for (let i = 0; i < k; i++) {
      V[row + i] *= iv;
      U[row + i] *= iu;
    }
  }
}
