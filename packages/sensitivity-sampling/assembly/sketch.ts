// CountSketch (Clarkson and Woodruff, STOC 2013): each row of A is added, with
// a random sign, to one random row of SA. Mirrored in src/kernels.ts.
import { axpyInline } from "../../linalg/assembly/blas1";

/**
 * SA (m x d, zeroed by the caller) += S V^(1/2) A. Row i goes to bucket t >> 1
 * with sign (t & 1 ? -1 : +1), t = floor(2 m u[i]), so one uniform u[i] in
 * [0, 1) draws both the bucket and the sign independently. Row i is scaled by
 * √v[i] when v is not 0 (the null pointer), for sketching reweighted rows.
 */
export function countSketch(n: i32, d: i32, A: usize, lda: i32, u: usize, m: i32, v: usize, SA: usize): void {
  const m2 = <f64>(2 * m);
  for (let i = 0; i < n; i++) {
    let t = <i32>Math.floor(load<f64>(u + (<usize>i << 3)) * m2);
    if (t >= 2 * m) t = 2 * m - 1;
    let s: f64 = (t & 1) != 0 ? -1.0 : 1.0;
    if (v != 0) s *= Math.sqrt(load<f64>(v + (<usize>i << 3)));
    axpyInline(d, s, A + ((<usize>i * <usize>lda) << 3), SA + ((<usize>(t >> 1) * <usize>d) << 3));
  }
}

/**
 * countSketch with v = 0 for short rows (the binding calls it for d ≤ 16; the general loop is as
 * fast for wider ones): the sign is ±1, so flipping the sign bit of x and adding is y + s x exactly,
 * with no per-row axpy call or scalar tail (1e6 x 10: 10.5 -> 6.4 ms). A separate export, so that
 * countSketch compiles as before (with this branch inside it, d = 50 ran 8% slower).
 */
export function countSketchShort(n: i32, d: i32, A: usize, lda: i32, u: usize, m: i32, SA: usize): void {
  const m2 = <f64>(2 * m);
  const rowA = <usize>lda << 3, rowS = <usize>d << 3, pairs = <usize>(d & ~1) << 3;
  const top = 2 * m - 1;
  let a = A;
  for (let i = 0; i < n; i++, a += rowA) {
    const t = min(<i32>Math.floor(load<f64>(u + (<usize>i << 3)) * m2), top);
    const y = SA + <usize>(t >> 1) * rowS;
    const bit = <i64>(t & 1) << 63;
    const flip = i64x2.splat(bit);
    let o: usize = 0;
    for (; o < pairs; o += 16) v128.store(y + o, f64x2.add(v128.load(y + o), v128.xor(v128.load(a + o), flip)));
    if (d & 1) store<f64>(y + o, load<f64>(y + o) + reinterpret<f64>(reinterpret<i64>(load<f64>(a + o)) ^ bit));
  }
}

/**
 * One column group of the subsampled randomized Hadamard transform
 * (Ailon and Chazelle; Tropp, 2011): T (np x ldt, np a power of two, ldt even
 * >= g) gets the rows sign_i A[i, j0:j0+g] (zero rows from n to np, zero
 * columns from g to ldt), its columns are transformed in place by the
 * unnormalised Walsh-Hadamard transform H (H² = np I), and SA[r, j0:j0+g]
 * (leading dimension ldsa) = scale · T[idx[r], 0:g] for the m sampled rows.
 * The butterflies of the levels h < BLOCK run block by block in cache, the
 * larger levels over the whole of T. O(np log2(np) ldt).
 */
export function srhtColumns(
  n: i32, A: usize, lda: i32, j0: i32, g: i32, sign: usize, np: i32, T: usize, ldt: i32,
  m: i32, idx: usize, scale: f64, SA: usize, ldsa: i32,
): void {
  const rowT = <usize>ldt << 3;
  memory.fill(T, 0, <usize>np * rowT);
  for (let i = 0; i < n; i++) {
    const s = load<f64>(sign + (<usize>i << 3));
    const src = A + ((<usize>i * <usize>lda + <usize>j0) << 3);
    const dst = T + <usize>i * rowT;
    for (let t = 0; t < g; t++) store<f64>(dst + (<usize>t << 3), s * load<f64>(src + (<usize>t << 3)));
  }
  const block = min(np, 4096);
  for (let b = 0; b < np; b += block) butterflies(T + <usize>b * rowT, block, 1, block, ldt);
  for (let h = block; h < np; h <<= 1) butterflies(T, np, h, h << 1, ldt);
  for (let r = 0; r < m; r++) {
    const src = T + <usize>load<i32>(idx + (<usize>r << 2)) * rowT;
    const dst = SA + ((<usize>r * <usize>ldsa + <usize>j0) << 3);
    for (let t = 0; t < g; t++) store<f64>(dst + (<usize>t << 3), scale * load<f64>(src + (<usize>t << 3)));
  }
}

/** The Walsh-Hadamard levels h = h0, 2 h0, ... < hEnd over `rows` rows of T (row width ldt, even). */
function butterflies(T: usize, rows: i32, h0: i32, hEnd: i32, ldt: i32): void {
  const rowT = <usize>ldt << 3;
  for (let h = h0; h < hEnd; h <<= 1) {
    const off = <usize>h * rowT;
    for (let s = 0; s < rows; s += h << 1) {
      let x = T + <usize>s * rowT;
      const end = x + off;
      for (; x < end; x += 16) {
        const a = v128.load(x), b = v128.load(x + off);
        v128.store(x, f64x2.add(a, b));
        v128.store(x + off, f64x2.sub(a, b));
      }
    }
  }
}
