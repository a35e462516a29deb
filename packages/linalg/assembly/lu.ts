// Small dense inverse shared by the packages' kernels (Gauss-Jordan with
// partial pivoting), inlined where it is called. Mirrored in src/drivers.ts
// (luInverse), which must stay bit-identical to the simd build.
import { axpyInline } from "./blas1";
import { swapRows } from "./rotation";

@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/**
 * inv (k x k) = H⁻¹ by Gauss-Jordan elimination with partial pivoting on
 * [H | I] (rows of 2k in work, 2 k² doubles), SIMD along the rows. Returns
 * false when a pivot is exactly zero (H singular). O(k³).
 */
@inline export function invertGJ(k: i32, H: usize, inv: usize, work: usize): bool {
  const w = 2 * k, row = <usize>w << 3;
  memory.fill(work, 0, <usize>k * row);
  for (let i = 0; i < k; i++) {
    memory.copy(work + <usize>i * row, H + (<usize>(i * k) << 3), <usize>k << 3);
    stf(work, i * w + k + i, 1.0);
  }
  for (let j = 0; j < k; j++) {
    let piv = j, best = Math.abs(ldf(work, j * w + j));
    for (let i = j + 1; i < k; i++) {
      const a = Math.abs(ldf(work, i * w + j));
      if (a > best) {
        best = a;
        piv = i;
      }
    }
    if (best == 0) return false;
    const rj = work + <usize>j * row;
    if (piv != j) swapRows(w, rj, work + <usize>piv * row);
    const d = 1.0 / ldf(work, j * w + j);
    for (let t = 0; t < w; t++) stf(rj, t, ldf(rj, t) * d);
    for (let i = 0; i < k; i++) {
      if (i == j) continue;
      const ri = work + <usize>i * row;
      const f = ldf(ri, j);
      if (f != 0) axpyInline(w, -f, rj, ri);
    }
  }
  for (let i = 0; i < k; i++) memory.copy(inv + (<usize>(i * k) << 3), work + <usize>i * row + (<usize>k << 3), <usize>k << 3);
  return true;
}
