// Offset-based level-1 loops for the plain-TypeScript kernels, rounding
// exactly as assembly/blas1.ts does in the simd build, so that a js kernel
// built on them agrees with its WASM twin to the last bit.

/**
 * Σ x[xo+i] y[yo+i] in the order of the SIMD `dot`: four interleaved partial
 * sums (two f64x2 accumulators), combined as (s0 + s2) + (s1 + s3), then the
 * tail added in order. O(n).
 *
 * @example
 * dotAt(3, x, 0, y, 0); // x[0]y[0] + x[1]y[1] + x[2]y[2]
 */
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

/**
 * y[yo..yo+n) += alpha x[xo..xo+n). O(n).
 *
 * @example
 * axpyAt(2, 0.5, x, 0, y, 4); // y[4] += x[0] / 2, y[5] += x[1] / 2
 */
export function axpyAt(n: number, alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  for (let i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
}
