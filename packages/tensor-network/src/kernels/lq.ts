// TypeScript twins of assembly/lq.ts: Householder LQ of a row block in place,
// and the R of Aᵀ = QR for a wide A (through linalg's blocked Householder QR
// of the transpose: the same reflectors as the WASM kernel's blocked LQ).
import { qrBlockedWorkSize } from "@lowrank/linalg/internal";
import { jsKernels } from "@lowrank/linalg/kernels";

/**
 * Doubles of `work` the `lqR` kernel takes for an m x n matrix on a backend
 * (assembly/lq.ts: the panels' triangles, T, S and W; js: the blocked QR's
 * work and tau); without one, enough for both.
 */
export function lqRWorkSize(m: number, n: number, backend?: "js" | "wasm"): number {
  const NB = 32, IB = 8;
  const wasm = 3 * NB * NB + 3 * IB * IB + m * NB + NB * IB + m, js = qrBlockedWorkSize(n, m) + m;
  return backend === "wasm" ? wasm : backend === "js" ? js : Math.max(wasm, js);
}

/**
 * Householder LQ in place of the m x L block B (row-major, leading dimension
 * ld, m <= L): on return its lower triangle holds L (B = L Q). Each
 * reflector runs along a contiguous row (nrm2, scal, dot, axpy).
 */
export function lqRows(m: number, L: number, B: Float64Array, ld: number): void {
  const K = jsKernels;
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
 * R (m x m, upper; zeros below) of Aᵀ = Q R for the wide m x n A (row-major,
 * m <= n, not modified): the transpose into `copy` (m n doubles) and
 * householderQrBlocked with `work` ({@link lqRWorkSize} doubles).
 */
export function lqR(m: number, n: number, A: Float64Array, R: Float64Array, copy: Float64Array, work: Float64Array): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) copy[j * m + i] = A[i * n + j];
  const tau = work.subarray(0, m);
  jsKernels.householderQrBlocked(n, m, copy, m, tau, work.subarray(m));
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) R[i * m + j] = j >= i ? copy[i * m + j] : 0;
}
