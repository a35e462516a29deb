// TypeScript twin of assembly/tridiagonal-blocked.ts: tridiagonalizeUpper by
// panels (LAPACK's dsytrd with dlatrd), the same steps in plain loops; the
// WASM kernel runs the trailing update through GEMM, so the two agree to
// rounding, not bit for bit.
import { axpyAt, dotAt } from "./blas1.js";
import { gemm, gemmWorkSize } from "./gemm.js";
import { closeTridiagonal, reflectRow } from "./tridiagonal.js";

/** Reflectors per panel (dsytrd's default block size). */
export const TRD_NB = 32;

/** Doubles of work tridiagonalizeBlocked(n, ...) takes: the panel's V and W (TRD_NB x n each), one n-vector, the GEMM packing. */
export function tridiagonalizeBlockedWorkSize(n: number): number {
  return 2 * TRD_NB * Math.max(n, 1) + Math.max(n, 1) + gemmWorkSize();
}

/**
 * tridiagonalizeUpper's result (the same d, e, reflectors and tau up to
 * rounding) by panels of TRD_NB reflectors: within a panel each row is
 * brought up to date from the panel's earlier (v, w) pairs before its
 * reflector is taken, and w = t A22 v comes from the trailing triangle as
 * last updated (one pass: a dot from the diagonal and an axpy right of it
 * per row) corrected by the panel's pairs; after the panel the trailing
 * triangle takes all its rank-2 updates at once, A22 -= V Wᵀ + W Vᵀ, by
 * GEMM on block rows of the upper triangle. Reads and writes the upper
 * triangle only (GEMM's blocks on the diagonal write below it too).
 * `work` holds tridiagonalizeBlockedWorkSize(n). O(4n³/3), half of it GEMM.
 */
export function tridiagonalizeBlocked(
  n: number, A: Float64Array, lda: number, d: Float64Array, e: Float64Array, tau: Float64Array, work: Float64Array,
): void {
  const nb = TRD_NB, V = work.subarray(0, nb * n), W = work.subarray(nb * n, 2 * nb * n), y = work.subarray(2 * nb * n, 2 * nb * n + n);
  for (let j = 0; j < n - 2; j += nb) {
    const kb = Math.min(nb, n - 2 - j);
    V.fill(0, 0, kb * n);
    W.fill(0, 0, kb * n);
    for (let i = 0; i < kb; i++) {
      const k = j + i, row = k * lda;
      // Row k from the diagonal on, brought up to date: A[k][k..] -= Σ_p V_p[k] W_p[k..] + W_p[k] V_p[k..].
      for (let p = 0; p < i; p++) {
        axpyAt(n - k, -V[p * n + k], W, p * n + k, A, row + k);
        axpyAt(n - k, -W[p * n + k], V, p * n + k, A, row + k);
      }
      const t = reflectRow(n, k, A, lda, d, e, tau);
      if (t === 0) continue;
      const x = row + k + 1, L = n - k - 1, o = k + 1;
      for (let c = 0; c < L; c++) V[i * n + o + c] = A[x + c];
      // y = A22 v from the trailing triangle as stored (dsytd2's one pass) ...
      y.fill(0, 0, L);
      for (let r = 0; r < L; r++) {
        const rr = (o + r) * lda + o;
        y[r] += dotAt(L - r, A, rr + r, A, x + r);
        axpyAt(L - r - 1, A[x + r], A, rr + r + 1, y, r + 1);
      }
      // ... minus the panel's pending updates: Σ_p V_p (W_pᵀ v) + W_p (V_pᵀ v).
      for (let p = 0; p < i; p++) {
        const a = dotAt(L, W, p * n + o, A, x), b = dotAt(L, V, p * n + o, A, x);
        axpyAt(L, -a, V, p * n + o, y, 0);
        axpyAt(L, -b, W, p * n + o, y, 0);
      }
      // w = t y - (t/2)(t yᵀv) v.
      for (let r = 0; r < L; r++) y[r] *= t;
      const K = 0.5 * t * dotAt(L, y, 0, A, x);
      axpyAt(L, -K, A, x, y, 0);
      for (let c = 0; c < L; c++) W[i * n + o + c] = y[c];
    }
    trailingUpdate(n, j + kb, kb, A, lda, V, W);
  }
  closeTridiagonal(n, A, lda, d, e, tau);
}

/**
 * A[t0.., t0..] -= V Wᵀ + W Vᵀ (columns t0.. of the kb rows of V and W) on
 * the upper triangle, by block rows of TRD_NB: each block row from its
 * diagonal block to the last column, two GEMMs.
 */
function trailingUpdate(n: number, t0: number, kb: number, A: Float64Array, lda: number, V: Float64Array, W: Float64Array): void {
  for (let r0 = t0; r0 < n; r0 += TRD_NB) {
    const rb = Math.min(TRD_NB, n - r0), w = n - r0, c = A.subarray(r0 * lda + r0);
    gemm(true, false, rb, w, kb, -1, V.subarray(r0), n, W.subarray(r0), n, 1, c, lda);
    gemm(true, false, rb, w, kb, -1, W.subarray(r0), n, V.subarray(r0), n, 1, c, lda);
  }
}
