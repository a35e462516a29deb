import { axpyAt, dotAt, jsKernels, type LinalgKernels } from "@lowrank/linalg";

/**
 * The kernel set of @lowrank/svd-update: linalg's kernels plus three of its own,
 * mirrored by assembly/rows.ts and assembly/sparse-gram-schmidt.ts. Views are
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
};
