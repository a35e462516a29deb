// Divide and conquer for the singular values and vectors of an upper
// bidiagonal (the route of LAPACK's dbdsdc / dlasd0-3), on a kernel set of
// either backend: split off a middle row, solve the two halves (bidiagonal QR
// at the leaves), merge by the SVD of an arrowhead with deflation; the
// secular equation and the arrowhead's vectors in the secularSvd kernel, the
// back-multiplication by GEMM. Used by svd's bidiagonal path for large,
// well-conditioned bidiagonals (docs/ARCHITECTURE.md, "@lowrank/linalg").
import type { LinalgKernels } from "./kernels/index.js";
import { bidiagonalQrWorkSize } from "./kernels/bidiagonal.js";
import { rotRows } from "./kernels/rotation.js";

/** Blocks of at most this many rows are solved by bidiagonal QR (dbdsdc's SMLSIZ). */
export const SVD_DC_LEAF = 25;
const EPS = 2.220446049250313e-16;

/** Doubles of scratch bidiagonalDc takes for order n. */
export function bidiagonalDcWorkSize(n: number): number {
  const L = SVD_DC_LEAF + 1;
  return 6 * n * n + 10 * n + 2 * L * L + 2 * L + bidiagonalQrWorkSize(L);
}

interface Scratch {
  K: LinalgKernels; d: Float64Array; e: Float64Array; U: Float64Array; ldu: number; V: Float64Array; ldv: number; total: number;
  z: Float64Array; dd: Float64Array; dk: Float64Array; zk: Float64Array; sig: Float64Array; work: Float64Array;
  v0: Float64Array; vn: Float64Array; Uk: Float64Array; Vk: Float64Array; Gl: Float64Array; Gr: Float64Array;
  OU: Float64Array; OV: Float64Array; Y: Float64Array; T: Float64Array; dR: Float64Array; eR: Float64Array; qw: Float64Array;
}

/**
 * SVD of the n x n upper bidiagonal B (diagonal d, superdiagonal e: e[i]
 * couples rows i and i+1; e[n-1] unused): B = Σ_j d_j u_j v_jᵀ with the
 * singular values descending in d, u_j in row j of U and v_j in row j of V
 * (n x n each, leading dimensions ldu and ldv; everything in them is
 * overwritten). e is left as it was. `buf` holds bidiagonalDcWorkSize(n).
 * Singular values to about eps · max d_j absolute (as LAPACK's dbdsdc), not
 * relative as bidiagonal QR's. Returns the QR sweeps and secular steps taken,
 * -1 when a leaf's QR or a secular root did not converge. O(n³) with no
 * deflation (two GEMMs a side per merge over the halves), less with it.
 */
export function bidiagonalDc(
  K: LinalgKernels, n: number, d: Float64Array, e: Float64Array, U: Float64Array, ldu: number, V: Float64Array, ldv: number, buf: Float64Array,
): number {
  const L = SVD_DC_LEAF + 1;
  let off = 0;
  const take = (len: number) => buf.subarray(off, (off += len));
  const ew = take(n);
  ew.set(e.subarray(0, n));
  ew[n - 1] = 0;
  const s: Scratch = {
    K, d, e: ew, U, ldu, V, ldv, total: 0,
    z: take(n), dd: take(n), dk: take(n), zk: take(n), sig: take(n), work: take(n), v0: take(n), vn: take(n),
    Uk: take(n * n), Vk: take(n * n), Gl: take(n * n), Gr: take(n * n), OU: take(n * n), OV: take(n * n),
    Y: take(L * L), T: take(L * L), dR: take(L), eR: take(L), qw: take(bidiagonalQrWorkSize(L)),
  };
  for (let i = 0; i < n; i++) {
    U.fill(0, i * ldu, i * ldu + n);
    V.fill(0, i * ldv, i * ldv + n);
  }
  if (!solve(s, 0, n, 0)) return -1;
  // Descending, as bidiagonal QR leaves them (the merges leave them ascending).
  descending(s, n);
  return s.total;
}

/** The block of rows r..r+nr and columns r..r+nr+sqre of B; its vectors to the same rows of U and V. */
function solve(s: Scratch, r: number, nr: number, sqre: number): boolean {
  if (nr <= SVD_DC_LEAF) return leaf(s, r, nr, sqre);
  const nl = nr >> 1, alpha = s.d[r + nl], beta = s.e[r + nl];
  return solve(s, r, nl, 1) && solve(s, r + nl + 1, nr - nl - 1, sqre) && merge(s, r, nr, sqre, nl, alpha, beta);
}

