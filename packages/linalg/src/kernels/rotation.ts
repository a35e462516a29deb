// TypeScript twin of assembly/rotation.ts: plane rotations of two rows, row
// swaps, an overflow-free hypot, and the entry helpers (index arithmetic
// here, where the AssemblyScript ones compute byte addresses).

/** Rows x[xo..], y[yo..] (n entries each): x <- c x - s y, y <- s x + c y. O(n). */
export function rotRows(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number, c: number, s: number): void {
  for (let i = 0; i < n; i++) {
    const a = x[xo + i], b = y[yo + i];
    x[xo + i] = c * a - s * b;
    y[yo + i] = s * a + c * b;
  }
}

export { rotRows as rotRowsInline };

/** Swaps n entries of the rows at x[xo..] and y[yo..]. O(n). */
export function swapRows(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  for (let i = 0; i < n; i++) {
    const t = x[xo + i];
    x[xo + i] = y[yo + i];
    y[yo + i] = t;
  }
}

/** sqrt(a² + b²) without overflow. */
export function hyp(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  const mx = x > y ? x : y, mn = x > y ? y : x;
  if (mx === 0) return 0;
  const q = mn / mx;
  return mx * Math.sqrt(1 + q * q);
}

/** p[i]. */
export function ld(p: Float64Array, i: number): number {
  return p[i];
}

/** p[i] = v. */
export function st(p: Float64Array, i: number, v: number): void {
  p[i] = v;
}

/** Index of entry (i, j) of a row-major matrix starting at index A with leading dimension lda. */
export function at(A: number, lda: number, i: number, j: number): number {
  return A + i * lda + j;
}
