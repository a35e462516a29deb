// Factorisations inside a workspace, composed from linalg's kernels (the
// public linalg svd/eigh run on linalg's own shared instance, so a run that
// owns its instance needs them as control flow over its own kernel set).
// Should move to linalg as workspace-level svd/eigh.
import { completeColumns, LowrankError, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";
import { scoped } from "./scope.js";

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/** Doubles of scratch {@link leftSingular} takes for an m x n matrix. */
export function svdScratch(m: number, n: number): number {
  const M = Math.max(m, n), N = Math.min(m, n);
  return 2 * M * N + 2 * N * N + 4 * N;
}

/** Doubles of scratch {@link symmetricEig} takes for n x n. */
export function eigScratch(n: number): number {
  return 2 * n * n + 4 * n;
}

/**
 * Left singular vectors and singular values of the m x n row-major A (not
 * modified): U (m x k, k = min(m, n), leading dimension k) and s (k,
 * descending). The method of linalg's `svd`: Householder QR of the taller
 * orientation, one-sided Jacobi on the rows of R with the rotations
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
    const a = ws.f64(M * N);
    if (!trans) a.set(A.subarray(0, M * N));
    else for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = A[i * n + j];
    const tau = ws.f64(N), work = ws.f64(N), d = ws.f64(N);
    K.householderQr(M, N, a, N, tau, work);
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
      K.householderQ(M, N, a, N, tau, Q, N, work);
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

