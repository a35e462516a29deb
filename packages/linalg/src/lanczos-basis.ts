// What the Lanczos forms (lanczos-gkl.ts, lanczos-gram.ts) share, and with
// svd-update's randomized method: the working copy of A in the arena, the full
// reorthogonalisation of a new basis vector, the small projected SVD, and the
// arena scope of a run split into steps (docs/ARCHITECTURE.md).
import { completeColumns } from "./factor-util.js";
import type { LanczosKernels } from "./kernels/csr-vector.js";
import { jacobiRowsRetry } from "./kernels/svd-driver.js";
import { valueRange } from "./kernels/csr-vector.js";
import { scaleExponent, workingCopy } from "./pow2-scale.js";
import { pieceCoefs, transposeInto, transposePieces } from "./lanczos-pool.js";
import type { Rng } from "./rng.js";
import type { CsrMatrix } from "./types.js";
import { WasmWorkspace, type Workspace } from "./workspace.js";

/** A workspace whose kernel set has the Lanczos SVD's CSR products. */
export type LanczosWorkspace = Workspace<LanczosKernels>;

/**
 * A manual scope for work split into phases (a generator that yields between
 * them): returns the function that frees everything allocated since (nothing
 * to free on js). Call it in a `finally`.
 */
export function openScope(ws: object): () => void {
  if (!(ws instanceof WasmWorkspace)) return () => {};
  const arena = ws.instance.arena, mark = arena.mark();
  return () => arena.release(mark);
}

/** A's structure and values copied into the workspace, the values scaled by 2^-e (see workingCopy). O(nnz). */
export interface ScaledCsr {
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
  e: number;
}

/**
 * Copies A (m rows) into ws, scaled by a power of two so its entries lie in
 * [2^-100, 2^100] and with entries below 2^-480 of the largest set to zero
 * (workingCopy's rules; the scan on the pool where the kernel set has
 * valueRange); with `transposed`, Aᵀ instead (lanczos-pool.ts: on the pool
 * where the kernel set splits it, A's copy freed after; transposeScratch more
 * meanwhile). O(nnz).
 */
export function scaledCopy(ws: LanczosWorkspace, A: CsrMatrix, transposed = false): ScaledCsr {
  const K = ws.kernels, m = A.rows, nnz = A.indptr[m], rows = transposed ? A.cols : m;
  const indptr = ws.i32(rows + 1), indices = ws.scratchI32(nnz), data = ws.scratch(nnz);
  let e = 0;
  // A's values into x, then scaled and flushed there as workingCopy would.
  const values = (x: Float64Array) => {
    x.set(A.data.subarray(0, nnz));
    const [mx, lo] = K.valueRange ? K.valueRange(nnz, x) : jsRange(x, nnz);
    e = scaleExponent(mx);
    const tiny = mx * 2 ** -FLUSH;
    if (e !== 0 || lo < tiny) x.set(workingCopy(x, nnz, mx, e).subarray(0, nnz));
  };
  if (transposed) transposeInto(ws, A, values, { indptr, indices, data });
  else {
    indptr.set(A.indptr.subarray(0, m + 1));
    indices.set(A.indices.subarray(0, nnz));
    values(data);
  }
  return { indptr, indices, data, e };
}

/** Entries below 2^-FLUSH of the largest are flushed to zero (pow2-scale.ts's workingCopy). */
const FLUSH = 480;

/** valueRange's twin over all of x (the js backend, and kernel sets without it). */
function jsRange(x: Float64Array, n: number): [number, number] {
  const out = new Float64Array(2);
  valueRange(x, 0, n, out, 0);
  return [out[0], out[1]];
}

