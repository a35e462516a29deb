// The deterministic arithmetic of one side's Normal-Wishart draw in BPMF's
// Gibbs sampler (src/bpmf-hyper.ts draws the random numbers and forms the
// sums): the mean, the posterior's scale by its Cholesky factor, the Bartlett
// factor's triangular solve, Lam = B Bᵀ, Lam's Cholesky factor and the mean's
// draw. Plain scalar f64 operations in the twin's order, nothing fused (no
// SIMD, so the relaxed-simd build computes the same), so every variant and
// the twin (src/kernels/bpmf-prior.ts) give the same bits. d is small (k + 1,
// 8 by default): O(d³) a call.

/** Hyperprior of each side: beta0 = 2 (as src/bpmf-hyper.ts). */
const BETA0: f64 = 2.0;

@inline function at(A: usize, i: i32): usize {
  return A + (<usize>i << 3);
}

/** In-place lower Cholesky factor of the d x d A (lower triangle read and written, upper zeroed); false if not positive definite. */
function cholLower(A: usize, d: i32): bool {
  for (let j = 0; j < d; j++) {
    let s = load<f64>(at(A, j * d + j));
    for (let t = 0; t < j; t++) s -= load<f64>(at(A, j * d + t)) * load<f64>(at(A, j * d + t));
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    store<f64>(at(A, j * d + j), l);
    for (let i = j + 1; i < d; i++) {
      let r = load<f64>(at(A, i * d + j));
      for (let t = 0; t < j; t++) r -= load<f64>(at(A, i * d + t)) * load<f64>(at(A, j * d + t));
      store<f64>(at(A, i * d + j), r / l);
    }
    for (let c = j + 1; c < d; c++) store<f64>(at(A, j * d + c), 0.0);
  }
  return true;
}

/** Solves Lᵀ x = b in place for the lower-triangular d x d L; b has nrhs columns, row-major. */
function solveUpperT(L: usize, d: i32, b: usize, nrhs: i32): void {
  for (let i = d - 1; i >= 0; i--) {
    for (let c = 0; c < nrhs; c++) {
      let s = load<f64>(at(b, i * nrhs + c));
      for (let t = i + 1; t < d; t++) s -= load<f64>(at(L, t * d + i)) * load<f64>(at(b, t * nrhs + c));
      store<f64>(at(b, i * nrhs + c), s / load<f64>(at(L, i * d + i)));
    }
  }
}

/**
 * One Normal-Wishart draw of dimension d from N > 0 rows, in place on the caller's four buffers:
 * - G (d x d): Σ x xᵀ in its lower triangle; overwritten (scratch).
 * - s (2d): the column sums Σ x in s[0..d); s becomes the mean x̄ and, in s[d..2d), the mean draw (scratch).
 * - Lam (d x d): the Bartlett factor's random entries in its lower triangle (row r: the normals A[r][0..r), then the
 *   chi value A[r][r]); the upper triangle is ignored. Returns the precision, full and symmetric.
 * - h0 (d): d standard normals; returns Lam times the drawn mean.
 * Returns 0, or -1 if the posterior's scale matrix is not positive definite, -2 if the drawn Lam is not (the
 * outputs are then partly written).
 */
export function bpmfPrior(d: i32, N: i32, G: usize, s: usize, Lam: usize, h0: usize): i32 {
  const n = <f64>N;
  for (let r = 0; r < d; r++) store<f64>(at(s, r), load<f64>(at(s, r)) / n);
  // M = I + G - N x̄ x̄ᵀ + beta0 N / (beta0 + N) x̄ x̄ᵀ, in G's lower triangle.
  const shrink = (BETA0 * n) / (BETA0 + n) - n;
  for (let r = 0; r < d; r++) {
    const mr = load<f64>(at(s, r));
    for (let c = 0; c <= r; c++) {
      const p = at(G, r * d + c);
      store<f64>(p, load<f64>(p) + shrink * mr * load<f64>(at(s, c)));
    }
    const p = at(G, r * d + r);
    store<f64>(p, load<f64>(p) + 1.0);
  }
  if (!cholLower(G, d)) return -1;
  // Bartlett: B = R⁻ᵀ A in Lam's place (A lower, its upper triangle zero), then Lam = B Bᵀ through G.
  for (let r = 0; r < d; r++) {
    for (let c = r + 1; c < d; c++) store<f64>(at(Lam, r * d + c), 0.0);
  }
  solveUpperT(G, d, Lam, d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let t = 0.0;
      for (let q = 0; q < d; q++) t += load<f64>(at(Lam, r * d + q)) * load<f64>(at(Lam, c * d + q));
      store<f64>(at(G, r * d + c), t);
      store<f64>(at(G, c * d + r), t);
    }
  }
  memory.copy(Lam, G, <usize>(d * d) << 3);
  // The mean: N(N x̄ / (beta0 + N), (betaN Lam)⁻¹), drawn as mu* + Q⁻ᵀ z / sqrt(betaN) with Lam = Q Qᵀ.
  if (!cholLower(G, d)) return -2;
  const betaN = BETA0 + n, root = Math.sqrt(betaN), z = s + (<usize>d << 3);
  for (let r = 0; r < d; r++) store<f64>(at(z, r), load<f64>(at(h0, r)) / root);
  solveUpperT(G, d, z, 1);
  for (let r = 0; r < d; r++) store<f64>(at(z, r), load<f64>(at(z, r)) + (n * load<f64>(at(s, r))) / betaN);
  for (let r = 0; r < d; r++) {
    let t = 0.0;
    for (let c = 0; c < d; c++) t += load<f64>(at(Lam, r * d + c)) * load<f64>(at(z, c));
    store<f64>(at(h0, r), t);
  }
  return 0;
}
