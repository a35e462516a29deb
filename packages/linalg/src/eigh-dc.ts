// Divide and conquer for the symmetric tridiagonal eigenproblem (LAPACK's
// dstedc / dlaed0-3), on a kernel set of either backend: split, solve the
// halves (QL below DC_LEAF), merge by the rank-one update with deflation;
// the secular equation and Löwner's vectors in the secularEigen kernel, the
// back-multiplication by GEMM. Used by eigh above DC_MIN (docs/ARCHITECTURE.md, "@lowrank/linalg").
import type { LinalgKernels } from "./kernels/index.js";

/** Subproblems of at most this size are solved by QL (dstedc's SMLSIZ). */
export const DC_LEAF = 25;
/** eigh uses divide and conquer from this order on, QL below (measured: bench/eigh-phases.mts). */
export const DC_MIN = 100;
/**
 * The same on the js backend, whose Qᵀ is applied one reflector at a time:
 * QL took 19-45 ms against 75-109 ms at 150, 142-168 against 318-388 at
 * 200, about the same at 250, and lost at 300.
 */
export const DC_MIN_JS = 300;
const EPS = 2.220446049250313e-16;

/** Doubles of scratch tridiagonalDc takes for order n. */
export function tridiagonalDcWorkSize(n: number): number {
  return 3 * n * n + 7 * n;
}

/**
 * Eigendecomposition of the symmetric tridiagonal T (diagonal d, off-diagonal
 * e: e[i] couples i and i+1, e[n-1] unused): eigenvalues ascending to d, unit
 * eigenvectors to the rows of E (n x n, row j that of d[j]). `buf` holds
 * tridiagonalDcWorkSize(n). Returns the QL iterations and secular steps
 * taken, -1 when a QL leaf or a secular root did not converge.
 * O(4n³/3) with no deflation (two GEMMs per merge, of K x n/2 x n/2),
 * much less with it.
 */
export function tridiagonalDc(
  K: LinalgKernels, n: number, d: Float64Array, e: Float64Array, E: Float64Array, lde: number, buf: Float64Array, maxIter: number,
): number {
  const ew = buf.subarray(0, n);
  ew.set(e.subarray(0, n));
  ew[n - 1] = 0;
  const s: Scratch = {
    K, d, e: ew, E, lde, maxIter, total: 0,
    z: buf.subarray(n, 2 * n), dk: buf.subarray(2 * n, 3 * n), zk: buf.subarray(3 * n, 4 * n),
    lam: buf.subarray(4 * n, 5 * n), sw: buf.subarray(5 * n, 6 * n), row: buf.subarray(6 * n, 7 * n),
    U: buf.subarray(7 * n, 7 * n + n * n), G: buf.subarray(7 * n + n * n, 7 * n + 2 * n * n),
    O: buf.subarray(7 * n + 2 * n * n, 7 * n + 3 * n * n),
  };
  return solve(s, 0, n) ? s.total : -1;
}

interface Scratch {
  K: LinalgKernels; d: Float64Array; e: Float64Array; E: Float64Array; lde: number; maxIter: number; total: number;
  z: Float64Array; dk: Float64Array; zk: Float64Array; lam: Float64Array; sw: Float64Array; row: Float64Array;
  U: Float64Array; G: Float64Array; O: Float64Array;
}

function solve(s: Scratch, lo: number, m: number): boolean {
  const { E, lde } = s;
  if (m <= DC_LEAF) {
    for (let i = 0; i < m; i++) {
      const r = (lo + i) * lde + lo;
      E.fill(0, r, r + m);
      E[r + i] = 1;
    }
    const it = s.K.tridiagonalQl(m, s.d.subarray(lo), s.e.subarray(lo), E.subarray(lo * lde + lo), lde, s.maxIter);
    if (it < 0) return false;
    s.total += it;
    return true;
  }
  const n1 = m >> 1, beta = s.e[lo + n1 - 1];
  s.e[lo + n1 - 1] = 0;
  s.d[lo + n1 - 1] -= Math.abs(beta);
  s.d[lo + n1] -= Math.abs(beta);
  return solve(s, lo, n1) && solve(s, lo + n1, m - n1) && merge(s, lo, m, n1, beta);
}

/**
 * The halves' eigenpairs (rows lo..lo+n1 and lo+n1..lo+m of E, each
 * supported on its own half of the block's columns) to the block's: T =
 * diag(T1, T2) + |beta| u uᵀ, u = e_{n1-1} ± e_{n1}, so in the halves' bases
 * D + rho z zᵀ with z_p the coupling entry of row p (dlaed2's deflation, then
 * secularEigen, then the rows as GEMMs over the halves: dlaed3).
 */
