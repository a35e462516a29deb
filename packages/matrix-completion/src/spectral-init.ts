// The spectral initialisation of Jain, Netrapalli and Sanghavi (2013,
// Algorithm 2 step 2): U0 = top-k left singular vectors of (1/p) P_Omega(M),
// rows of large norm clipped (incoherence), re-orthonormalised by QR. The
// singular vectors come from linalg's thick-restart Lanczos SVD of the sparse
// matrix (to residuals 1e-10 of σ_1, the accuracy of svd-update's truncatedSvd),
// or, when `powerIters` is given, from a randomized subspace iteration (Halko,
// Martinsson, Tropp 2011, Algorithm 4.4) with a Rayleigh-Ritz step, a fixed
// cost of O(|Omega| l q + (n + m) l²). Neither forms a dense n x m matrix.
// (The 1/p rescaling changes no singular vector; it matters only for the V
// estimate (1/p) P_Omega(M)ᵀ U0 used as robust-altmin's warm start.)
import { Rng, type CsrMatrix } from "@lowrank/linalg";
import { lanczosSettings, lanczosSync, lanczosSyncBytes, type Workspace } from "@lowrank/linalg/internal";
import type { CompletionKernels } from "./kernels/index.js";
import { completionModule } from "./module.js";
import type { RunState } from "./state.js";

/** Settings of the spectral initialisation. */
export interface SpectralSettings {
  /** Oversampled subspace width l (k <= l <= min(n, m)). */
  width: number;
  /** Power (subspace) iterations q of the randomized method; undefined: the Lanczos SVD. */
  powerIters: number | undefined;
  /** Incoherence mu: rows of U0 longer than 2 mu sqrt(k / n) are scaled down to that length. */
  incoherence: number;
  seed: number;
}

/** Scratch doubles of `spectralInit` in the run's workspace (the Lanczos SVD takes its own, see lanczosStart). */
export function spectralWorkSize(n: number, m: number, k: number, l: number): number {
  return 2 * (n + m) * l + 2 * l * l + 4 * l + k * l + n * k;
}

/**
 * Writes the orthonormal U0 (n x k) into st.U and (1/p) P_Omega(M)ᵀ U0 into st.V.
 * Returns the number of rows clipped. Errors: NOT_CONVERGED (the Lanczos SVD
 * after 1000 restarts, which no matrix seen so far has needed).
 */
export async function spectralInit(st: RunState, s: SpectralSettings): Promise<number> {
  const { ws, k, rows: n } = st;
  const K = ws.kernels;
  const l = s.width;
  const T = st.work.subarray(0, n * k), tau = st.work.subarray(n * k, n * k + k), w = st.work.subarray(n * k + k, n * k + 2 * k);
  if (s.powerIters === undefined) await lanczosStart(st, s.seed, T);
  else randomizedStart(st, l, s.powerIters, s.seed, T, st.work.subarray(n * k));

  // JNS clip rows whose norm exceeds 2 mu sqrt(k/n); we scale them down to that norm rather than zeroing them.
  const cap = 2 * s.incoherence * Math.sqrt(k / n);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let t = i * k; t < i * k + k; t++) sq += T[t] * T[t];
    const len = Math.sqrt(sq);
    if (len > cap) {
      for (let t = i * k; t < i * k + k; t++) T[t] *= cap / len;
      clipped++;
    }
  }
  K.householderQr(n, k, T, k, tau, w);
  K.householderQ(n, k, T, k, tau, st.U, k, w);
  K.spmmT(n, st.cols, k, st.rowPtr, st.rowCols, st.rowVals, st.U, st.V);
  K.scal(st.cols * k, (n * st.cols) / st.nnz, st.V);
  return clipped;
}

/**
 * T (n x k) = the top-k left singular vectors of the observed matrix by
 * linalg's Lanczos SVD (lanczosSync: Lanczos on the Gram matrix of the short
 * side, the two-sided form when σ_k is tiny), run in a private workspace of
 * this module (the run's is held to its reservation; a private one, not the
 * shared instance, because a browser's main thread cannot make that
 * synchronously before init()), the matrix copied in. O(restarts (p nnz +
 * p² (n + m))) for a basis of p vectors.
 */
