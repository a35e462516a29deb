import { axpyAt, dotAt, jsKernels, luInverse, type LinalgKernels, type Workspace } from "@lowrank/linalg";

/** A linalg workspace running this package's kernel set (plain arrays on js, one instance's arena on wasm). */
export type SvdWorkspace = Workspace<SvdUpdateKernels>;

/**
 * The kernel set of @lowrank/svd-update: linalg's kernels plus its own,
 * mirrored by assembly/rows.ts, sparse-gram-schmidt.ts, batch.ts and
 * approx-space.ts. Views are
 * row-major; on the wasm backend every view must live in the instance's memory.
 */
export interface SvdUpdateKernels extends LinalgKernels {
  /** out (p x k) = rows idx[0..p) of P (k columns). O(pk). */
  gatherRows(p: number, k: number, idx: Int32Array, P: Float64Array, out: Float64Array): void;
  /** P[idx[i]] += X[i] for i < p (X is p x k). O(pk). */
  scatterAddRows(p: number, k: number, idx: Int32Array, X: Float64Array, P: Float64Array): void;
  /**
   * Modified Gram-Schmidt of the batch q_j = b_j - V c_j (rows of B, s x p, and
   * C, s x k) using <q_i, q_j> = b_i·b_j - c_i·c_j (valid because c_j = Vᵀ b_j
   * and Vᵀ V = I). Kept columns are normalised and compacted to the front of B
   * and C; R (s x s) row i holds kept q_i's coefficients: e_j = V c0_j + Σ_i R[i][j] q_i.
   * Drops a column whose remaining squared norm is at most tol2 ||e_j||²; runs a
   * second pass when a pass removed over half the squared norm. The first
   * `start` rows are taken as already orthonormal (kept, R = I there), so a
   * basis can grow a vector at a time. Returns the number kept. O((s² - start²) (p + k)).
   */
  sparseGramSchmidt(s: number, p: number, k: number, B: Float64Array, C: Float64Array, R: Float64Array, tol2: number, start: number): number;
  /**
   * Checks an s-row CSR batch (indptr from 0 and non-decreasing, indices in
   * [0, dim), data finite) and lists its distinct indices in first-seen order
   * in idx, setting marker[j] to j's position (marker is -1 elsewhere).
   * Returns the support size p, or -1 (indptr), -2 (index), -3 (non-finite),
   * leaving marker untouched. O(nnz + s).
   */
  csrSupport(s: number, dim: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array): number;
  /** Ec (s x p) = the batch on its support (positions from marker); then marker[idx[t]] = -1 for t < p. O(nnz + s p). */
  scatterBatch(s: number, p: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array, Ec: Float64Array): void;
  /**
   * The kk leading singular triplets of the r x c row-major M by one-sided
   * Jacobi on X = [N | I] (N = M, or Mᵀ when r > c; X is R x (L + R), d R
   * doubles, for R = min(r, c), L = max): tolerance tol1, then tol2 should
   * tol1 not converge in maxSweeps (linalg's jacobiRowsScaled, 5 R + 5 doubles of work). F (r x kk), theta (kk), G (c x kk).
   * O(sweeps R² (L + R)).
   */
  smallSvdCore(r: number, c: number, M: Float64Array, kk: number, X: Float64Array, d: Float64Array, F: Float64Array, theta: Float64Array, G: Float64Array, tol1: number, tol2: number, maxSweeps: number, work: Float64Array): void;
  /**
   * Kn = K H (H when identity), Kin = H⁻¹ K⁻¹ (H⁻¹ when identity), H⁻¹ by
   * Gauss-Jordan with partial pivoting. Returns ||Kn||_F ||Kin||_F, or -1 when H is singular
   * (Kin undefined). work: 3 k² + 2 k doubles. O(k³).
   */
  rotateFactor(k: number, K: Float64Array, Kinv: Float64Array, H: Float64Array, identity: boolean, Kn: Float64Array, Kin: Float64Array, work: Float64Array): number;
  /**
   * scatterBatch into Ec (s x p), then C0 (s x k) = Ec P[idx] K (without K
   * when identity), reading the support rows of the tall factor P directly.
   * tmp: s k doubles. O(nnz + s p k + s k²).
   */
  projectBatch(
    s: number, p: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array,
    P: Float64Array, K: Float64Array, identity: boolean, Ec: Float64Array, C0: Float64Array, tmp: Float64Array,
  ): void;
  /** M ((k + s) x (k + sq)) = [[diag(sv), 0], [C0, Rᵀ]] for C0 (s x k) and R (sq rows of length s). O((k + s)(k + sq)). */
  appendCore(k: number, s: number, sq: number, sv: Float64Array, C0: Float64Array, R: Float64Array, M: Float64Array): void;
  /**
   * Golub-Kahan-Lanczos with full reorthogonalisation for the batch
   * X = Xbᵀ - V Xcᵀ (s pairs (b, c), b of length p, c of length kc; kc = 0
   * for dense vectors), V given by its support rows Pg (p x k) and K (unused
   * when identity or kc = 0), from the unnormalised start vector in row 0 of
   * Vr: v_1 = q / ||q||, then u = X v_lq (row lq of B, C), re-projected
   * against V, Gram-Schmidt against the kept u's (sparseGramSchmidt), and
   * re-projected again; v = Xᵀ u, Gram-Schmidt against the kept v's; until l
   * u's are kept, a new u lies in the span, or s v's exist. B (l x p),
   * C (l x kc), Vr (l x s), Rg, Rv (l x l), t (k doubles). Returns the number
   * of kept u's. O(l (s (p + kc) + l (p + kc + s) + p k + k²)).
   */
  gklExpand(
    s: number, p: number, kc: number, k: number, l: number, Xb: Float64Array, Xc: Float64Array, Pg: Float64Array, K: Float64Array,
    identity: boolean, B: Float64Array, C: Float64Array, Vr: Float64Array, Rg: Float64Array, Rv: Float64Array, t: Float64Array, tol2: number,
  ): number;
  /**
   * R (lq x s) = Zᵀ X for the lq pairs (B, C) of Z and the s pairs (Xb, Xc)
   * of X: R[i][j] = b_i·xb_j - c_i·xc_j (b's of length p, c's of length kc;
   * Xc and C unread when kc = 0). O(lq s (p + kc)).
   */
  pairCoordinates(s: number, p: number, kc: number, lq: number, Xb: Float64Array, Xc: Float64Array, B: Float64Array, C: Float64Array, R: Float64Array): void;
  /** y (rows) = A x for CSR A, one vector (the Lanczos method's product; spmm with k = 1 pays a call per nonzero). O(nnz + rows). */
  csrMatvec(rows: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void;
  /** y (cols) = Aᵀ x for CSR A (rows x cols), one vector. O(nnz + rows + cols). */
  csrMatvecT(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void;
  /** y (cols) = Aᵀ (A x) for CSR A (rows x cols) in one pass over A: each row's dot product with x, then the row scattered scaled by it (csrMatvec then csrMatvecT, same sums). O(nnz + rows + cols). */
  csrGramMatvec(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array): void;
}

/** C (k x k) = A B, row by row as axpys (the order of the WASM twin). */
function mulSmall(k: number, A: Float64Array, B: Float64Array, C: Float64Array): void {
  C.fill(0, 0, k * k);
  for (let i = 0; i < k; i++) for (let a = 0; a < k; a++) axpyAt(k, A[i * k + a], B, a * k, C, i * k);
}

/** out[oo..oo+n) = Σ_{j < m} w[wo + j] M[mo + j n ..] (rows of the row-major M). */
function combineRows(m: number, n: number, w: Float64Array, wo: number, M: Float64Array, mo: number, out: Float64Array, oo: number): void {
  out.fill(0, oo, oo + n);
  for (let j = 0; j < m; j++) axpyAt(n, w[wo + j], M, mo + j * n, out, oo);
}

/** gklExpand's re-projection of the pair at offsets (bo, co): c = (bᵀ Pg) K, or b -= Pg (Pgᵀ b) when kc = 0. */
function reprojectAt(
  p: number, kc: number, k: number, Pg: Float64Array, K: Float64Array, identity: boolean,
  B: Float64Array, bo: number, C: Float64Array, co: number, t: Float64Array,
): void {
  if (k === 0) return;
  if (kc > 0) {
    if (identity) combineRows(p, k, B, bo, Pg, 0, C, co);
    else {
      combineRows(p, k, B, bo, Pg, 0, t, 0);
      combineRows(k, k, t, 0, K, 0, C, co);
    }
  } else {
    combineRows(p, k, B, bo, Pg, 0, t, 0);
    for (let i = 0; i < p; i++) B[bo + i] -= dotAt(k, Pg, i * k, t, 0);
  }
}

/**
 * The plain-TypeScript kernel set (the `js` backend): linalg's `jsKernels`
 * plus this package's three, the readable reference of the WASM build. Each
 * kernel's cost is on the interface.
 *
 * @example
 * const kept = jsSvdUpdateKernels.sparseGramSchmidt(s, p, k, B, C, R, 1e-12, 0);
 */
export const jsSvdUpdateKernels: SvdUpdateKernels = {
  ...jsKernels,
  gatherRows(p, k, idx, P, out) {
    for (let i = 0; i < p; i++) out.set(P.subarray(idx[i] * k, idx[i] * k + k), i * k);
  },
  scatterAddRows(p, k, idx, X, P) {
    for (let i = 0; i < p; i++) axpyAt(k, 1, X, i * k, P, idx[i] * k);
  },
  sparseGramSchmidt(s, p, k, B, C, R, tol2, start) {
    R.fill(0, 0, s * s);
    const qdot = (i: number, j: number) => dotAt(p, B, i * p, B, j * p) - dotAt(k, C, i * k, C, j * k);
    for (let i = 0; i < start; i++) R[i * s + i] = 1;
    let kept = start;
    for (let j = start; j < s; j++) {
      // Relative to ||e_j||²: b·b - c·c cancels to about eps ||e_j||², so less than that is rounding.
      const ref = dotAt(p, B, j * p, B, j * p);
      let q2 = ref - dotAt(k, C, j * k, C, j * k);
      for (let pass = 0; pass < 2 && kept > 0; pass++) {
        for (let i = 0; i < kept; i++) {
          const r = qdot(i, j);
          axpyAt(p, -r, B, i * p, B, j * p);
          axpyAt(k, -r, C, i * k, C, j * k);
          R[i * s + j] += r;
        }
        const before = q2;
        q2 = qdot(j, j);
        if (q2 > 0.5 * before) break;
      }
      if (!(q2 > tol2 * ref) || !(ref > 0)) continue;
      const rjj = Math.sqrt(q2);
      for (let t = 0; t < p; t++) B[j * p + t] /= rjj;
      for (let t = 0; t < k; t++) C[j * k + t] /= rjj;
      R[kept * s + j] = rjj;
      if (kept < j) {
        B.copyWithin(kept * p, j * p, j * p + p);
        C.copyWithin(kept * k, j * k, j * k + k);
      }
      kept++;
    }
    return kept;
  },
  csrSupport(s, dim, indptr, indices, data, marker, idx) {
    if (indptr[0] !== 0) return -1;
    for (let i = 0; i < s; i++) if (indptr[i + 1] < indptr[i]) return -1;
    const nnz = indptr[s];
    for (let q = 0; q < nnz; q++) {
      const j = indices[q];
      if (!(j >= 0 && j < dim)) return -2;
      const v = data[q];
      if (!(v - v === 0)) return -3;
    }
    let p = 0;
    for (let q = 0; q < nnz; q++) {
      const j = indices[q];
      if (marker[j] < 0) {
        marker[j] = p;
        idx[p++] = j;
      }
    }
    return p;
  },
  scatterBatch(s, p, indptr, indices, data, marker, idx, Ec) {
    Ec.fill(0, 0, s * p);
    for (let i = 0; i < s; i++) for (let q = indptr[i]; q < indptr[i + 1]; q++) Ec[i * p + marker[indices[q]]] += data[q];
    for (let t = 0; t < p; t++) marker[idx[t]] = -1;
  },
  smallSvdCore(r, c, M, kk, X, d, F, theta, G, tol1, tol2, maxSweeps, work) {
    const trans = r > c;
    const R = trans ? c : r, L = trans ? r : c, w = L + R;
    X.fill(0, 0, R * w);
    for (let i = 0; i < R; i++) {
      if (trans) for (let j = 0; j < L; j++) X[i * w + j] = M[j * c + i];
      else X.set(M.subarray(i * c, i * c + L), i * w);
      X[i * w + L + i] = 1;
    }
    if (jsKernels.jacobiRowsScaled(R, L, w, X, w, d, tol1, maxSweeps, work) < 0) jsKernels.jacobiRowsScaled(R, L, w, X, w, d, tol2, maxSweeps, work);
    const J = trans ? G : F, W = trans ? F : G;
    for (let i = 0; i < kk; i++) {
      theta[i] = d[i];
      const inv = d[i] > 0 ? 1 / d[i] : 0;
      for (let a = 0; a < R; a++) J[a * kk + i] = X[i * w + L + a];
      for (let a = 0; a < L; a++) W[a * kk + i] = X[i * w + a] * inv;
    }
  },
  rotateFactor(k, K, Kinv, H, identity, Kn, Kin, work) {
    const kk = k * k;
    const Hinv = work.subarray(0, kk), gj = work.subarray(kk, 3 * kk);
    if (identity) Kn.set(H.subarray(0, kk));
    else mulSmall(k, K, H, Kn);
    if (!luInverse(k, H, Hinv, gj)) return -1;
    if (identity) Kin.set(Hinv);
    else mulSmall(k, Hinv, Kinv, Kin);
    return Math.sqrt(dotAt(kk, Kn, 0, Kn, 0)) * Math.sqrt(dotAt(kk, Kin, 0, Kin, 0));
  },
  projectBatch(s, p, k, indptr, indices, data, marker, idx, P, K, identity, Ec, C0, tmp) {
    jsSvdUpdateKernels.scatterBatch(s, p, indptr, indices, data, marker, idx, Ec);
    const out = identity ? C0 : tmp;
    out.fill(0, 0, s * k);
    for (let i = 0; i < s; i++) {
      for (let t = 0; t < p; t++) {
        const e = Ec[i * p + t];
        if (e !== 0) axpyAt(k, e, P, idx[t] * k, out, i * k);
      }
    }
    if (!identity) {
      C0.fill(0, 0, s * k);
      for (let i = 0; i < s; i++) for (let a = 0; a < k; a++) axpyAt(k, tmp[i * k + a], K, a * k, C0, i * k);
    }
  },
  gklExpand(s, p, kc, k, l, Xb, Xc, Pg, K, identity, B, C, Vr, Rg, Rv, t, tol2) {
    const gs = jsSvdUpdateKernels.sparseGramSchmidt;
    let lv = gs(1, s, 0, Vr, C, Rv, 0, 0);
    let lq = 0;
    while (lv > lq) {
      const bo = lq * p, co = lq * kc;
      combineRows(s, p, Vr, lq * s, Xb, 0, B, bo);
      if (kc > 0) combineRows(s, kc, Vr, lq * s, Xc, 0, C, co);
      reprojectAt(p, kc, k, Pg, K, identity, B, bo, C, co, t);
      const kept = gs(lq + 1, p, kc, B, C, Rg, tol2, lq);
      if (kept <= lq) break;
      reprojectAt(p, kc, k, Pg, K, identity, B, bo, C, co, t);
      lq = kept;
      if (lq === l || lv === s) break;
      const wo = lv * s;
      for (let j = 0; j < s; j++) {
        let x = dotAt(p, Xb, j * p, B, bo);
        if (kc > 0) x -= dotAt(kc, Xc, j * kc, C, co);
        Vr[wo + j] = x;
      }
      lv = gs(lv + 1, s, 0, Vr, C, Rv, tol2, lv);
    }
    return lq;
  },
  pairCoordinates(s, p, kc, lq, Xb, Xc, B, C, R) {
    for (let i = 0; i < lq; i++) {
      for (let j = 0; j < s; j++) {
        let x = dotAt(p, Xb, j * p, B, i * p);
        if (kc > 0) x -= dotAt(kc, Xc, j * kc, C, i * kc);
        R[i * s + j] = x;
      }
    }
  },
  csrMatvec(rows, indptr, indices, data, x, y) {
    let q = indptr[0];
    for (let i = 0; i < rows; i++) {
      const end = indptr[i + 1];
      let s0 = 0, s1 = 0;
      for (; q + 1 < end; q += 2) {
        s0 += data[q] * x[indices[q]];
        s1 += data[q + 1] * x[indices[q + 1]];
      }
      if (q < end) s0 += data[q] * x[indices[q]];
      q = end;
      y[i] = s0 + s1;
    }
  },
  csrMatvecT(rows, cols, indptr, indices, data, x, y) {
    y.fill(0, 0, cols);
    for (let i = 0; i < rows; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) y[indices[q]] += data[q] * xi;
    }
  },
  csrGramMatvec(rows, cols, indptr, indices, data, x, y) {
    y.fill(0, 0, cols);
    let q0 = indptr[0];
    for (let i = 0; i < rows; i++) {
      const end = indptr[i + 1];
      let s0 = 0, s1 = 0, q = q0;
      for (; q + 1 < end; q += 2) {
        s0 += data[q] * x[indices[q]];
        s1 += data[q + 1] * x[indices[q + 1]];
      }
      if (q < end) s0 += data[q] * x[indices[q]];
      const t = s0 + s1;
      if (t !== 0) for (q = q0; q < end; q++) y[indices[q]] += data[q] * t;
      q0 = end;
    }
  },
  appendCore(k, s, sq, sv, C0, R, M) {
    const w = k + sq;
    M.fill(0, 0, (k + s) * w);
    for (let i = 0; i < k; i++) M[i * w + i] = sv[i];
    for (let j = 0; j < s; j++) {
      M.set(C0.subarray(j * k, j * k + k), (k + j) * w);
      for (let i = 0; i < sq; i++) M[(k + j) * w + k + i] = R[i * s + j];
    }
  },
};
