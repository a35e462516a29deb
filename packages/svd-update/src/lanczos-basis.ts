// What the Lanczos forms (lanczos-gkl.ts, lanczos-gram.ts) and the randomized
// method (truncated.ts) share: the working copy of A in the arena, and the
// full reorthogonalisation of a new basis vector (docs/ARCHITECTURE.md).
import type { CsrMatrix, Rng } from "@lowrank/linalg";
import type { SvdWorkspace } from "./kernels/index.js";
import { maxAbs, scaleExponent, workingCopy } from "./scale.js";

/** A's structure and values copied into the workspace, the values scaled by 2^-e (see workingCopy). O(nnz). */
export interface ScaledCsr {
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
  e: number;
}

/** Copies A (m rows) into ws, scaled by a power of two so its entries lie in [2^-100, 2^100]. O(nnz). */
export function scaledCopy(ws: SvdWorkspace, A: CsrMatrix): ScaledCsr {
  const m = A.rows, nnz = A.indptr[m];
  const indptr = ws.i32(m + 1), indices = ws.i32(nnz), data = ws.f64(nnz);
  indptr.set(A.indptr.subarray(0, m + 1));
  indices.set(A.indices.subarray(0, nnz));
  const mx = maxAbs(A.data, nnz), e = scaleExponent(mx);
  data.set(workingCopy(A.data, nnz, mx, e));
  return { indptr, indices, data, e };
}

/** Gram-Schmidt against the rows of a basis, with the coefficients added to a projected matrix. */
export interface BasisOrth {
  /**
   * Orthogonalises w (length len, norm `nrm`) against the first j rows of X
   * by classical Gram-Schmidt, repeated once when the pass removed more than
   * half of w's squared norm (the DGKS criterion: after a second pass the
   * vector is orthogonal to working precision), adding the coefficients to
   * column `col` of T when col >= 0; returns the remaining norm. O(j len).
   */
  orthogonalise(X: Float64Array, len: number, j: number, w: Float64Array, col: number, nrm: number): number;
  /** Replaces w by a random unit vector orthogonal to the first j rows of X (j < len). O(j len). */
  randomOrthogonal(X: Float64Array, len: number, j: number, w: Float64Array): void;
  /**
   * Scales w (norm nrm after orthogonalise) to unit length and returns nrm
   * when nrm > floor; otherwise (w lay in the span of the first j rows of X:
   * deflation) replaces w by randomOrthogonal's vector and returns 0. O(j len).
   */
  normaliseOrRestart(X: Float64Array, len: number, j: number, w: Float64Array, nrm: number, floor: number): number;
}

/** The Gram-Schmidt of a Lanczos run: scratch h and h2 (length >= the basis size), T with row length ldt, random vectors from rng. */
export function basisOrth(ws: SvdWorkspace, rng: Rng, h: Float64Array, h2: Float64Array, T: Float64Array, ldt: number): BasisOrth {
  const K = ws.kernels;
  const orthogonalise = (X: Float64Array, len: number, j: number, w: Float64Array, col: number, nrm: number): number => {
    for (let pass = 0; pass < 2 && j > 0; pass++) {
      const c = pass === 0 ? h : h2;
      K.gemv(false, j, len, 1, X, len, w, 0, c);
      K.gemv(true, j, len, -1, X, len, c, 1, w);
      if (col >= 0) for (let i = 0; i < j; i++) T[i * ldt + col] += c[i];
      const after = Math.sqrt(K.dot(len, w, w));
      if (after > Math.SQRT1_2 * nrm) return after;
      nrm = after;
    }
    return nrm;
  };
  const randomOrthogonal = (X: Float64Array, len: number, j: number, w: Float64Array): void => {
    for (let attempt = 0; ; attempt++) {
      K.rngFill(rng, w, true);
      const nrm = orthogonalise(X, len, j, w, -1, Math.sqrt(K.dot(len, w, w)));
      // A Gaussian vector keeps about sqrt((len - j) / len) of its norm; less than 2^-20 of it is bad luck or rounding.
      if (nrm > 2 ** -20 * Math.sqrt(len) || attempt >= 3) {
        K.scal(len, 1 / nrm, w);
        return;
      }
    }
  };
  const normaliseOrRestart = (X: Float64Array, len: number, j: number, w: Float64Array, nrm: number, floor: number): number => {
    if (nrm > floor) {
      K.scal(len, 1 / nrm, w);
      return nrm;
    }
    randomOrthogonal(X, len, j, w);
    return 0;
  };
  return { orthogonalise, randomOrthogonal, normaliseOrRestart };
}