/**
 * A block by bidiagonal QR. With an extra column (sqre = 1) the entry in it is
 * first rotated up and away by rotations of column pairs (i, nr), which leave
 * a square upper bidiagonal R and a zero column: B = [R 0] Gᵀ, so B's right
 * vectors are diag(R's, 1) Gᵀ and the last row of Gᵀ spans its null space.
 */
function leaf(s: Scratch, r: number, nr: number, sqre: number): boolean {
  const { K, d, e, U, ldu, V, ldv, dR, eR, qw } = s;
  const nc = nr + sqre;
  for (let i = 0; i < nr; i++) U[(r + i) * ldu + r + i] = 1;
  for (let i = 0; i < nc; i++) V[(r + i) * ldv + r + i] = 1;
  for (let i = 0; i < nr; i++) {
    dR[i] = d[r + i];
    eR[i] = i < nr - 1 ? e[r + i] : 0;
  }
  if (sqre === 1) {
    let f = e[r + nr - 1];
    for (let i = nr - 1; i >= 0; i--) {
      const h = Math.hypot(dR[i], f), c = h === 0 ? 1 : dR[i] / h, sn = h === 0 ? 0 : f / h;
      dR[i] = h;
      if (i > 0) {
        f = -sn * eR[i - 1];
        eR[i - 1] *= c;
      }
      // Gᵀ's rows i and nr (V's rows, still the identity's but for the rotations so far): x <- c x + s y, y <- c y - s x.
      rotRows(nc, V, (r + i) * ldv + r, V, (r + nr) * ldv + r, c, -sn);
    }
  }
  const lw = qw.length;
  let it: number;
  d.set(dR.subarray(0, nr), r);
  if (sqre === 0) {
    it = K.bidiagonalQr(nr, d.subarray(r), eR, U.subarray(r * ldu + r), ldu, V.subarray(r * ldv + r), ldv, qw, lw);
  } else {
    // R's right vectors into Y (nr x nr), then V's first nr rows (of Gᵀ) to Y Gᵀ.
    const { Y, T } = s;
    Y.fill(0, 0, nr * nr);
    for (let i = 0; i < nr; i++) Y[i * nr + i] = 1;
    it = K.bidiagonalQr(nr, d.subarray(r), eR, U.subarray(r * ldu + r), ldu, Y, nr, qw, lw);
    for (let i = 0; i < nr; i++) T.set(V.subarray((r + i) * ldv + r, (r + i) * ldv + r + nc), i * nc);
    K.gemm(false, false, nr, nc, nr, 1, Y, nr, T, nc, 0, V.subarray(r * ldv + r), ldv);
  }
  if (it < 0) return false;
  s.total += it;
  return true;
}

/**
 * Merges the halves' SVDs (rows r..r+nl with columns r..r+nl+1, and rows
 * r+nl+1..r+nr with the rest) across the middle row nl (alpha on the
 * diagonal, beta right of it). In the halves' vectors the block is the
 * arrowhead e_0 zᵀ + diag(0, σ's): row 0 the middle row, column 0 the
 * halves' null vectors rotated into one (the other, with sqre, the block's
 * null vector). Deflation as dlasd2: negligible z entries, singular values
 * within the tolerance of 0 (rotated into column 0) or of each other (a
 * rotation of both sides' vectors zeroes one z); then secularSvd on the rest
 * and the vectors by GEMMs over each half's columns (the rows grouped by the
 * halves they touch, as dlasd3).
 */
