import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { checkSquare, maxAbs, pow2Exponent, symmetrizeScaled, timesPow2, tooLarge } from "./factor-util.js";
import { QR_CROSSOVER, qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { tridiagonalApplyQtWorkSize, tridiagonalQlWorkSize } from "./kernels/tridiagonal.js";
import { withLinalg } from "./module.js";
import { DC_MIN, DC_MIN_JS, tridiagonalDc, tridiagonalDcWorkSize } from "./eigh-dc.js";
import { tridiagonalizeBlockedWorkSize } from "./kernels/tridiagonal-blocked.js";
import type { BackendOptions, DenseMatrix } from "./types.js";
import { checkDense } from "./validate.js";
import { readEighOptions } from "./schemas.js";
import { castResult, type Dtype, type DtypeOption, type WithDtype } from "./dtype.js";
import { RESULT_VERSION } from "./serialize.js";

/** Options of {@link eigh} and {@link cholesky}. */
export interface SymmetricOptions extends BackendOptions {
  /**
   * Largest accepted asymmetry max|S_ij - S_ji| relative to max|S_ij|
   * (default 1e-10); within it the symmetric part (S + Sᵀ)/2 is used.
   */
  symmetryTol?: number;
}

/** From this many entries of the reflector block ((n - 1)², n about 110: the QR crossover), wasm forms Qᵀ by the blocked QR kernels. */
const QR_BLOCKED_MIN = QR_CROSSOVER;

/** Result of {@link eigh}: S = vectors diag(values) vectorsᵀ. */
export interface EighResult {
  /** Which decomposition this is. */
  kind: "eigh";
  /** The layout version (1). */
  version: number;
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** n x n orthogonal; column j (vectors.data[i * n + j], i = 0..n-1) is the eigenvector of values[j]. */
  vectors: DenseMatrix;
}

/**
 * Symmetric eigendecomposition S = V diag(λ) Vᵀ, eigenvalues descending,
 * eigenvectors as the columns of V, each with its largest-magnitude entry
 * positive.
 *
 * Method: scale by a power of two (exact); Householder reduction to
 * tridiagonal form on the upper triangle (LAPACK's dsytd2, 4n³/3; on wasm
 * from n = 100 by panels of 32 with the trailing updates by GEMM, dsytrd). From
 * n = 100 (DC_MIN; 300 on js, where QL stays faster longer), divide and
 * conquer on the tridiagonal (as dstedc:
 * halves down to 25 solved by QL, merged by the rank-one update with
 * deflation, secular equation, Löwner's formula for orthogonal vectors, each
 * merge's vectors by GEMM; at most 4n³/3, much less where eigenvalues
 * cluster), then Qᵀ applied to its vectors from the reflectors (dormtr: on
 * wasm by panels of 32 through GEMM; 2n³). Below 100, Qᵀ formed from the
 * reflectors (4n³/3) and implicit QL with Wilkinson shifts rotating its rows
 * (about 6n³ with vectors; on wasm the rotations are recorded and applied in
 * batches, 8 columns at a time).
 * Accuracy: eigenvalues to O(eps ||S||) absolute, vectors orthonormal to
 * O(n eps). Errors: SHAPE (not square, or asymmetric beyond `symmetryTol`),
 * EMPTY, NON_FINITE, TOO_LARGE (an eigenvalue beyond the double range, which
 * entries near 1.8e308 allow), NOT_CONVERGED (after 30n QL iterations, or a secular root
 * after 200 steps; not expected).
 * `dtype: "float32"` returns values and vectors as Float32Arrays rounded from the f64 result.
 *
 * @example
 * const { values, vectors } = eigh({ rows: 2, cols: 2, data: new Float64Array([2, 1, 1, 2]) }); // values [3, 1]
 */
export function eigh<D extends Dtype = "float64">(S: DenseMatrix, opts: SymmetricOptions & DtypeOption<D> = {}): WithDtype<EighResult, D> {
  opts = readEighOptions(opts) as typeof opts;
  S = checkDense(S, "S");
  const n = checkSquare(S, "eigh", "S");
  const e = pow2Exponent(maxAbs(S.data));
  const maxIter = 30 * n + 30;
  const n1 = Math.max(n - 1, 1), wq = qrBlockedWorkSize(n1, n1);
  // Qᵀ by the blocked kernels on wasm above their crossover (GEMM-rich), row by row otherwise.
  const blocked = n1 * n1 >= QR_BLOCKED_MIN;
  const lw = tridiagonalQlWorkSize(n);
  // Divide and conquer from DC_MIN: the tridiagonal's eigenvectors in the rows of E, then E Qᵀ from the reflectors.
  const dc = n >= (opts.backend === "js" ? DC_MIN_JS : DC_MIN), wa = tridiagonalApplyQtWorkSize(n, n);
  // On wasm the divide-and-conquer path reduces by panels (dsytrd: GEMM for the trailing updates; equal at 100, ahead above).
  const wt = dc ? tridiagonalizeBlockedWorkSize(n) : 0;
  const rest = dc ? Math.max(wt, tridiagonalDcWorkSize(n) + wa) : lw + (blocked ? 2 * n1 * n1 + wq : 0);
  const bytes = arenaBytes(2 * n * n + 4 * n + rest, 0, 12);
  const { d, z } = withLinalg(opts.backend, bytes, (ws) => {
    const K = ws.kernels;
    const a = ws.f64(n * n);
    symmetrizeScaled(S, e, opts.symmetryTol ?? 1e-10, "eigh", a);
    const d = ws.f64(n), ee = ws.f64(n), tau = ws.f64(n), work = ws.f64(n);
    if (dc && K.backend === "wasm") ws.scoped(() => K.tridiagonalizeBlocked(n, a, n, d, ee, tau, ws.scratch(wt)));
    else K.tridiagonalizeUpper(n, a, n, d, ee, tau, work);
    if (dc) {
      const E = ws.scratch(n * n);
      if (tridiagonalDc(K, n, d, ee, E, n, ws.scratch(tridiagonalDcWorkSize(n)), maxIter) < 0) {
        throw new LowrankError("NOT_CONVERGED", "eigh: divide and conquer did not converge");
      }
      K.tridiagonalApplyQt(n, n, a, n, tau, E, n, ws.scratch(wa));
      return { d: ws.output(d), z: ws.output(E) };
    }
    const Z = ws.f64(n * n);
    if (blocked && K.backend === "wasm") {
      // Q = diag(1, Q1): reflector k acts on indices k+1.., stored in row k of a from column k+1
      // (leading 1 explicit); as the columns of Y below its diagonal, householderQ's layout.
      const Y = ws.f64(n1 * n1), Q1 = ws.f64(n1 * n1);
      for (let k = 0; k < n1; k++) for (let i = k + 1; i < n1; i++) Y[i * n1 + k] = a[k * n + i + 1];
      K.householderQBlocked(n1, n1, Y, n1, tau, Q1, n1, ws.f64(wq));
      Z.fill(0, 0, n);
      Z[0] = 1;
      for (let i = 0; i < n1; i++) {
        Z[(i + 1) * n] = 0;
        for (let j = 0; j < n1; j++) Z[(i + 1) * n + j + 1] = Q1[j * n1 + i];
      }
    } else {
      K.tridiagonalQt(n, a, n, tau, Z, n);
    }
    const it = K.tridiagonalQlBatched(n, d, ee, Z, n, maxIter, ws.f64(lw), lw);
    if (it < 0) throw new LowrankError("NOT_CONVERGED", `eigh: QL iteration did not converge in ${maxIter} steps`);
    return { d: ws.output(d), z: ws.output(Z) };
  });
  let dmax = 0;
  for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i]));
  // |λ| <= n max|S_ij| can exceed the double range when entries are near 1.8e308.
  if (!Number.isFinite(timesPow2(dmax, e))) throw tooLarge("eigh", "the largest |eigenvalue|", dmax, e);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[q] - d[p] || p - q);
  const values = new Float64Array(n);
  const V = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j] * n;
    values[j] = timesPow2(d[order[j]], e);
    let best = 0, bi = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(z[src + i]);
      if (v > best) {
        best = v;
        bi = i;
      }
    }
    const sg = z[src + bi] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) V[i * n + j] = sg * z[src + i];
  }
  return castResult<EighResult, D>({ kind: "eigh", version: RESULT_VERSION, values, vectors: { rows: n, cols: n, data: V } }, opts.dtype as D, "eigh");
}
