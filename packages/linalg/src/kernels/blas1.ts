// TypeScript twin of assembly/blas1.ts: level-1 loops on views with offsets,
// rounding exactly as the simd build does, so that a js kernel built on them
// agrees with its WASM twin to the last bit.

/** Below this largest entry, nrm2 lifts the vector by 2^600 before taking 1 / scale. */
export const TINY_NORM_SCALE = 2 ** -1000;

/**
 * Σ x[xo+i] y[yo+i] in the order of the SIMD `dot`: four interleaved partial
 * sums (two f64x2 accumulators), combined as (s0 + s2) + (s1 + s3), then the
 * tail added in order. The twin of `dotInline`. O(n).
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
 * y[yo..yo+n) += alpha x[xo..xo+n). The twin of `axpyInline`. O(n).
 *
 * @example
 * axpyAt(2, 0.5, x, 0, y, 4); // y[4] += x[0] / 2, y[5] += x[1] / 2
 */
export function axpyAt(n: number, alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  for (let i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
}

export { dotAt as dotInline, axpyAt as axpyInline };

/** Euclidean norm of x[xo..xo+n) scaled by the largest entry (as `nrm2`). O(n). */
export function nrm2At(n: number, x: Float64Array, xo: number): number {
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[xo + i]);
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  // 1 / scale overflows for a subnormal scale: lift the entries by 2^600 (exact) first.
  const lift = scale < TINY_NORM_SCALE;
  if (lift) scale *= 2 ** 600;
  const inv = 1 / scale;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = (lift ? x[xo + i] * 2 ** 600 : x[xo + i]) * inv;
    s += v * v;
  }
  const r = scale * Math.sqrt(s);
  return lift ? r * 2 ** -600 : r;
}

/** Σ x[i] y[i]. O(n). */
export function dot(n: number, x: Float64Array, y: Float64Array): number {
  return dotAt(n, x, 0, y, 0);
}

/** y += alpha x. O(n). */
export function axpy(n: number, alpha: number, x: Float64Array, y: Float64Array): void {
  axpyAt(n, alpha, x, 0, y, 0);
}

/** x *= alpha. O(n). */
export function scal(n: number, alpha: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) x[i] *= alpha;
}

/** Euclidean norm, scaled against overflow and underflow. O(n). */
export function nrm2(n: number, x: Float64Array): number {
  return nrm2At(n, x, 0);
}