async function lanczosStart(st: RunState, seed: number, T: Float64Array): Promise<void> {
  const { k, rows: n, cols: m } = st;
  const A: CsrMatrix = { rows: n, cols: m, indptr: st.rowPtr, indices: st.rowCols, data: st.rowVals };
  const o = lanczosSettings({ rank: k, seed, what: "complete (spectral start)" }, n, m);
  const lw = await completionModule.leasedWorkspace(st.ws.kernels.backend, lanczosSyncBytes(A, o));
  try {
    lanczosSync(withRowDotGemv(lw.ws), A, o, (r) => T.set(r.U.subarray(0, n * k)));
  } finally {
    lw.release();
  }
}

/**
 * `ws` whose untransposed gemv takes each entry as one `dot` (the other
 * kernels as they are). The fit's results agree bit for bit between the simd
 * build and the TypeScript reference (test/agreement.test.ts), and the simd
 * gemv sums a row in another order than its twin while `dot` and its twin
 * agree; the Lanczos run's Gram-Schmidt coefficients are such products
 * (at most the basis size of them, so one call each costs little).
 */
function withRowDotGemv(ws: Workspace<CompletionKernels>): Workspace<CompletionKernels> {
  const K = ws.kernels;
  const kernels: CompletionKernels = {
    ...K,
    gemv(trans, rows, cols, alpha, G, lda, x, beta, y) {
      if (trans) return K.gemv(trans, rows, cols, alpha, G, lda, x, beta, y);
      for (let i = 0; i < rows; i++) {
        const d = alpha * K.dot(cols, G.subarray(i * lda, i * lda + cols), x);
        y[i] = beta === 0 ? d : beta * y[i] + d;
      }
    },
  };
  // The same workspace (its arena and scopes) with these kernels.
  return Object.create(ws, { kernels: { value: kernels } }) as Workspace<CompletionKernels>;
}

/** T (n x k) by the randomized subspace iteration (width l, q power iterations), its scratch in `work`. */
function randomizedStart(st: RunState, l: number, q: number, seed: number, T: Float64Array, work: Float64Array): void {
  const { ws, k, rows: n, cols: m, rowPtr, rowCols, rowVals } = st;
  const K = ws.kernels;
  let o = 0;
  const take = (len: number) => work.subarray(o, (o += len));
  const Z = take(m * l), Qz = take(m * l), Y = take(n * l), Q = take(n * l);
  const C = take(l * l), Zq = take(l * l), d = take(l), e = take(l), tau = take(l), w = take(l);
  const W = take(k * l);
  K.rngFill(new Rng(seed), Z, true);
  K.spmm(n, l, rowPtr, rowCols, rowVals, Z, Y);
  K.householderQr(n, l, Y, l, tau, w);
  K.householderQ(n, l, Y, l, tau, Q, l, w);
  for (let it = 0; it < q; it++) {
    // Re-orthonormalising on both sides keeps the small singular directions from being lost to rounding.
    K.spmmT(n, m, l, rowPtr, rowCols, rowVals, Q, Z);
    K.householderQr(m, l, Z, l, tau, w);
    K.householderQ(m, l, Z, l, tau, Qz, l, w);
    K.spmm(n, l, rowPtr, rowCols, rowVals, Qz, Y);
    K.householderQr(n, l, Y, l, tau, w);
    K.householderQ(n, l, Y, l, tau, Q, l, w);
  }
  // Rayleigh-Ritz: eigenvectors of C = (AᵀQ)ᵀ(AᵀQ) = Qᵀ A Aᵀ Q rotate Q onto A's leading left singular vectors.
  K.spmmT(n, m, l, rowPtr, rowCols, rowVals, Q, Z);
  K.gemm(true, false, l, l, m, 1, Z, l, Z, l, 0, C, l);
  K.tridiagonalize(l, C, l, d, e, tau, w);
  K.tridiagonalQt(l, C, l, tau, Zq, l);
  K.tridiagonalQl(l, d, e, Zq, l, 30 * l + 30);
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => d[b] - d[a] || a - b);
  for (let t = 0; t < k; t++) W.set(Zq.subarray(order[t] * l, order[t] * l + l), t * l);
  K.gemm(false, true, n, k, l, 1, Q, l, W, l, 0, T, k);
}
