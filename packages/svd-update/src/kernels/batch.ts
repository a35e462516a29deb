// TypeScript twin of assembly/batch.ts: the per-batch bookkeeping of an
// update (support, scatter, projection, the core matrix and its SVD, the k x k
// rotation of K), the same operations in the same order (docs/ARCHITECTURE.md, "Twins").
import { luInverse } from "@lowrank/linalg/internal";
import { axpyAt, dotAt, jacobiRowsRetry, jsKernels } from "@lowrank/linalg/kernels";

/** Checks an s-row CSR batch and lists its support; see SvdUpdateKernels.csrSupport. O(nnz + s). */
export function csrSupport(
  s: number, dim: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array,
): number {
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
}

/** Ec (s x p) = the batch on its support, then the marker reset. O(nnz + s p). */
export function scatterBatch(
  s: number, p: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array, Ec: Float64Array,
): void {
  Ec.fill(0, 0, s * p);
  for (let i = 0; i < s; i++) for (let q = indptr[i]; q < indptr[i + 1]; q++) Ec[i * p + marker[indices[q]]] += data[q];
  for (let t = 0; t < p; t++) marker[idx[t]] = -1;
}

/** The kk leading singular triplets of the r x c M by one-sided Jacobi on [N | I]; see SvdUpdateKernels.smallSvdCore. O(sweeps R² (L + R)). */
export function smallSvdCore(
  r: number, c: number, M: Float64Array, kk: number, X: Float64Array, d: Float64Array,
  F: Float64Array, theta: Float64Array, G: Float64Array, maxSweeps: number, work: Float64Array,
): void {
  const trans = r > c;
  const R = trans ? c : r, L = trans ? r : c, w = L + R;
  X.fill(0, 0, R * w);
  for (let i = 0; i < R; i++) {
    if (trans) for (let j = 0; j < L; j++) X[i * w + j] = M[j * c + i];
    else X.set(M.subarray(i * c, i * c + L), i * w);
    X[i * w + L + i] = 1;
  }
  // linalg's Jacobi driver (tight, then loose tolerance) over the scaled-rotation kernel.
  jacobiRowsRetry(jsKernels, R, L, w, X, w, d, L, maxSweeps, true, work);
  const J = trans ? G : F, W = trans ? F : G;
  for (let i = 0; i < kk; i++) {
    theta[i] = d[i];
    const inv = d[i] > 0 ? 1 / d[i] : 0;
    for (let a = 0; a < R; a++) J[a * kk + i] = X[i * w + L + a];
    for (let a = 0; a < L; a++) W[a * kk + i] = X[i * w + a] * inv;
  }
}

/** C (k x k) = A B, row by row as axpys (the order of the WASM twin). */
function mulSmall(k: number, A: Float64Array, B: Float64Array, C: Float64Array): void {
  C.fill(0, 0, k * k);
  for (let i = 0; i < k; i++) for (let a = 0; a < k; a++) axpyAt(k, A[i * k + a], B, a * k, C, i * k);
}

/** Kn = K H, Kin = H⁻¹ K⁻¹, returns ||Kn||_F ||Kin||_F or -1 (H singular). O(k³). */
export function rotateFactor(
  k: number, K: Float64Array, Kinv: Float64Array, H: Float64Array, identity: boolean, Kn: Float64Array, Kin: Float64Array, work: Float64Array,
): number {
  const kk = k * k;
  const Hinv = work.subarray(0, kk), gj = work.subarray(kk, 3 * kk);
  if (identity) Kn.set(H.subarray(0, kk));
  else mulSmall(k, K, H, Kn);
  if (!luInverse(k, H, Hinv, gj)) return -1;
  if (identity) Kin.set(Hinv);
  else mulSmall(k, Hinv, Kinv, Kin);
  return Math.sqrt(dotAt(kk, Kn, 0, Kn, 0)) * Math.sqrt(dotAt(kk, Kin, 0, Kin, 0));
}

/** scatterBatch, then C0 (s x k) = Ec P[idx] K. O(nnz + s p k + s k²). */
export function projectBatch(
  s: number, p: number, k: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, marker: Int32Array, idx: Int32Array, P: Float64Array, K: Float64Array, identity: boolean, Ec: Float64Array, C0: Float64Array, tmp: Float64Array,
): void {
  scatterBatch(s, p, indptr, indices, data, marker, idx, Ec);
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
}

/** M ((k + s) x (k + sq)) = [[diag(sv), 0], [C0, Rᵀ]]. O((k + s)(k + sq)). */
export function appendCore(k: number, s: number, sq: number, sv: Float64Array, C0: Float64Array, R: Float64Array, M: Float64Array): void {
  const w = k + sq;
  M.fill(0, 0, (k + s) * w);
  for (let i = 0; i < k; i++) M[i * w + i] = sv[i];
  for (let j = 0; j < s; j++) {
    M.set(C0.subarray(j * k, j * k + k), (k + j) * w);
    for (let i = 0; i < sq; i++) M[(k + j) * w + k + i] = R[i * s + j];
  }
}
