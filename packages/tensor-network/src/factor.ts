// Factorisations inside a workspace, composed from linalg's kernels (the
// public linalg svd/eigh run on linalg's own shared instance, so a run that
// owns its instance needs them as control flow over its own kernel set).
// Should move to linalg as workspace-level svd/eigh.
import { completeColumns, LowrankError, QR_NB, qrBlockedWorkSize, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";
import { scoped } from "./scope.js";

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/** Doubles of scratch {@link leftSingular} takes for an m x n matrix. */
export function svdScratch(m: number, n: number): number {
  const M = Math.max(m, n), N = Math.min(m, n);
  if (useFatR(m, n)) {
    // R (N²), tau, d, [R | I] (2N²), and fatR's column block and L factors side by side.
    const b = lqCols(m);
    return 3 * N * N + 2 * N + m * b + Math.ceil(n / b) * m * m + 32;
  }
  // a and Q (M N), tau, d, [R | I], the blocked QR's work, the transpose's i32 scratch (as doubles, with its blocks).
  return 2 * M * N + 2 * N * N + 2 * N + qrBlockedWorkSize(M, N) + 32;
}

/** out (n x m) = Aᵀ for the row-major m x n A, by the `permute` kernel. */
export function transposeInto(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, out: Float64Array): void {
  scoped(ws, () => {
    const dims = ws.i32(2), perm = ws.i32(2), scratch = ws.i32(6);
    dims[0] = m;
    dims[1] = n;
    perm[0] = 1;
    perm[1] = 0;
    ws.kernels.permute(2, dims, perm, A, out, scratch);
  });
}

/** Columns of a block of the blocked LQ: about 128 KiB of an m-row matrix, at least 2m. */
const lqCols = (m: number) => Math.max(2 * m, Math.floor(16384 / m));

/** Whether {@link fatR} runs for an m x n matrix (m < n, m at most the blocked QR's panel, where it runs unblocked; n wide). */
const useFatR = (m: number, n: number) => m < n && m <= QR_NB && n >= 2 * lqCols(m);

/**
 * Householder LQ in place of the m x L block B (row-major, leading dimension
 * ld, m <= L): on return its lower triangle holds L (B = L Q). Each
 * reflector runs along a contiguous row (kernels nrm2, scal, dot, axpy), so
 * a call crosses into WASM O(m²) times, each over a whole row. O(2 m² L).
 */
function lqInPlace(K: TensorKernels, m: number, L: number, B: Float64Array, ld: number): void {
  for (let j = 0; j < m; j++) {
    const x = B.subarray(j * ld + j, j * ld + L), len = L - j;
    const alpha = x[0];
    const sigma = len > 1 ? K.nrm2(len - 1, x.subarray(1)) : 0;
    if (sigma === 0) continue;
    const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, sigma);
    const tau = (beta - alpha) / beta;
    K.scal(len - 1, 1 / (alpha - beta), x.subarray(1));
    x[0] = beta;
    const v = x.subarray(1);
    for (let i = j + 1; i < m; i++) {
      const y = B.subarray(i * ld + j, i * ld + L);
      const w = y[0] + K.dot(len - 1, v, y.subarray(1));
      y[0] -= tau * w;
      K.axpy(len - 1, -tau * w, v, y.subarray(1));
    }
  }
}

/**
 * R (m x m, upper, into R) of the QR of Aᵀ for the wide m x n A (not
 * modified): Aᵀ = Q R with R = Lᵀ from the LQ of A. Two levels: the LQ of
 * each block of about 128 KiB of columns (copied, in cache), then of their
 * L factors side by side. R is unique up to the signs of its rows, which
 * the Jacobi step below does not see. Replaces a row-major QR of the
 * transposed tall-skinny matrix, whose reflectors are short strided rows.
 * O(2 m² n).
 */
export function fatR(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, R: Float64Array): void {
  const K = ws.kernels, b = lqCols(m), nb = Math.ceil(n / b), W = nb * m;
  scoped(ws, () => {
    const blk = ws.f64(m * b), Ls = ws.f64(m * W);
    for (let t = 0; t < nb; t++) {
      const c0 = t * b, cols = Math.min(b, n - c0);
      for (let i = 0; i < m; i++) blk.set(A.subarray(i * n + c0, i * n + c0 + cols), i * b);
      lqInPlace(K, Math.min(m, cols), cols, blk, b);
      // Its L (m x min(m, cols), lower) into columns t m .. of Ls.
      for (let i = 0; i < m; i++) for (let j = 0; j <= Math.min(i, cols - 1); j++) Ls[i * W + t * m + j] = blk[i * b + j];
    }
    lqInPlace(K, m, W, Ls, W);
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) R[i * m + j] = Ls[j * W + i];
  });
}

