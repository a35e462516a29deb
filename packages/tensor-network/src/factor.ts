// Factorisations inside a workspace, composed from linalg's kernels (the
// public linalg svd/eigh run on linalg's own shared instance, so a run that
// owns its instance needs them as control flow over its own kernel set).
// Should move to linalg as workspace-level svd/eigh.
import { eigh, LowrankError } from "@lowrank/linalg";
import { completeColumns, jacobiSvd, triangleWithIdentity, QR_CROSSOVER, QR_NB, qrBlockedWorkSize, type Workspace } from "@lowrank/linalg/internal";
import { lqRWorkSize } from "./kernels/index.js";
import type { TensorKernels } from "./kernels/index.js";

const MAX_SWEEPS = 60;

/** Doubles of scratch {@link leftSingular} takes for an m x n matrix. */
export function svdScratch(m: number, n: number): number {
  const M = Math.max(m, n), N = Math.min(m, n);
  if (useFatR(m, n)) {
    // R (N²), tau, d, [R | I] (2N²), and fatR's column block and L factors side by side.
    const b = lqCols(m);
    return 3 * N * N + 2 * N + m * b + Math.ceil(n / b) * m * m + 32;
  }
  // a and Q (M N), tau, d, [R | I], the blocked QR's (or lqR's) work, the transpose's i32 scratch (as doubles, with its blocks).
  return 2 * M * N + 2 * N * N + 2 * N + Math.max(qrBlockedWorkSize(M, N), useLqR(m, n) ? lqRWorkSize(m, n) : 0) + 32;
}

