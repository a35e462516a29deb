// Offset-based level-1 loops that round exactly as linalg's assembly/blas1.ts
// (simd variant), so the TypeScript reference of this package's kernels
// agrees with the WASM build to the last bit. (Should move to @lowrank/linalg:
// its factor-kernels.ts keeps private copies of the same two loops.)

/** Σ x[xo+i] y[yo+i] in the four interleaved partial sums of the SIMD dot, combined (s0 + s2) + (s1 + s3). */
export function dotAt(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[xo + i] * y[yo + i];
    s1 += x[xo + i + 1] * y[yo + i + 1];
    s2 += x[xo + i + 2] * y[yo + i + 2];
    s3 += x[xo + i + 3] * y[yo + i + 3];
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += x[xo + i] * y[yo + i];
  return s;
}

/** y[yo..yo+n) += alpha x[xo..xo+n). */
export function axpyAt(n: number, alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  for (let i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
}
