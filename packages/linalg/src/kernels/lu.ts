// TypeScript twin of assembly/lu.ts: the small dense inverse the packages'
// kernels share, bit-identical to the simd build.
import { axpyAt } from "./blas1.js";
import { swapRows } from "./rotation.js";

/**
 * inv (k x k, row-major) = H⁻¹ by Gauss-Jordan elimination with partial
 * pivoting on [H | I] (rows of 2k in work, 2 k² doubles). Returns false when a
 * pivot is exactly zero (H singular). O(k³).
 */
export function invertGJ(k: number, H: Float64Array, inv: Float64Array, work: Float64Array): boolean {
  const w = 2 * k;
  work.fill(0, 0, k * w);
  for (let i = 0; i < k; i++) {
    work.set(H.subarray(i * k, i * k + k), i * w);
    work[i * w + k + i] = 1;
  }
  for (let j = 0; j < k; j++) {
    let piv = j, best = Math.abs(work[j * w + j]);
    for (let i = j + 1; i < k; i++) {
      const a = Math.abs(work[i * w + j]);
      if (a > best) {
        best = a;
        piv = i;
      }
    }
    if (best === 0) return false;
    if (piv !== j) swapRows(w, work, j * w, work, piv * w);
    const d = 1 / work[j * w + j];
    for (let t = 0; t < w; t++) work[j * w + t] *= d;
    for (let i = 0; i < k; i++) {
      if (i === j) continue;
      const f = work[i * w + j];
      if (f !== 0) axpyAt(w, -f, work, j * w, work, i * w);
    }
  }
  for (let i = 0; i < k; i++) inv.set(work.subarray(i * w + k, i * w + w), i * k);
  return true;
}
