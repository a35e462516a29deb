// TypeScript twins of assembly/mttkrp.ts: the row-wise Khatri-Rao product and
// the MTTKRP of CP-ALS for the middle mode of X viewed as (left, n, right).
import { jsKernels } from "@lowrank/linalg/kernels";

const g = jsKernels.gemm;

/** out (ra*rb x R): row a*rb + b is A[a, :] .* B[b, :]. */
export function khatriRao(ra: number, rb: number, R: number, A: Float64Array, B: Float64Array, out: Float64Array): void {
  for (let a = 0; a < ra; a++) {
    for (let b = 0; b < rb; b++) {
      const o = (a * rb + b) * R;
      for (let r = 0; r < R; r++) out[o + r] = A[a * R + r] * B[b * R + r];
    }
  }
}

/**
 * out (n x R)[i, r] = Σ_l Σ_q X[l, i, q] KL[l, r] KR[q, r]. `scratch` holds
 * `mttkrpScratch` (kernels/index.ts) doubles. The GEMM, then {@link mttkrpFinish}.
 */
export function mttkrp(
  left: number, n: number, right: number, R: number,
  X: Float64Array, KL: Float64Array, KR: Float64Array, out: Float64Array, scratch: Float64Array,
): void {
  const nr = n * right;
  // Z (R x n*right) = KLᵀ X, or Y (left*n x R) = X KR.
  if (left >= right) g(true, false, R, nr, left, 1, KL, R, X, nr, 0, scratch, nr);
  else g(false, false, left * n, R, right, 1, X, right, KR, R, 0, scratch, R);
  mttkrpFinish(left, n, right, R, KL, KR, out, scratch);
}

/**
 * The pass after mttkrp's GEMM: out[i, r] = <Z[r, i, :], KR[:, r]> (left >=
 * right) or out[i, :] = Σ_l Y[l, i, :] .* KL[l, :], Z or Y in `scratch`.
 */
export function mttkrpFinish(
  left: number, n: number, right: number, R: number, KL: Float64Array, KR: Float64Array, out: Float64Array, scratch: Float64Array,
): void {
  const nr = n * right;
  if (left >= right) {
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        const z = r * nr + i * right;
        for (let q = 0; q < right; q++) s += scratch[z + q] * KR[q * R + r];
        out[i * R + r] = s;
      }
    }
    return;
  }
  out.fill(0, 0, n * R);
  for (let l = 0; l < left; l++) {
    for (let i = 0; i < n; i++) {
      const y = (l * n + i) * R;
      for (let r = 0; r < R; r++) out[i * R + r] += scratch[y + r] * KL[l * R + r];
    }
  }
}