function merge(s: Scratch, r: number, nr: number, sqre: number, nl: number, alpha: number, beta: number): boolean {
  const { K, d, U, ldu, V, ldv, z, dd, v0, vn } = s;
  const nrr = nr - nl - 1, ncl = nl + 1, ncr = nrr + sqre, nc = nr + sqre;
  const cm = r + nl, cR = r + nl + 1;
  // Arrowhead index t: 0 the null column, 1..nl the left half's, nl+1.. the right's; its U and V rows.
  const row = (t: number) => (t <= nl ? r + t - 1 : cR + t - 1 - nl);
  const zn1 = alpha * V[cm * ldv + cm], zn2 = sqre ? beta * V[(r + nc - 1) * ldv + cR] : 0;
  for (let t = 1; t < nr; t++) {
    const i = row(t);
    z[t] = t <= nl ? alpha * V[i * ldv + cm] : beta * V[i * ldv + cR];
    dd[t] = d[i];
  }
  const z0 = Math.hypot(zn1, zn2), c0 = z0 === 0 ? 1 : zn1 / z0, s0 = z0 === 0 ? 0 : zn2 / z0;
  // v0 = c0 n1 + s0 n2 and the block's null vector -s0 n1 + c0 n2, over the block's nc columns.
  for (let t = 0; t < nc; t++) {
    const x = t < ncl ? V[cm * ldv + r + t] : 0, y = sqre && t >= ncl ? V[(r + nc - 1) * ldv + r + t] : 0;
    v0[t] = c0 * x + s0 * y;
    vn[t] = c0 * y - s0 * x;
  }
  z[0] = z0;
  dd[0] = 0;
  let dmax = Math.max(Math.abs(alpha), Math.abs(beta)), zmax = z0;
  for (let t = 1; t < nr; t++) {
    dmax = Math.max(dmax, dd[t]);
    zmax = Math.max(zmax, Math.abs(z[t]));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);
  if (z[0] <= tol) z[0] = tol;
  const order = Array.from({ length: nr - 1 }, (_, t) => t + 1).sort((p, q) => dd[p] - dd[q] || p - q);
  // Support of each index's vectors: 1 the left half's columns, 2 the right's, 3 both (after a rotation).
  const kind = new Uint8Array(nr);
  for (let t = 1; t < nr; t++) kind[t] = t <= nl ? 1 : 2;
  const kept: number[] = [0], deflated: number[] = [];
  let prev = -1;
  for (const p of order) {
    if (Math.abs(z[p]) <= tol) {
      deflated.push(p);
      continue;
    }
    if (dd[p] <= tol) {
      // Within the tolerance of 0: rotating V's column p into column 0 zeroes z[p]; row p keeps c dd[p] (its s dd[p] dropped).
      const h = Math.hypot(z[0], z[p]), c = z[0] / h, sn = z[p] / h;
      z[0] = h;
      z[p] = 0;
      dd[p] *= c;
      rotRows(nc, v0, 0, V, row(p) * ldv + r, c, -sn);
      deflated.push(p);
      continue;
    }
    if (prev >= 0) {
      // Two close singular values: one rotation of both sides' vectors zeroes z[prev]; its residual (dd_p - dd_prev) c s is negligible.
      const tau = Math.hypot(z[p], z[prev]);
      const c = z[p] / tau, sn = -z[prev] / tau, gap = dd[p] - dd[prev];
      if (Math.abs(gap * c * sn) <= tol) {
        z[p] = tau;
        z[prev] = 0;
        rotRows(nr, U, row(prev) * ldu + r, U, row(p) * ldu + r, c, -sn);
        rotRows(nc, V, row(prev) * ldv + r, V, row(p) * ldv + r, c, -sn);
        kind[p] |= kind[prev];
        kind[prev] |= kind[p];
        const dp = dd[prev], dq = dd[p];
        dd[prev] = dp * c * c + dq * sn * sn;
        dd[p] = dp * sn * sn + dq * c * c;
        deflated.push(prev);
      } else {
        kept.push(prev);
      }
    }
    prev = p;
  }
  if (prev >= 0) kept.push(prev);
  const k = kept.length, { OU, OV } = s;
  // Deflated rows keep their vectors: copied below the k rows the GEMMs write.
  for (let t = 0; t < deflated.length; t++) {
    const i = row(deflated[t]);
    OU.set(U.subarray(i * ldu + r, i * ldu + r + nr), (k + t) * nr);
    OV.set(V.subarray(i * ldv + r, i * ldv + r + nc), (k + t) * nc);
  }
  if (!mergeKept(s, r, nr, nc, nl, ncl, nrr, ncr, kept, kind, row)) return false;
  // The block's triplets, ascending; then its null vector (sqre) in the last row of V.
  const vals = new Float64Array(nr);
  for (let j = 0; j < k; j++) vals[j] = s.sig[j];
  for (let t = 0; t < deflated.length; t++) vals[k + t] = dd[deflated[t]];
  const out = Array.from({ length: nr }, (_, j) => j).sort((p, q) => vals[p] - vals[q] || p - q);
  for (let j = 0; j < nr; j++) {
    const w = out[j];
    d[r + j] = vals[w];
    U.set(OU.subarray(w * nr, w * nr + nr), (r + j) * ldu + r);
    V.set(OV.subarray(w * nc, w * nc + nc), (r + j) * ldv + r);
  }
  if (sqre) V.set(vn.subarray(0, nc), (r + nr) * ldv + r);
  return true;
}

/**
 * The k undeflated triplets: secularSvd, then U's rows [Uk·Gl, Uk[:, 0], Uk·Gr] and V's [Vk·Gl, Vk·Gr] by GEMMs
 * into the first k rows of OU and OV, the arrowhead's indices in the order left-only, 0, both, right-only, so that
 * each half's GEMM takes a contiguous range of them (index 0's U row is the middle row alone: zero in Gl and Gr).
 */