/** Doubles of scratch {@link symmetricEig} takes for n x n. */
export function eigScratch(n: number): number {
  return 2 * n * n + 4 * n;
}

/**
 * Left singular vectors and singular values of the m x n row-major A (not
 * modified): U (m x k, k = min(m, n), leading dimension k) and s (k,
 * descending). The method of linalg's `svd`: Householder QR of the taller
 * orientation (blocked compact-WY, GEMM-rich, when min(m, n) > 32 and the
 * matrix is not small; when only R is needed (m < n) and m <= 32, the blocked LQ of A over
 * cache-sized column blocks), one-sided Jacobi on the rows of R with the rotations
 * accumulated beside it ([R | I]), U = Q P by GEMM (m >= n) or the normalised
 * rotated rows of R (m < n). Singular values are accurate to O(eps s_0)
 * absolutely and the columns of U orthonormal to rounding, also when A is
 * rank-deficient (directions of zero singular values are completed by
 * Gram-Schmidt). O(mn min(m, n) + sweeps min(m, n)³).
 */
export function leftSingular(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, U: Float64Array, s: Float64Array): void {
  const K = ws.kernels;
  const trans = m < n;
  const M = trans ? n : m, N = trans ? m : n;
  scoped(ws, () => {
    // Only R is needed when m < n: wide matrices with few rows take the blocked LQ (fatR), in place of
    // the transpose and a QR whose reflectors would be short strided rows.
    const fat = useFatR(m, n);
    const a = ws.f64(fat ? N * N : M * N);
    const tau = ws.f64(N), d = ws.f64(N);
    const work = fat ? tau : ws.f64(qrBlockedWorkSize(M, N));
    if (fat) {
      fatR(ws, m, n, A, a);
    } else {
      if (!trans) a.set(A.subarray(0, M * N));
      else transposeInto(ws, m, n, A, a);
      K.householderQrBlocked(M, N, a, N, tau, work);
    }
    const N2 = 2 * N;
    const X = ws.f64(N * N2);
    for (let i = 0; i < N; i++) {
      for (let j = i; j < N; j++) X[i * N2 + j] = a[i * N + j];
      X[i * N2 + N + i] = 1;
    }
    // Stop at sqrt(N) eps cosines as LAPACK's dgesvj; the looser N eps only if rounding keeps a pair above it.
    if (K.jacobiRows(N, N, N2, X, N2, d, Math.sqrt(N) * EPS, MAX_SWEEPS / 2) < 0) {
      K.jacobiRows(N, N, N2, X, N2, d, N * EPS, MAX_SWEEPS / 2);
    }
    s.set(d.subarray(0, N));
    if (!trans) {
      const Q = ws.f64(M * N);
      K.householderQBlocked(M, N, a, N, tau, Q, N, work);
      K.gemm(false, true, M, N, N, 1, Q, N, X.subarray(N), N2, 0, U, N);
      return;
    }
    // A = (Q P Σ Vᵀ)ᵀ: the left singular vectors of A are the normalised rotated rows of R.
    const small = d[0] * 1e-135;
    const bad: boolean[] = new Array(N).fill(false);
    for (let i = 0; i < N; i++) {
      if (!(d[i] > small)) {
        bad[i] = true;
        continue;
      }
      const inv = 1 / d[i];
      for (let j = 0; j < N; j++) U[j * N + i] = X[i * N2 + j] * inv;
    }
    if (bad.includes(true)) completeColumns(U, N, N, bad);
  });
}

/**
 * Eigen-decomposition of the symmetric n x n G (destroyed): `values`
 * (n, descending) and the eigenvectors as the columns of V (n x k, leading
 * dimension k, the first k eigenvalues). Householder tridiagonalisation and
 * implicit QL (linalg's eigh kernels). O(9 n³).
 */
export function symmetricEig(ws: Workspace<TensorKernels>, n: number, G: Float64Array, k: number, values: Float64Array, V: Float64Array): void {
  const K = ws.kernels;
  scoped(ws, () => {
    const d = ws.f64(n), e = ws.f64(n), tau = ws.f64(n), work = ws.f64(n), Z = ws.f64(n * n);
    K.tridiagonalize(n, G, n, d, e, tau, work);
    K.tridiagonalQt(n, G, n, tau, Z, n);
    if (K.tridiagonalQl(n, d, e, Z, n, 30 * n + 30) < 0) {
      throw new LowrankError("NOT_CONVERGED", `symmetric eigensolver did not converge (n = ${n})`);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[q] - d[p] || p - q);
    for (let c = 0; c < n; c++) values[c] = d[order[c]];
    for (let c = 0; c < k; c++) {
      const z = order[c] * n;
      for (let i = 0; i < n; i++) V[i * k + c] = Z[z + i];
    }
  });
}