/** out (n x m) = Aᵀ for the row-major m x n A, by the `permute` kernel. */
export function transposeInto(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, out: Float64Array): void {
  ws.scoped(() => {
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

/**
 * Whether the `lqR` kernel gives R (m <= n, not fatR, and the blocked QR's
 * size: min > QR_NB and m n >= QR_CROSSOVER, where panels pay).
 */
const useLqR = (m: number, n: number) => m <= n && !useFatR(m, n) && m > QR_NB && m * n >= QR_CROSSOVER;

/** Whether {@link fatR} runs for an m x n matrix (m < n, m at most the blocked QR's panel, where it runs unblocked; n wide). */
const useFatR = (m: number, n: number) => m < n && m <= QR_NB && n >= 2 * lqCols(m);

/**
 * R (m x m, upper, into R) of the QR of Aᵀ for the wide m x n A (not
 * modified): Aᵀ = Q R with R = Lᵀ from the LQ of A. Two levels: the LQ of
 * each block of about 128 KiB of columns (copied, in cache), then of their
 * L factors side by side (kernel lqRows, one call per block). R is unique up to the signs of its rows, which
 * the Jacobi step below does not see. Replaces a row-major QR of the
 * transposed tall-skinny matrix, whose reflectors are short strided rows.
 * O(2 m² n).
 */
export function fatR(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, R: Float64Array): void {
  const K = ws.kernels, b = lqCols(m), nb = Math.ceil(n / b), W = nb * m;
  ws.scoped(() => {
    const blk = ws.f64(m * b), Ls = ws.f64(m * W);
    for (let t = 0; t < nb; t++) {
      const c0 = t * b, cols = Math.min(b, n - c0);
      for (let i = 0; i < m; i++) blk.set(A.subarray(i * n + c0, i * n + c0 + cols), i * b);
      K.lqRows(Math.min(m, cols), cols, blk, b);
      // Its L (m x min(m, cols), lower) into columns t m .. of Ls.
      for (let i = 0; i < m; i++) for (let j = 0; j <= Math.min(i, cols - 1); j++) Ls[i * W + t * m + j] = blk[i * b + j];
    }
    K.lqRows(m, W, Ls, W);
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) R[i * m + j] = Ls[j * W + i];
  });
}

/** The kernel call of {@link symmetricEig} (the kernel set's `tridiagonalEig`, or one that runs it beside other work). */
export type TridiagonalEig = TensorKernels["tridiagonalEig"];

/** Doubles of scratch {@link symmetricEig} takes for n x n. */
export function eigScratch(n: number): number {
  return 2 * n * n + 4 * n;
}

/**
 * Left singular vectors and singular values of the m x n row-major A (not
 * modified): U (m x k, k = min(m, n), leading dimension k) and s (k,
 * descending). `scratch` (optional, at least m n doubles, not read) holds
 * the QR's copy of A instead of a fresh arena array. The method of linalg's
 * `svd`: Householder QR of the taller orientation (Aᵀ when m <= n) (blocked compact-WY, GEMM-rich, when min(m, n) > 32 and the
 * matrix is not small; when only R is needed (m < n) and m <= 32, the blocked LQ of A over
 * cache-sized column blocks), one-sided Jacobi on the rows of R (with the rotations
 * accumulated beside it, [R | I], only when m > n), U = Q P by GEMM (m > n) or
 * the normalised rotated rows of R (m <= n). Singular values are accurate to O(eps s_0)
 * absolutely and the columns of U orthonormal to rounding, also when A is
 * rank-deficient (directions of zero singular values are completed by
 * Gram-Schmidt). O(mn min(m, n) + sweeps min(m, n)³).
 */
export function leftSingular(
  ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array, U: Float64Array, s: Float64Array, scratch?: Float64Array,
): void {
  const K = ws.kernels;
  // Square matrices take the transposed route as well: only R is factored there, so the Jacobi
  // step rotates R alone, with no rotations to accumulate and no Q to form.
  const trans = m <= n;
  const M = trans ? n : m, N = trans ? m : n;
  ws.scoped(() => {
    // Only R is needed when m <= n: wide matrices with few rows take the two-level LQ (fatR), in place of
    // the transpose and a QR whose reflectors would be short strided rows.
    // Wide matrices with more rows: the blocked LQ of a copy of A (kernel lqR), no transpose.
    const fat = useFatR(m, n), lq = useLqR(m, n);
    const big = () => (scratch !== undefined && scratch.length >= M * N ? scratch : ws.f64(M * N));
    const a = fat || lq ? ws.f64(N * N) : big();
    const tau = ws.f64(N), d = ws.f64(N);
    const work = fat ? tau : ws.f64(lq ? lqRWorkSize(m, n, K.backend) : qrBlockedWorkSize(M, N));
    if (fat) {
      fatR(ws, m, n, A, a);
    } else if (lq) {
      K.lqR(m, n, A, a, big(), work);
    } else {
      if (!trans) a.set(A.subarray(0, M * N));
      else transposeInto(ws, m, n, A, a);
      K.householderQrBlocked(M, N, a, N, tau, work);
    }
    // [R | I] when the rotations are needed (U = Q P), else R alone.
    const W = trans ? N : 2 * N;
    const X = ws.f64(N * W);
    triangleWithIdentity(N, a, N, X, W, !trans);
    // Stop at sqrt(N) eps cosines as LAPACK's dgesvj; the looser N eps only if rounding keeps a pair above it.
    jacobiSvd(K, N, N, W, X, W, d, MAX_SWEEPS / 2);
    s.set(d.subarray(0, N));
    if (!trans) {
      const Q = ws.f64(M * N);
      K.householderQBlocked(M, N, a, N, tau, Q, N, work);
      K.gemm(false, true, M, N, N, 1, Q, N, X.subarray(N), W, 0, U, N);
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
      for (let j = 0; j < N; j++) U[j * N + i] = X[i * W + j] * inv;
    }
    if (bad.includes(true)) completeColumns(U, N, N, bad);
  });
}

/**
 * From this order on wasm, {@link symmetricEig} hands the problem to linalg's
 * `eigh` (blocked tridiagonalisation and divide and conquer, on linalg's
 * instance: G copied out, the k vectors copied back). Measured one thread,
 * Gram matrices of Gaussian data: QL 40-53 ms against 39-46 at 256, 68-73
 * against 44-58 at 300, 122-216 against 90-123 at 409, 700-790 against
 * 175-265 at 512; at 150 QL was faster (3-12 ms against 12-26).
 */
export const EIG_DC_MIN = 256;

/** Whether {@link symmetricEig} runs linalg's `eigh` for order n on this workspace (else its own QL kernels). */
export const eigByDc = (ws: Workspace<TensorKernels>, n: number): boolean => ws.kernels.backend === "wasm" && n >= EIG_DC_MIN;

/**
 * Eigen-decomposition of the symmetric n x n G (destroyed; both triangles
 * set): `values` (n, descending) and the eigenvectors as the columns of V
 * (n x k, leading dimension k, the first k eigenvalues). Householder
 * tridiagonalisation (upper triangle) and implicit QL with batched rotations
 * (linalg's eigh kernels), O(9 n³); or, from {@link EIG_DC_MIN} on wasm,
 * linalg's `eigh` (divide and conquer, at most about 4n³), whose vectors
 * carry its sign convention (largest entry positive). `eig` (the QL route's
 * kernel call) is not used on that route.
 */
export function symmetricEig(
  ws: Workspace<TensorKernels>, n: number, G: Float64Array, k: number, values: Float64Array, V: Float64Array, eig: TridiagonalEig = ws.kernels.tridiagonalEig,
): void {
  if (eigByDc(ws, n)) {
    const { values: ev, vectors } = eigh({ rows: n, cols: n, data: G.slice(0, n * n) }, { backend: "wasm" });
    values.set(ev);
    const Vd = vectors.data;
    for (let i = 0; i < n; i++) V.set(Vd.subarray(i * n, i * n + k), i * k);
    return;
  }
  ws.scoped(() => {
    const d = ws.f64(n), e = ws.f64(n), tau = ws.f64(n), work = ws.f64(n), Z = ws.f64(n * n);
    // One triangle (half tridiagonalize's work; the same reflectors to rounding), Q into Z, then the batched
    // QL (the same rotations, applied to Z a batch of iterations at a time) in the n² doubles eigScratch
    // leaves beyond Z: batches of up to 32 iterations, 4 + 2n doubles each (the plain QL for tiny n).
    const lw = Math.min(32 * (4 + 2 * n), n * n);
    const it = eig(n, G, d, e, tau, work, Z, ws.f64(lw), lw, 30 * n + 30);
    if (it < 0) {
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

