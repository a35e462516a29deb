// Matricised tensor times Khatri-Rao product, the one heavy step of CP-ALS
// (Kolda & Bader 2009, sec. 3.4), without forming the Khatri-Rao product of
// all other factors: with X viewed as (left, n, right), KL (left x R) and
// KR (right x R) the row-wise Khatri-Rao products of the factors before and
// after the mode,
//   out[i, r] = Σ_l Σ_q X[l, i, q] KL[l, r] KR[q, r].
// One GEMM contracts the larger of left / right, a SIMD pass the other.
// Mirrored in src/kernels/mttkrp.ts.
import { gemm } from "../../linalg/assembly/gemm";
import { dot } from "../../linalg/assembly/blas1";

/** out (ra*rb x R): row a*rb + b is A[a, :] .* B[b, :]. */
export function khatriRao(ra: i32, rb: i32, R: i32, A: usize, B: usize, out: usize): void {
  const rs = <usize>R << 3;
  for (let a = 0; a < ra; a++) {
    const pa = A + <usize>a * rs;
    for (let b = 0; b < rb; b++) {
      const pb = B + <usize>b * rs;
      const po = out + (<usize>a * <usize>rb + <usize>b) * rs;
      let r = 0;
      for (; r + 2 <= R; r += 2) {
        const o = <usize>r << 3;
        v128.store(po + o, f64x2.mul(v128.load(pa + o), v128.load(pb + o)));
      }
      for (; r < R; r++) {
        const o = <usize>r << 3;
        store<f64>(po + o, load<f64>(pa + o) * load<f64>(pb + o));
      }
    }
  }
}

/**
 * out (n x R) = MTTKRP of X for the middle mode. `scratch` holds
 * R * n * right + R * right doubles when left >= right, else left * n * R.
 * The GEMM into `scratch`, then {@link mttkrpFinish} (the parallel form runs
 * the same GEMM as tasks, then the same finish).
 */
export function mttkrp(
  left: i32, n: i32, right: i32, R: i32,
  X: usize, KL: usize, KR: usize, out: usize, scratch: usize, work: usize,
): void {
  const nr = n * right;
  if (left >= right) {
    // Z (R x n*right) = KLᵀ X.
    gemm(true, false, R, nr, left, 1.0, KL, R, X, nr, 0.0, scratch, nr, work);
  } else {
    // Y (left*n x R) = X KR.
    gemm(false, false, left * n, R, right, 1.0, X, right, KR, R, 0.0, scratch, R, work);
  }
  mttkrpFinish(left, n, right, R, KL, KR, out, scratch);
}

/**
 * The second pass of {@link mttkrp}, after its GEMM left Z = KLᵀ X (left >=
 * right) or Y = X KR (left < right) in `scratch`: out[i, r] = <Z[r, i, :],
 * KR[:, r]> or out[i, :] = Σ_l Y[l, i, :] .* KL[l, :]. O(n right R) or O(left n R).
 */
export function mttkrpFinish(left: i32, n: i32, right: i32, R: i32, KL: usize, KR: usize, out: usize, scratch: usize): void {
  const nr = n * right;
  if (left >= right) {
    const KRt = scratch + (<usize>R * <usize>nr << 3);
    for (let q = 0; q < right; q++) {
      for (let r = 0; r < R; r++) {
        store<f64>(KRt + ((<usize>r * <usize>right + <usize>q) << 3), load<f64>(KR + ((<usize>q * <usize>R + <usize>r) << 3)));
      }
    }
    for (let r = 0; r < R; r++) {
      const zr = scratch + (<usize>r * <usize>nr << 3);
      const kr = KRt + (<usize>r * <usize>right << 3);
      for (let i = 0; i < n; i++) {
        store<f64>(out + ((<usize>i * <usize>R + <usize>r) << 3), dot(right, zr + (<usize>i * <usize>right << 3), kr));
      }
    }
    return;
  }
  memory.fill(out, 0, <usize>n * <usize>R << 3);
  const rs = <usize>R << 3;
  for (let l = 0; l < left; l++) {
    const kl = KL + <usize>l * rs;
    for (let i = 0; i < n; i++) {
      const y = scratch + (<usize>l * <usize>n + <usize>i) * rs;
      const o = out + <usize>i * rs;
      let r = 0;
      for (; r + 2 <= R; r += 2) {
        const b = <usize>r << 3;
        const p = f64x2.mul(v128.load(y + b), v128.load(kl + b));
        v128.store(o + b, f64x2.add(v128.load(o + b), p));
      }
      for (; r < R; r++) {
        const b = <usize>r << 3;
        store<f64>(o + b, load<f64>(o + b) + load<f64>(y + b) * load<f64>(kl + b));
      }
    }
  }
}