function mergeKept(
  s: Scratch, r: number, nr: number, nc: number, nl: number, ncl: number, nrr: number, ncr: number,
  kept: number[], kind: Uint8Array, row: (t: number) => number,
): boolean {
  const { K, U, ldu, V, ldv, z, dd, dk, zk, sig, Uk, Vk, Gl, Gr, OU, OV, v0, work } = s;
  const k = kept.length;
  for (let j = 0; j < k; j++) {
    dk[j] = dd[kept[j]];
    zk[j] = z[kept[j]];
  }
  if (k === 1) {
    // Only the null column is left: σ = z_0 (at least 0), u the middle row, v v0.
    sig[0] = zk[0];
    Uk[0] = Vk[0] = 1;
  } else {
    const it = K.secularSvd(k, dk, zk, sig, Uk, Vk, k, work);
    if (it < 0) return false;
    s.total += it;
  }
  // Position of each kept index in the GEMMs' order.
  const src: number[] = [];
  for (let j = 0; j < k; j++) if (kind[kept[j]] === 1) src.push(j);
  const gL = src.length;
  src.push(0);
  for (let j = 1; j < k; j++) if (kind[kept[j]] === 3) src.push(j);
  const gB = src.length - gL - 1;
  for (let j = 1; j < k; j++) if (kind[kept[j]] === 2) src.push(j);
  const kl = gL + 1 + gB, kr = k - gL;
  // Uk's and Vk's columns permuted into that order (row by row through `work`).
  for (const X of [Uk, Vk]) {
    for (let i = 0; i < k; i++) {
      const b = i * k;
      for (let j = 0; j < k; j++) work[j] = X[b + src[j]];
      X.set(work.subarray(0, k), b);
    }
  }
  // U: left columns from the rows in [0, kl), right ones from [gL, k); index 0 (the middle row) is zero in both.
  for (let q = 0; q < kl; q++) {
    const t = kept[src[q]];
    if (t === 0) Gl.fill(0, q * nl, q * nl + nl);
    else Gl.set(U.subarray(row(t) * ldu + r, row(t) * ldu + r + nl), q * nl);
  }
  for (let q = 0; q < kr; q++) {
    const t = kept[src[gL + q]], c = r + nl + 1;
    if (t === 0) Gr.fill(0, q * nrr, q * nrr + nrr);
    else Gr.set(U.subarray(row(t) * ldu + c, row(t) * ldu + c + nrr), q * nrr);
  }
  if (nl > 0) K.gemm(false, false, k, nl, kl, 1, Uk, k, Gl, nl, 0, OU, nr);
  if (nrr > 0) K.gemm(false, false, k, nrr, kr, 1, Uk.subarray(gL), k, Gr, nrr, 0, OU.subarray(nl + 1), nr);
  for (let j = 0; j < k; j++) OU[j * nr + nl] = Uk[j * k + gL];
  // V: the same ranges; index 0's row is v0 (both halves).
  for (let q = 0; q < kl; q++) {
    const t = kept[src[q]];
    if (t === 0) Gl.set(v0.subarray(0, ncl), q * ncl);
    else Gl.set(V.subarray(row(t) * ldv + r, row(t) * ldv + r + ncl), q * ncl);
  }
  for (let q = 0; q < kr; q++) {
    const t = kept[src[gL + q]], c = r + ncl;
    if (t === 0) Gr.set(v0.subarray(ncl, nc), q * ncr);
    else Gr.set(V.subarray(row(t) * ldv + c, row(t) * ldv + c + ncr), q * ncr);
  }
  K.gemm(false, false, k, ncl, kl, 1, Vk, k, Gl, ncl, 0, OV, nc);
  if (ncr > 0) K.gemm(false, false, k, ncr, kr, 1, Vk.subarray(gL), k, Gr, ncr, 0, OV.subarray(ncl), nc);
  return true;
}

/** Sorts the n triplets descending (rows of U and V moved through OU and OV). */
function descending(s: Scratch, n: number): void {
  const { d, U, ldu, V, ldv, OU, OV } = s;
  const out = Array.from({ length: n }, (_, j) => j).sort((p, q) => d[q] - d[p] || p - q);
  let sorted = true;
  for (let j = 0; j < n && sorted; j++) sorted = out[j] === j;
  if (sorted) return;
  const vals = Float64Array.from(d.subarray(0, n));
  for (let j = 0; j < n; j++) {
    OU.set(U.subarray(j * ldu, j * ldu + n), j * n);
    OV.set(V.subarray(j * ldv, j * ldv + n), j * n);
  }
  for (let j = 0; j < n; j++) {
    const w = out[j];
    d[j] = vals[w];
    U.set(OU.subarray(w * n, w * n + n), j * ldu);
    V.set(OV.subarray(w * n, w * n + n), j * ldv);
  }
}
