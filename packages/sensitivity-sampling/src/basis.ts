import { type LongRun } from "@lowrank/linalg";
import { jacobiSvd, JsWorkspace, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { streamedRSize, streamedRSteps, streamScratch } from "./stream.js";
import { checkFiniteResult, columnExponents, rInRange, scaleColumns } from "./validate.js";

const EPS = 2.220446049250313e-16;

/** Default rank threshold relative to σ_max: max(n, d) eps, NumPy's matrix_rank rule. */
export function defaultRcond(n: number, d: number): number {
  return Math.max(n, d) * EPS;
}

/** The singular values and right singular vectors of a small triangular R = P Σ Vᵀ, and the rank they reveal. */
export interface TriangleSvd {
  /** Numerical rank r: the σ_j above rcond σ_0. */
  rank: number;
  /** k x d, row j = σ_j v_jᵀ (the rows of R rotated by Pᵀ). */
  SV: Float64Array;
  /** Singular values, descending, k entries. */
  sigma: Float64Array;
}

export { QR_CHUNK } from "./stream.js";

/**
 * One-sided Jacobi on the rows of the upper triangular k x d R (linalg's
 * `jacobiSvd`, as in linalg's svd, without accumulating P, which no caller
 * needs): the rotated rows are σ_j v_jᵀ and the rank counts σ_j > rcond σ_0.
 * Reads only the upper triangle of R (leading dimension d). O(sweeps k²d).
 */
export function triangleSvd(ws: Workspace<SensitivityKernels>, k: number, d: number, R: Float64Array, rcond: number): TriangleSvd {
  const K = ws.kernels;
  const SV = ws.f64(k * d);
  for (let i = 0; i < k; i++) for (let j = i; j < d; j++) SV[i * d + j] = R[i * d + j];
  const sigma = ws.f64(k);
  // Tolerances as linalg's svd: sqrt(k) eps, then the looser k eps should rounding keep a pair just above it.
  jacobiSvd(K, k, d, d, SV, d, sigma, 30);
  let rank = 0;
  const cut = rcond * sigma[0];
  while (rank < k && sigma[rank] > cut && sigma[rank] > 0) rank++;
  return { rank, SV, sigma };
}

/**
 * An n x r basis U of range(A) with orthonormal columns, r the numerical rank:
 * R from the streamed QR (`streamedR`: blocked Householder on wasm), its SVD R = P Σ Vᵀ for the rank, then
 * U = A R⁻¹ (r = d) or U = A V_r Σ_r⁻¹ (rank-deficient; = Q P_r), one GEMM.
 * UᵀU = I up to about cond(A) eps, which is all the Lewis iteration and the
 * exact sensitivities need (both depend only on range(A) and use U for its
 * conditioning). `a` (n x d, leading dimension d) is not modified; NON_FINITE
 * on a NaN or ±Infinity in `a` (callers may skip the scan: R shows it). When R
 * shows a column of A outside [2^-400, 2^400], R is recomputed from A with those
 * columns scaled by powers of two (in place on wasm, where `a` is the run's
 * copy; a scaled copy on js), which leaves range(A) as it is. Returns U with
 * leading dimension r. A generator that yields after every row block of the
 * QR pass (the long runs pause there). O(2nd² + 2ndr + d³).
 */
export function* orthonormalBasis(
  ws: Workspace<SensitivityKernels>, n: number, d: number, a: Float64Array, rcond: number,
): Generator<void, { U: Float64Array; rank: number }, void> {
  const K = ws.kernels;
  const R = ws.f64(d * d);
  const sc = streamScratch(ws, d, n);
  yield* streamedRSteps(K, { rows: n, cols: d, data: a }, R, sc);
  // Every entry of A is summed into R, so a NaN or ±Infinity in A (or sums that overflow) makes R non-finite.
  if (!rInRange(R, d)) {
    const e = columnExponents(a, n, d, "A");
    if (e) {
      const src = a;
      if (ws instanceof JsWorkspace) a = new Float64Array(n * d);
      scaleColumns(src, a, n, d, e);
      yield* streamedRSteps(K, { rows: n, cols: d, data: a }, R, sc);
    }
    checkFiniteResult(R, "A");
  }
  const svd = triangleSvd(ws, d, d, R, rcond);
  const r = svd.rank;
  if (r === 0) return { U: ws.f64(0), rank: 0 };
  const B = ws.f64(d * r);
  if (r === d) {
    for (let j = 0; j < d; j++) B[j * d + j] = 1;
    K.triangularSolve(false, false, false, d, d, R, d, B, d);
  } else {
    // Row j of SV is σ_j v_jᵀ, so column j of V_r Σ_r⁻¹ is SV's row j over σ_j².
    for (let j = 0; j < r; j++) {
      const s2 = 1 / (svd.sigma[j] * svd.sigma[j]);
      for (let c = 0; c < d; c++) B[c * r + j] = svd.SV[j * d + c] * s2;
    }
  }
  const U = ws.f64(n * r);
  // U = A B in row blocks (each row of U is its own dot products, in the same order whatever the blocks).
  for (let i0 = 0; i0 < n; i0 += GEMM_ROWS) {
    const c = Math.min(GEMM_ROWS, n - i0);
    K.gemm(false, false, c, r, d, 1, a.subarray(i0 * d, (i0 + c) * d), d, B, r, 0, U.subarray(i0 * r, (i0 + c) * r), r);
    yield;
  }
  return { U, rank: r };
}

/** Rows of A per GEMM call of the basis (a multiple of every GEMM row panel), so the long runs can pause between them. */
const GEMM_ROWS = 16384;

/** f64 entries {@link orthonormalBasis} takes at most. */
export function basisSize(n: number, d: number): number {
  return n * d + streamedRSize(d, n) + 7 * d * d + 4 * d;
}

/** {@link orthonormalBasis} for a long run: checks `run` first, then pauses (yields, checks abort) after every row block. */
export async function orthonormalBasisAsync(
  ws: Workspace<SensitivityKernels>, n: number, d: number, a: Float64Array, rcond: number, run: LongRun,
): Promise<{ U: Float64Array; rank: number }> {
  run.check();
  const basis = orthonormalBasis(ws, n, d, a, rcond);
  let step = basis.next();
  for (; !step.done; step = basis.next()) await run.pause();
  return step.value;
}
