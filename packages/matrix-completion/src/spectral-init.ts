// The spectral initialisation of Jain, Netrapalli and Sanghavi (2013,
// Algorithm 2 step 2): U0 = top-k left singular vectors of (1/p) P_Omega(M),
// rows of large norm clipped (incoherence), re-orthonormalised by QR. The
// singular vectors come from a randomized subspace iteration on the sparse
// matrix (Halko, Martinsson, Tropp 2011, Algorithm 4.4) with a Rayleigh-Ritz
// step, so the cost is O(|Omega| l q + (n + m) l²) and no dense n x m matrix
// is ever formed. (The 1/p rescaling changes no singular vector; it matters
// only for the V estimate (1/p) P_Omega(M)ᵀ U0 used as robust-altmin's warm start.)
import { Rng } from "@lowrank/linalg";
import type { RunState } from "./state.js";

/** Settings of the spectral initialisation. */
export interface SpectralSettings {
  /** Oversampled subspace width l (k <= l <= min(n, m)). */
  width: number;
  /** Power (subspace) iterations q. */
  powerIters: number;
  /** Incoherence mu: rows of U0 longer than 2 mu sqrt(k / n) are scaled down to that length. */
  incoherence: number;
  seed: number;
}

/** Scratch doubles of `spectralInit`. */
export function spectralWorkSize(n: number, m: number, k: number, l: number): number {
  return 2 * (n + m) * l + 2 * l * l + 4 * l + k * l + n * k;
}

/**
 * Writes the orthonormal U0 (n x k) into st.U and (1/p) P_Omega(M)ᵀ U0 into st.V.
 * Returns the number of rows clipped.
 */
export function spectralInit(st: RunState, s: SpectralSettings): number {
  const { ws, k, rows: n, cols: m, rowPtr, rowCols, rowVals } = st;
  const K = ws.kernels;
  const l = s.width;
  let o = 0;
  const take = (len: number) => st.work.subarray(o, (o += len));
  const Z = take(m * l), Qz = take(m * l), Y = take(n * l), Q = take(n * l);
  const C = take(l * l), Zq = take(l * l), d = take(l), e = take(l), tau = take(l), w = take(l);
  const W = take(k * l), T = take(n * k);

  K.rngFill(new Rng(s.seed), Z, true);
  K.spmm(n, l, rowPtr, rowCols, rowVals, Z, Y);
  K.householderQr(n, l, Y, l, tau, w);
  K.householderQ(n, l, Y, l, tau, Q, l, w);
  for (let it = 0; it < s.powerIters; it++) {
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
  K.spmmT(n, m, k, rowPtr, rowCols, rowVals, st.U, st.V);
  K.scal(m * k, (n * m) / st.nnz, st.V);
  return clipped;
}
