// Cholesky A = L Lᵀ, row by row (Cholesky-Banachiewicz): every entry is a SIMD
// dot product of two contiguous row prefixes. Mirrored in src/kernels/cholesky-rows.ts.
import { dot } from "./blas1";
import { at } from "./rotation";

/** In place on the lower triangle; strict upper zeroed. Returns 0, or -(j + 1) when pivot j is not positive. */
export function cholesky(n: i32, A: usize, lda: i32): i32 {
  for (let i = 0; i < n; i++) {
    const ri = at(A, lda, i, 0);
    for (let j = 0; j < i; j++) {
      const rj = at(A, lda, j, 0);
      const p = ri + (<usize>j << 3);
      store<f64>(p, (load<f64>(p) - dot(j, ri, rj)) / load<f64>(rj + (<usize>j << 3)));
    }
    const pii = ri + (<usize>i << 3);
    const dd = load<f64>(pii) - dot(i, ri, ri);
    if (!(dd > 0)) return -(i + 1);
    store<f64>(pii, Math.sqrt(dd));
    if (i + 1 < n) memory.fill(pii + 8, 0, <usize>(n - i - 1) << 3);
  }
  return 0;
}
