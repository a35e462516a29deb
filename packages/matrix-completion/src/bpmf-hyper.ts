// The hyperparameter draws of BPMF's Gibbs sampler (Salakhutdinov and Mnih
// 2008), in plain TypeScript on the shared seeded Rng, so that both backends
// draw the same numbers: each side's prior mean and precision from their
// Normal-Wishart conditional given the side's rows, and the noise precision
// from its Gamma conditional given the squared error. Dense d x d arithmetic
// (d = rank + 1 with biases), O(N d² + d³) a draw: the sums by the backend's
// gemm, gemv and dot, the random numbers here, the rest (factorisations,
// solves, products: O(d³)) by the backend's bpmfPrior kernel
// (assembly/bpmf-prior.ts), so that on the wasm backend a sweep runs little
// JavaScript. Hyperprior of each side: mean 0, beta0 = 2, nu0 = d, W0 = I (the
// paper's choices), on standardised values.
import type { Rng } from "@lowrank/linalg";

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

/**
 * The kernels a side's draw runs on (the run's backend), with their operands in the run's workspace: `ones`
 * (at least n ones), `gram` (d · d) and `sums` (2 d); `prior` is CompletionKernels.bpmfPrior.
 */
export interface ScatterKernel {
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, A: Float64Array, lda: number,
    B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number,
  ): void;
  gemv(trans: boolean, m: number, n: number, alpha: number, A: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array): void;
  dot(n: number, x: Float64Array, y: Float64Array): number;
  prior(d: number, N: number, G: Float64Array, s: Float64Array, Lam: Float64Array, h0: Float64Array): number;
  ones: Float64Array;
  gram: Float64Array;
  sums: Float64Array;
}

/**
 * Draws one side's prior (precision Lam, full d x d, and h0 = Lam · mean) from
 * its Normal-Wishart conditional given the side's N rows that have
 * observations: row i is [X_i, bias_i] (bias only when `bias` is given), d =
 * k or k + 1. The rows without observations must be zero (the half-step
 * leaves them so): the sums run over all n rows, by the backend's gemm, gemv
 * and dot, with no gather. Returns false if a Cholesky factor fails (the
 * scale matrix not positive definite, which finite rows never cause), Lam
 * and h0 then partly written. O(n d² + d³).
 */
export function sampleNormalWishart(
  rng: Rng, X: Float64Array, bias: Float64Array | null, N: number, n: number, k: number,
  Lam: Float64Array, h0: Float64Array, K: ScatterKernel,
): boolean {
  const d = bias ? k + 1 : k;
  if (N === 0) return false;
  // G = Σ x xᵀ and s[0..d) = Σ x (the bias's row and column by gemv and dot), over all n rows.
  const G = K.gram, s = K.sums, ones = K.ones.subarray(0, n);
  K.gemm(true, false, k, k, n, 1, X, k, X, k, 0, G, d);
  K.gemv(true, n, k, 1, X, k, ones, 0, s.subarray(0, k));
  if (bias) {
    const xb = s.subarray(k, 2 * k);
    K.gemv(true, n, k, 1, X, k, bias, 0, xb);
    for (let r = 0; r < k; r++) G[k * d + r] = xb[r];
    G[k * d + k] = K.dot(n, bias, bias);
    s[k] = K.dot(n, bias, ones);
  }
  // The random numbers, all before the kernel call, in the order the draw has always taken them (each row r of the
  // Bartlett factor A: its chi value, then its r normals; then the mean's d normals), into the kernel's operands:
  // A's lower triangle in Lam, the normals in h0. (Before, a failing first factorisation returned before any draw;
  // a failure ends the fit with NON_FINITE either way, so the numbers drawn first change no result.)
  const nu = d + N;
  for (let r = 0; r < d; r++) {
    Lam[r * d + r] = Math.sqrt(2 * sampleGamma(rng, (nu - r) / 2));
    for (let c = 0; c < r; c++) Lam[r * d + c] = rng.normal();
  }
  for (let r = 0; r < d; r++) h0[r] = rng.normal();
  return K.prior(d, N, G, s, Lam, h0) >= 0;
}
