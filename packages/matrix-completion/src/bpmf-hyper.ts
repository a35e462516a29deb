// The hyperparameter draws of BPMF's Gibbs sampler (Salakhutdinov and Mnih
// 2008), in plain TypeScript on the shared seeded Rng, so that both backends
// draw the same numbers: each side's prior mean and precision from their
// Normal-Wishart conditional given the side's rows, and the noise precision
// from its Gamma conditional given the squared error. Dense d x d arithmetic
// (d = rank + 1 with biases), O(N d² + d³) a draw.
import type { Rng } from "@lowrank/linalg";

/** Hyperprior of each side: mean 0, beta0 = 2, nu0 = d, W0 = I (the paper's choices), on standardised values. */
const BETA0 = 2;

/** A standard Gamma(shape) draw (scale 1): Marsaglia and Tsang's squeeze, boosted below shape 1. O(1) expected. */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * rng.uniform() ** (1 / shape);
  const dd = shape - 1 / 3, c = 1 / Math.sqrt(9 * dd);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.uniform();
    if (Math.log(1 - u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return dd * v;
  }
}

/** In-place lower Cholesky factor of the d x d symmetric A (row-major, lower triangle read and written, upper zeroed); false if not positive definite. O(d³). */
function cholLower(A: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let t = 0; t < j; t++) s -= A[j * d + t] * A[j * d + t];
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    A[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let r = A[i * d + j];
      for (let t = 0; t < j; t++) r -= A[i * d + t] * A[j * d + t];
      A[i * d + j] = r / l;
    }
    for (let c = j + 1; c < d; c++) A[j * d + c] = 0;
  }
  return true;
}

/** Solves Lᵀ x = b in place for lower-triangular L (d x d); b has `nrhs` columns, row-major. O(d² nrhs). */
function solveUpperT(L: Float64Array, d: number, b: Float64Array, nrhs: number): void {
  for (let i = d - 1; i >= 0; i--) {
    for (let c = 0; c < nrhs; c++) {
      let s = b[i * nrhs + c];
      for (let t = i + 1; t < d; t++) s -= L[t * d + i] * b[t * nrhs + c];
      b[i * nrhs + c] = s / L[i * d + i];
    }
  }
}

/** Scratch of one Normal-Wishart draw for dimension d. */
export interface HyperScratch {
  mean: Float64Array;
  M: Float64Array;
  A: Float64Array;
  z: Float64Array;
}

/**
 * The kernels a side's sums are formed by (the run's backend), with their operands in the run's workspace: `ones`
 * (at least n ones), `gram` (d · d) and `sums` (2 d).
 */
export interface ScatterKernel {
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, A: Float64Array, lda: number,
    B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number,
  ): void;
  gemv(trans: boolean, m: number, n: number, alpha: number, A: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array): void;
  dot(n: number, x: Float64Array, y: Float64Array): number;
  ones: Float64Array;
  gram: Float64Array;
  sums: Float64Array;
}

export const hyperScratch = (d: number): HyperScratch => ({
  mean: new Float64Array(d), M: new Float64Array(d * d), A: new Float64Array(d * d), z: new Float64Array(d),
});

/**
 * Draws one side's prior (precision Lam, full d x d, and h0 = Lam · mean) from
 * its Normal-Wishart conditional given the side's N rows that have
 * observations: row i is [X_i, bias_i] (bias only when `bias` is given), d =
 * k or k + 1. The rows without observations must be zero (the half-step
 * leaves them so): the sums run over all n rows, by the backend's gemm, gemv
 * and dot, with no gather. Returns false (Lam and h0 untouched) if the scale
 * matrix is not positive definite, which finite rows never cause. O(n d² + d³).
 */
export function sampleNormalWishart(
  rng: Rng, X: Float64Array, bias: Float64Array | null, N: number, n: number, k: number,
  Lam: Float64Array, h0: Float64Array, w: HyperScratch, K: ScatterKernel,
): boolean {
  const d = bias ? k + 1 : k;
  const { mean, M, A, z } = w;
  if (N === 0) return false;
  // G = Σ x xᵀ and the column sums (the bias's row and column by gemv and dot), over all n rows.
  const G = K.gram, sx = K.sums.subarray(0, k), xb = K.sums.subarray(k, 2 * k), ones = K.ones.subarray(0, n);
  K.gemm(true, false, k, k, n, 1, X, k, X, k, 0, G, d);
  K.gemv(true, n, k, 1, X, k, ones, 0, sx);
  for (let r = 0; r < k; r++) mean[r] = sx[r] / N;
  if (bias) {
    K.gemv(true, n, k, 1, X, k, bias, 0, xb);
    for (let r = 0; r < k; r++) G[k * d + r] = xb[r];
    G[k * d + k] = K.dot(n, bias, bias);
    mean[k] = K.dot(n, bias, ones) / N;
  }
  // M = W0⁻¹ + Σ (x - x̄)(x - x̄)ᵀ + beta0 N / (beta0 + N) x̄ x̄ᵀ: the inverse of the posterior's Wishart scale, with
  // Σ (x - x̄)(x - x̄)ᵀ = G - N x̄ x̄ᵀ.
  const shrink = (BETA0 * N) / (BETA0 + N) - N;
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) M[r * d + c] = G[r * d + c] + shrink * mean[r] * mean[c];
    M[r * d + r] += 1;
  }
  if (!cholLower(M, d)) return false;
  // Bartlett: with M = R Rᵀ the scale is R⁻ᵀ R⁻¹, so Lam = B Bᵀ for B = R⁻ᵀ A, A lower with chi and normal entries.
  const nu = d + N;
  A.fill(0);
  for (let r = 0; r < d; r++) {
    A[r * d + r] = Math.sqrt(2 * sampleGamma(rng, (nu - r) / 2));
    for (let c = 0; c < r; c++) A[r * d + c] = rng.normal();
  }
  solveUpperT(M, d, A, d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += A[r * d + t] * A[c * d + t];
      Lam[r * d + c] = s;
      Lam[c * d + r] = s;
    }
  }
  // The mean: N(N x̄ / (beta0 + N), (betaN Lam)⁻¹), drawn as mu* + Q⁻ᵀ z / sqrt(betaN) with Lam = Q Qᵀ.
  const betaN = BETA0 + N;
  M.set(Lam);
  if (!cholLower(M, d)) return false;
  for (let r = 0; r < d; r++) z[r] = rng.normal() / Math.sqrt(betaN);
  solveUpperT(M, d, z, 1);
  for (let r = 0; r < d; r++) z[r] += (N * mean[r]) / betaN;
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += Lam[r * d + c] * z[c];
    h0[r] = s;
  }
  return true;
}
