// The kernel set of @lowrank/matrix-completion: linalg's kernels plus this
// package's (src/kernels/<name>.ts is the TypeScript twin of
// assembly/<name>.ts), the set the methods are written against. The WASM side
// is bound in src/wasm.ts. Internal: not exported by the package (the
// cross-package kernel conformance suite imports this file by path).
import { jsCsrVectorKernels, jsKernels, type CsrVectorKernels, type LinalgKernels } from "@lowrank/linalg/kernels";
import { alsHalfStep } from "./als-half-step.js";
import { bpmfAccumulate, bpmfHalfStep, bpmfWeightRows } from "./bpmf.js";
import { bpmfNormals } from "./bpmf-normals.js";
import { bpmfGammas, bpmfScaleRows } from "./bpmf-scales.js";
import { bpmfPrior } from "./bpmf-prior.js";
import { bpmfHalfStepScored } from "./bpmf-scored.js";
import { squaredError } from "./predict.js";
import { sketchedPrepare, sketchedStep, sketchTable } from "./sketched-solve.js";

/** Kernels of one matrix-completion run. Every array is a view of the run's workspace. */
export interface CompletionKernels extends LinalgKernels, CsrVectorKernels {
  /**
   * ALS half-step: for every row i < n of this side (CSR ptr/idx/vals), solves
   * (Σ_j f_j f_jᵀ + λ_i I) x_i = Σ_j (v_ij - mu - otherBias_j) f_j by Cholesky,
   * with the row's bias as an extra unknown (design column of ones, ridge
   * lambdaBias, never scaled) when fitBias. λ_i = lambda · |Omega_i| when weighted (ALS-WR),
   * else lambda. k = 0 with fitBias fits the biases alone. Rows without observations, or singular, get zeros.
   * `work` holds (k + 1)² + k + 1. Returns the number of singular rows.
   * O(|Omega| d² + n d³), d = k + fitBias.
   */
  alsHalfStep(
    n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
    X: Float64Array, ownBias: Float64Array, mu: number, lambda: number, lambdaBias: number, weighted: boolean, fitBias: boolean,
    work: Float64Array,
  ): number;
  /**
   * BPMF Gibbs half-step (assembly/bpmf.ts): samples every row i < n of X (and
   * ownBias when fitBias) from its Gaussian conditional, precision
   * alpha Σ f fᵀ + Lam and mean its inverse times (alpha Σ t f + h0), design
   * f = [F_j, 1], target vals - mu - otherBias_j, using row i's standard
   * normals z[i·d ..] (d = k + fitBias; Lam is d x d, lower triangle read),
   * and writes each row's conditional mean to M (n x k) and meanBias.
   * Rows without observations get zeros. `work` holds bpmfSlotSize(k, fitBias). Returns the
   * rows whose precision was not positive definite. O(|Omega| d² + n d³).
   * Weights (null: none): observation q of row i counts ow[j]² times in row i's conditional (its design row and target
   * scaled by ow[j], the root of its weight) and the row's noise precision is alpha · rs[i]; errs, when given, receives
   * each row's sample's weighted squared error Σ (ow[j] e)² at errs[2i] (2n doubles).
   * With ow and eight-wide design rows (k = 7 with fitBias, k = 8 without), Fw holds them scaled (bpmfWeightRows of F
   * and ow); the TypeScript reference does not read it.
   */
  bpmfHalfStep(
    n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
    X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
    z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array,
    ow: Float64Array | null, rs: Float64Array | null, errs: Float64Array | null, Fw: Float64Array | null,
  ): number;
  /**
   * BPMF: Fw[8j + c] = ow[j] F[j k + c] for c < k and, with fitBias, Fw[8j + 7] = ow[j], for j < m (k = 7 with fitBias,
   * 8 without): the scaled design rows of the eight-wide half-step. O(m k).
   */
  bpmfWeightRows(m: number, k: number, fitBias: boolean, F: Float64Array, ow: Float64Array, Fw: Float64Array): void;
  /**
   * BPMF: acc[q] += p_q = rowBias[i] + colBias[j] + U_i · V_j at each listed position (one sample's predictions);
   * returns the sample's Σ (p_q - vals[q])², summed in order. O(nnz k).
   */
  bpmfAccumulate(
    nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
    rowBias: Float64Array, colBias: Float64Array, acc: Float64Array,
  ): number;
  /**
   * BPMF: bpmfHalfStep with the scoring pass fused in (assembly/bpmf-scored.ts): after a block of rows is sampled, each
   * observation q of row i (y = vals[q] - mu) gets acc[q] += meanBias[i] + otherBias[j] + M_i · F_j; sums[2i] is the
   * sample's Σ (ownBias[i] + otherBias[j] + X_i · F_j - y)², sums[2i + 1] the average's Σ (acc[q] / div - y)², each in q
   * order (2n doubles; add them row by row). With eight-wide design rows (k = 7 with fitBias, k = 8 without) the
   * sample's sum is the same quantity formed from the row's precision (a quadratic form in its plain sums, to rounding).
   * Returns the failed rows. O(|Omega| d² + n d³). ow and rs weight the observations as in bpmfHalfStep; the sample's
   * sum is then Σ (ow[j] e)², the average's is not weighted. With Fs and sb the average takes them in place of F and
   * otherBias (the other side's conditional means: M_i · Fs_j + meanBias[i] + sb[j]).
   */
  bpmfHalfStepScored(
    n: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
    X: Float64Array, ownBias: Float64Array, mu: number, alpha: number, Lam: Float64Array, h0: Float64Array, fitBias: boolean,
    z: Float64Array, M: Float64Array, meanBias: Float64Array, work: Float64Array, acc: Float64Array, div: number, sums: Float64Array,
    ow: Float64Array | null, rs: Float64Array | null, Fw: Float64Array | null, Fs: Float64Array | null, sb: Float64Array | null,
  ): number;
  /**
   * BPMF's standard normals (assembly/bpmf-normals.ts): out[0..n) by xoshiro128+ and the polar method with the
   * kernel's own logarithm; `state` holds the generator's four 32-bit words (seeded by the caller, e.g. from the run's
   * Rng) and is advanced. Faster than rngFill's shared generator (no call out for the logarithm), another stream.
   * O(n) expected.
   */
  bpmfNormals(n: number, out: Float64Array, state: Int32Array): void;
  /**
   * BPMF's noise scales, part 1 (assembly/bpmf-scales.ts): G[i] = a Gamma(a + c_i / 2) draw, c_i = ptr[i + 1] - ptr[i],
   * for i < n (a >= 1), by Marsaglia and Tsang's method on bpmfNormals' kind of generator; `state` (four 32-bit words,
   * seeded by the caller) is advanced. O(n) expected.
   */
  bpmfGammas(n: number, ptr: Int32Array, a: number, G: Float64Array, state: Int32Array): void;
  /** BPMF's noise scales, part 2: tau[i] = G[i] / (a + alpha err[2i] / 2) and root[i] = sqrt(tau[i]) for i < n. O(n). */
  bpmfScaleRows(n: number, G: Float64Array, err: Float64Array, alpha: number, a: number, tau: Float64Array, root: Float64Array): void;
  /**
   * BPMF: the arithmetic of one side's Normal-Wishart draw of dimension d from N > 0 rows (assembly/bpmf-prior.ts), the
   * random numbers drawn by the caller, in place on four views: G (d x d) holds Σ x xᵀ in its lower triangle and s
   * (2d) the sums Σ x in s[0..d), both overwritten (scratch); Lam (d x d) holds the Bartlett factor's lower triangle
   * (row r: r standard normals, then a chi draw with d + N - r degrees of freedom) and returns the precision (full);
   * h0 (d) holds d standard normals and returns Lam times the drawn mean. Returns 0, or -1 / -2 when the scale matrix /
   * the drawn precision is not positive definite. Scalar, unfused: the same bits on every backend. O(d³).
   */
  bpmfPrior(d: number, N: number, G: Float64Array, s: Float64Array, Lam: Float64Array, h0: Float64Array): number;
  /** robust-altmin: this half-step's CountSketch of F's m rows into T (assembly/sketched-solve.ts). O(m). */
  sketchTable(m: number, k: number, s: number, seed: number, T: Int32Array): void;
  /**
   * robust-altmin: sketches, factors and starts the PCG of rows i0 .. i0 + nb - 1
   * (status[r] = 1), or leaves a row to the exact solve (status[r] = 0); see
   * assembly/sketched-solve.ts for the layout. Returns the rows prepared.
   * O(|Omega_block| k + nb (s k² + k³)).
   */
  sketchedPrepare(
    i0: number, nb: number, k: number, ptr: Int32Array, idx: Int32Array, vals: Float64Array, F: Float64Array, X: Float64Array,
    s: number, seed: number, srht: number, T: Int32Array, D: Float64Array, SD: Float64Array, H: Float64Array,
    L: Float64Array, g: Float64Array, z: Float64Array, p: Float64Array, gamma: Float64Array, status: Float64Array, rr: Float64Array,
    buf: Float64Array,
  ): number;
  /** robust-altmin: one PCG step on each row of the block with active[r] != 0. Returns the rows stepped. O(|Omega_active| k + nb k²). */
  sketchedStep(
    i0: number, nb: number, k: number, ptr: Int32Array, D: Float64Array, X: Float64Array,
    L: Float64Array, g: Float64Array, z: Float64Array, p: Float64Array, w: Float64Array,
    gamma: Float64Array, qq: Float64Array, active: Float64Array, buf: Float64Array,
  ): number;
  /** Σ (clamped prediction - vals[q])² over the listed positions. O(nnz k). */
  squaredError(
    nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array,
    rowBias: Float64Array, colBias: Float64Array, mu: number, lo: number, hi: number,
  ): number;
}

/** The plain-TypeScript kernel set (backend "js"): the readable reference, same arithmetic order as the WASM simd build. */
export const jsCompletionKernels: CompletionKernels = {
  ...jsKernels,
  ...jsCsrVectorKernels,
  alsHalfStep,
  bpmfHalfStep,
  bpmfWeightRows,
  bpmfAccumulate,
  bpmfHalfStepScored,
  bpmfNormals,
  bpmfGammas,
  bpmfScaleRows,
  bpmfPrior,
  sketchTable,
  sketchedPrepare,
  sketchedStep,
  squaredError,
};
