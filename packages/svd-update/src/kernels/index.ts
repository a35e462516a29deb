// The kernel set of @lowrank/svd-update: its interface and its plain-TypeScript
// twin (backend "js"), assembled from one twin file per AssemblyScript file:
// assembly/<name>.ts is mirrored by ./<name>.ts with the same kernel names
// (docs/ARCHITECTURE.md, "Twins"). Internal: not exported from the package's
// main entry.
import { type Workspace } from "@lowrank/linalg/internal";
import { jsCsrVectorKernels, jsKernels, type CsrVectorKernels, type LinalgKernels } from "@lowrank/linalg/kernels";
import { gklExpand, pairCoordinates } from "./approx-space.js";
import { appendCore, csrSupport, projectBatch, rotateFactor, scatterBatch, smallSvdCore } from "./batch.js";
import { gatherRows, scatterAddRows } from "./rows.js";
import { sparseGramSchmidt } from "./sparse-gram-schmidt.js";

/** A linalg workspace running this package's kernel set (plain arrays on js, one instance's arena on wasm). */
export type SvdWorkspace = Workspace<SvdUpdateKernels>;

/**
 * The kernel set of @lowrank/svd-update: linalg's kernels plus its own,
 * mirrored by assembly/rows.ts, sparse-gram-schmidt.ts, batch.ts and
 * approx-space.ts, and linalg's CSR products of the Lanczos SVD
 * (its assembly/csr-vector.ts, exported by this module). Views are
 * row-major; on the wasm backend every view must live in the instance's memory.
 */
export interface SvdUpdateKernels extends LinalgKernels, CsrVectorKernels {
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
   * doubles, for R = min(r, c), L = max), run by linalg's Jacobi driver
   * (jacobiRowsRetry over jacobiRowsScaled: sqrt(L) eps, then L eps should that not
   * converge in maxSweeps; 5 R + 5 doubles of work). F (r x kk), theta (kk), G (c x kk).
   * O(sweeps R² (L + R)).
   */
  smallSvdCore(r: number, c: number, M: Float64Array, kk: number, X: Float64Array, d: Float64Array, F: Float64Array, theta: Float64Array, G: Float64Array, maxSweeps: number, work: Float64Array): void;
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
}

/**
 * The plain-TypeScript kernel set (the `js` backend): linalg's `jsKernels`
 * plus this package's twins, the readable reference of the WASM build. Each
 * kernel's cost is on the interface.
 *
 * @example
 * const kept = jsSvdUpdateKernels.sparseGramSchmidt(s, p, k, B, C, R, 1e-12, 0);
 */
export const jsSvdUpdateKernels: SvdUpdateKernels = {
  ...jsKernels,
  ...jsCsrVectorKernels,
  gatherRows, scatterAddRows, sparseGramSchmidt, csrSupport, scatterBatch, smallSvdCore, rotateFactor, projectBatch,
  gklExpand, pairCoordinates, appendCore,
};