function merge(s: Scratch, lo: number, m: number, n1: number, beta: number): boolean {
  const { E, lde, d, z } = s;
  const n2 = m - n1, sg = beta < 0 ? -1 : 1;
  // Each half's rows are zero in the other half's columns (those entries were never written).
  for (let p = 0; p < m; p++) {
    const r = (lo + p) * lde + lo;
    if (p < n1) E.fill(0, r + n1, r + m);
    else E.fill(0, r, r + n1);
  }
  let zz = 0;
  for (let p = 0; p < m; p++) {
    const v = p < n1 ? E[(lo + p) * lde + lo + n1 - 1] : sg * E[(lo + p) * lde + lo + n1];
    z[p] = v;
    zz += v * v;
  }
  const zn = Math.sqrt(zz);
  let rho = Math.abs(beta) * zz, dmax = 0, zmax = 0;
  for (let p = 0; p < m; p++) {
    z[p] /= zn;
    dmax = Math.max(dmax, Math.abs(d[lo + p]));
    zmax = Math.max(zmax, Math.abs(z[p]));
  }
  if (zz === 0) rho = 0;
  const order = Array.from({ length: m }, (_, p) => p).sort((p, q) => d[lo + p] - d[lo + q] || p - q);
  const tol = 8 * EPS * Math.max(dmax, zmax);
  // Support of each row: 1 the first half's columns, 2 the second's, 3 both (after a rotation).
  const kind = new Uint8Array(m);
  for (let p = 0; p < m; p++) kind[p] = p < n1 ? 1 : 2;
  const kept: number[] = [], deflated: number[] = [];
  if (rho * zmax <= tol) {
    deflated.push(...order);
  } else {
    let prev = -1;
    for (const p of order) {
      if (rho * Math.abs(z[p]) <= tol) {
        deflated.push(p);
        continue;
      }
      if (prev >= 0) {
        // Two close poles: a rotation of their rows zeroes z[prev]; its residual (d_p - d_prev) c s is negligible.
        const tau = Math.hypot(z[p], z[prev]);
        const c = z[p] / tau, sn = -z[prev] / tau, t = d[lo + p] - d[lo + prev];
        if (Math.abs(t * c * sn) <= tol) {
          z[p] = tau;
          z[prev] = 0;
          rotate(E, (lo + prev) * lde + lo, (lo + p) * lde + lo, m, c, sn);
          kind[p] |= kind[prev];
          kind[prev] |= kind[p];
          const dp = d[lo + prev], dq = d[lo + p];
          d[lo + prev] = dp * c * c + dq * sn * sn;
          d[lo + p] = dp * sn * sn + dq * c * c;
          deflated.push(prev);
        } else {
          kept.push(prev);
        }
      }
      prev = p;
    }
    if (prev >= 0) kept.push(prev);
  }
  const k = kept.length, O = s.O;
  // Deflated rows keep their eigenpair: copied below the k rows the GEMMs write.
  for (let t = 0; t < deflated.length; t++) {
    const r = (lo + deflated[t]) * lde + lo;
    O.set(E.subarray(r, r + m), (k + t) * m);
  }
  if (k > 0 && !mergeKept(s, lo, m, n1, n2, rho, kept, kind)) return false;
  // The block's eigenpairs, ascending.
  const vals = new Float64Array(m);
  for (let j = 0; j < k; j++) vals[j] = s.lam[j];
  for (let t = 0; t < deflated.length; t++) vals[k + t] = d[lo + deflated[t]];
  const out = Array.from({ length: m }, (_, r) => r).sort((p, q) => vals[p] - vals[q] || p - q);
  for (let r = 0; r < m; r++) {
    d[lo + r] = vals[out[r]];
    E.set(O.subarray(out[r] * m, out[r] * m + m), (lo + r) * lde + lo);
  }
  return true;
}

/** The k undeflated eigenpairs: secularEigen, then the rows [U1 G1, U2 G2] by two GEMMs into O's first k rows. */
function mergeKept(
  s: Scratch, lo: number, m: number, n1: number, n2: number, rho: number, kept: number[], kind: Uint8Array,
): boolean {
  const { K, E, lde, d, z, dk, zk, lam, U, G, O, row } = s;
  const k = kept.length;
  for (let i = 0; i < k; i++) {
    dk[i] = d[lo + kept[i]];
    zk[i] = z[kept[i]];
  }
  const it = K.secularEigen(k, dk, zk, rho, lam, U, k, s.sw);
  if (it < 0) return false;
  s.total += it;
  // Columns of U regrouped: rows supported on the first half, on both, on the second (dlaed2's groups).
  const pos = new Int32Array(k), src: number[] = [];
  for (const want of [1, 3, 2]) for (let i = 0; i < k; i++) if (kind[kept[i]] === want) (pos[i] = src.length), src.push(kept[i]);
  let g1 = 0, g3 = 0;
  for (let i = 0; i < k; i++) {
    if (kind[kept[i]] === 1) g1++;
    else if (kind[kept[i]] === 2) g3++;
  }
  const k1 = k - g3, k2 = k - g1;
  for (let j = 0; j < k; j++) {
    const r = j * k;
    row.set(U.subarray(r, r + k));
    for (let i = 0; i < k; i++) U[r + pos[i]] = row[i];
  }
  for (let i = 0; i < k1; i++) {
    const r = (lo + src[i]) * lde + lo;
    G.set(E.subarray(r, r + n1), i * n1);
  }
  const Gb = G.subarray(k1 * n1);
  for (let i = 0; i < k2; i++) {
    const r = (lo + src[g1 + i]) * lde + lo + n1;
    Gb.set(E.subarray(r, r + n2), i * n2);
  }
  K.gemm(false, false, k, n1, k1, 1, U, k, G, n1, 0, O, m);
  K.gemm(false, false, k, n2, k2, 1, U.subarray(g1), k, Gb, n2, 0, O.subarray(n1), m);
  return true;
}

function rotate(E: Float64Array, a: number, b: number, m: number, c: number, s: number): void {
  for (let i = 0; i < m; i++) {
    const x = E[a + i], y = E[b + i];
    E[a + i] = c * x + s * y;
    E[b + i] = c * y - s * x;
  }
}