/** What scaledCopy(ws, A, true) takes from the arena besides its result, as arenaBytes' (doubles, i32s, blocks), A rows x cols. */
export function transposeScratch(rows: number, cols: number, nnz: number): [number, number, number] {
  return [nnz, nnz + rows + 1 + transposePieces(nnz) * cols, 4];
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

/**
 * The Gram-Schmidt of a Lanczos run: scratch h and h2 (length >= the basis
 * size), T with row length ldt, random vectors from rng, `parts` the partial
 * coefficients (coefPartsSize of the basis size and the longest vector): the
 * coefficients are summed over fixed pieces of coordinates (lanczos-pool.ts).
 */
export function basisOrth(ws: LanczosWorkspace, rng: Rng, h: Float64Array, h2: Float64Array, T: Float64Array, ldt: number, parts: Float64Array): BasisOrth {
  const K = ws.kernels;
  const orthogonalise = (X: Float64Array, len: number, j: number, w: Float64Array, col: number, nrm: number): number => {
    for (let pass = 0; pass < 2 && j > 0; pass++) {
      const c = pass === 0 ? h : h2;
      pieceCoefs(K, j, len, X, len, w, c, parts);
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

/** Jacobi sweeps per tolerance (convergence is quadratic; 6-12 are typical). */
const SWEEPS = 30;

/** The kk leading singular triplets of a small matrix: M ≈ F diag(theta) Gᵀ. */
export interface SmallSvd {
  /** r x kk, row-major. */
  F: Float64Array;
  theta: Float64Array;
  /** c x kk, row-major. */
  G: Float64Array;
}

/**
 * SVD of the small r x c row-major M (the Lanczos run's projected matrix) by
 * one-sided Jacobi on the rows of the shorter orientation: with X = [N | I]
 * for N = M (r <= c) or Mᵀ, rotating rows gives J N = Σ Wᵀ, so the
 * accumulated J supplies one side's vectors and the rotated rows over their
 * norms the other's (linalg's Jacobi driver with scaled rotations, tolerance
 * sqrt(L) eps then L eps: the arithmetic of svd-update's smallSvdCore, so the
 * same bits). Columns whose value is zero, or below 2^-450 of the largest,
 * are replaced by unit vectors orthogonal to the others (completeNull), so
 * both factors stay orthonormal. O(sweeps min(r,c)² max(r,c)).
 */
export function smallJacobiSvd(ws: Workspace, r: number, c: number, M: Float64Array, kk: number): SmallSvd {
  const K = ws.kernels;
  const R = Math.min(r, c), L = Math.max(r, c), w = L + R, trans = r > c;
  const X = ws.f64(R * w), d = ws.f64(R), work = ws.f64(5 * R + 5);
  const F = ws.f64(r * kk), G = ws.f64(c * kk), theta = ws.f64(kk);
  for (let i = 0; i < R; i++) {
    const xi = i * w;
    if (trans) for (let j = 0; j < L; j++) X[xi + j] = M[j * c + i];
    else X.set(M.subarray(i * c, i * c + L), xi);
    X[xi + L + i] = 1;
  }
  jacobiRowsRetry(K, R, L, w, X, w, d, L, SWEEPS, true, work);
  const J = trans ? G : F, W = trans ? F : G;
  for (let i = 0; i < kk; i++) {
    const di = d[i];
    theta[i] = di;
    const inv = di > 0 ? 1 / di : 0;
    for (let a = 0; a < R; a++) J[a * kk + i] = X[i * w + L + a];
    for (let a = 0; a < L; a++) W[a * kk + i] = X[i * w + a] * inv;
  }
  completeNull(trans ? F : G, L, kk, theta);
  return { F, theta, G };
}

/**
 * Replaces the columns of W (n x kk, the normalised side of a small SVD) whose
 * value is below 2^-450 of the largest, or whose norm is not 1, by unit
 * vectors orthogonal to the others (completeColumns). O(n kk), O(n kk²) when
 * one is replaced.
 */
export function completeNull(W: Float64Array, n: number, kk: number, theta: Float64Array): void {
  const floor = theta[0] * 2 ** -450;
  let any = false;
  const bad: boolean[] = [];
  for (let j = 0; j < kk; j++) {
    let nn = 0;
    for (let i = 0; i < n; i++) nn += W[i * kk + j] * W[i * kk + j];
    const b = !(theta[j] > floor) || !(Math.abs(nn - 1) < 1e-8);
    bad.push(b);
    any ||= b;
  }
  if (!any) return;
  for (let j = 0; j < kk; j++) if (bad[j]) for (let i = 0; i < n; i++) W[i * kk + j] = 0;
  completeColumns(W, n, kk, bad);
}
