// Small helpers shared by the factorisation kernels: plane rotations of two
// rows, row swaps, an overflow-free hypot. Mirrored in src/kernels/rotation.ts.

/** Rows x, y (n entries each): x <- c x - s y, y <- s x + c y. */
export function rotRows(n: i32, x: usize, y: usize, c: f64, s: f64): void {
  rotRowsInline(n, x, y, c, s);
}

/**
 * `rotRows`'s body, inlined where it is called: for loops that rotate short
 * rows (a core matrix's) so often that a call costs as much as the arithmetic.
 */
@inline export function rotRowsInline(n: i32, x: usize, y: usize, c: f64, s: f64): void {
  const vc = f64x2.splat(c), vs = f64x2.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    const a0 = v128.load(x + o), b0 = v128.load(y + o);
    const a1 = v128.load(x + o, 16), b1 = v128.load(y + o, 16);
    v128.store(x + o, f64x2.sub(f64x2.mul(vc, a0), f64x2.mul(vs, b0)));
    v128.store(y + o, f64x2.add(f64x2.mul(vs, a0), f64x2.mul(vc, b0)));
    v128.store(x + o, f64x2.sub(f64x2.mul(vc, a1), f64x2.mul(vs, b1)), 16);
    v128.store(y + o, f64x2.add(f64x2.mul(vs, a1), f64x2.mul(vc, b1)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(x + o), b = load<f64>(y + o);
    store<f64>(x + o, c * a - s * b);
    store<f64>(y + o, s * a + c * b);
  }
}

/** Swaps n entries of the rows at x and y. */
export function swapRows(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const a = v128.load(x + o);
    v128.store(x + o, v128.load(y + o));
    v128.store(y + o, a);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(x + o);
    store<f64>(x + o, load<f64>(y + o));
    store<f64>(y + o, a);
  }
}

/** sqrt(a² + b²) without overflow. */
export function hyp(a: f64, b: f64): f64 {
  const x = Math.abs(a), y = Math.abs(b);
  const mx = x > y ? x : y, mn = x > y ? y : x;
  if (mx == 0) return 0;
  const q = mn / mx;
  return mx * Math.sqrt(1 + q * q);
}

@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline export function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Address of entry (i, j) of a row-major matrix at A with leading dimension lda. */
@inline export function at(A: usize, lda: i32, i: i32, j: i32): usize {
  return A + ((<usize>i * <usize>lda + <usize>j) << 3);
}
