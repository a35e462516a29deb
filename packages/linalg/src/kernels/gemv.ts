// TypeScript twin of assembly/gemv.ts.

/** y = alpha op(A) x + beta y for A m x n (row-major, leading dimension lda); beta = 0 ignores y's contents. O(mn). */
export function gemv(
  trans: boolean, m: number, n: number, alpha: number, A: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array,
): void {
  if (!trans) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      const r = i * lda;
      for (let j = 0; j < n; j++) s += A[r + j] * x[j];
      y[i] = beta === 0 ? alpha * s : beta * y[i] + alpha * s;
    }
  } else {
    for (let j = 0; j < n; j++) y[j] = beta === 0 ? 0 : beta * y[j];
    for (let i = 0; i < m; i++) {
      const xi = alpha * x[i];
      if (xi === 0) continue;
      const r = i * lda;
      for (let j = 0; j < n; j++) y[j] += xi * A[r + j];
    }
  }
}
