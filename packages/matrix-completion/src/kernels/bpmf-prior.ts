// Twin of assembly/bpmf-prior.ts: the deterministic arithmetic of one side's
// Normal-Wishart draw in BPMF's sampler (the random numbers come in from
// src/bpmf-hyper.ts), scalar operations in the kernel's order: the same bits.

/** Hyperprior of each side: beta0 = 2 (as src/bpmf-hyper.ts). */
const BETA0 = 2;

/** In-place lower Cholesky factor of the d x d A (row-major, lower triangle read and written, upper zeroed); false if not positive definite. O(d³). */
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

/**
 * See CompletionKernels.bpmfPrior (src/kernels/index.ts): one Normal-Wishart draw of dimension d from N > 0 rows, in
 * place on G (d x d, Σ x xᵀ; scratch), s (2d, Σ x; scratch), Lam (d x d, the Bartlett factor's random lower triangle
 * in, the precision out) and h0 (d, normals in, Lam times the drawn mean out). Returns 0, -1 or -2 (a Cholesky
 * factor failed). O(d³).
 */
export function bpmfPrior(d: number, N: number, G: Float64Array, s: Float64Array, Lam: Float64Array, h0: Float64Array): number {
  for (let r = 0; r < d; r++) s[r] = s[r] / N;
  // M = I + G - N x̄ x̄ᵀ + beta0 N / (beta0 + N) x̄ x̄ᵀ (the inverse of the posterior's Wishart scale), in G's lower
  // triangle.
  const shrink = (BETA0 * N) / (BETA0 + N) - N;
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) G[r * d + c] = G[r * d + c] + shrink * s[r] * s[c];
    G[r * d + r] += 1;
  }
  if (!cholLower(G, d)) return -1;
  // Bartlett: with M = R Rᵀ the scale is R⁻ᵀ R⁻¹, so Lam = B Bᵀ for B = R⁻ᵀ A (A lower: its upper triangle zeroed),
  // B formed in Lam's place and B Bᵀ in G's, then copied.
  for (let r = 0; r < d; r++) Lam.fill(0, r * d + r + 1, r * d + d);
  solveUpperT(G, d, Lam, d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let t = 0;
      for (let q = 0; q < d; q++) t += Lam[r * d + q] * Lam[c * d + q];
      G[r * d + c] = t;
      G[c * d + r] = t;
    }
  }
  Lam.set(G.subarray(0, d * d));
  // The mean: N(N x̄ / (beta0 + N), (betaN Lam)⁻¹), drawn as mu* + Q⁻ᵀ z / sqrt(betaN) with Lam = Q Qᵀ.
  if (!cholLower(G, d)) return -2;
  const betaN = BETA0 + N, root = Math.sqrt(betaN), z = s.subarray(d, 2 * d);
  for (let r = 0; r < d; r++) z[r] = h0[r] / root;
  solveUpperT(G, d, z, 1);
  for (let r = 0; r < d; r++) z[r] += (N * s[r]) / betaN;
  for (let r = 0; r < d; r++) {
    let t = 0;
    for (let c = 0; c < d; c++) t += Lam[r * d + c] * z[c];
    h0[r] = t;
  }
  return 0;
}
