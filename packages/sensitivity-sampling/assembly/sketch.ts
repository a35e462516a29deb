// CountSketch (Clarkson and Woodruff, STOC 2013): each row of A is added, with
// a random sign, to one random row of SA. Mirrored in src/kernels/sketch.ts.
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

/** Rows the generator runs ahead of the scatter in countSketchDraw, and its ring of codes (a power of two, > DRAW_AHEAD). */
const DRAW_AHEAD = 16;
const DRAW_RING = 32;

/**
 * countSketch with v = 0 and the uniforms drawn here: u_i is the i-th next uniform of the Rng whose
 * 32-byte state block (linalg's layout, s0..s3 as u32) is at `st`, i.e. exactly the stream and the
 * sums of rngFillUniform then countSketch; the state is stored back at the end. `st` + 32 holds
 * DRAW_RING i32 of scratch. xoshiro128** runs with its state in locals (rngFillUniform keeps it in
 * memory) DRAW_AHEAD rows ahead of the scatter, writing each row's code t_i = min(⌊2m u_i⌋, 2m - 1)
 * into the ring: the generator's dependency chain then overlaps the scatter, and each row's SA
 * address is known well before its loads and stores issue. u_i 2m is the same double as
 * Rng.uniform() * 2 * m, as u_i = v 2^-53 (v < 2^53 an integer) and powers of two scale exactly. The
 * sign is ±1, so flipping the sign bit of x and adding is y + s x exactly (as countSketchShort).
 * 1e6 x 10: rngFill plus countSketchShort 10.5 ns a row, this about 5.5.
 */
export function countSketchDraw(n: i32, d: i32, A: usize, lda: i32, st: usize, m: i32, SA: usize): void {
  let s0 = load<u32>(st), s1 = load<u32>(st, 4), s2 = load<u32>(st, 8), s3 = load<u32>(st, 12);
  const ring = st + 32;
  const scale = <f64>(2 * m) * 1.1102230246251565e-16; // 2m 2^-53
  const top = 2 * m - 1;
  const rowA = <usize>lda << 3, rowS = <usize>d << 3;
  const quads = <usize>(d & ~3) << 3, pairs = <usize>(d & ~1) << 3;
  // Row i's code is drawn DRAW_AHEAD steps before row i is scattered: the first DRAW_AHEAD steps only draw, then
  // each step draws the code DRAW_AHEAD rows ahead (while there is one) and scatters row i.
  let a = A;
  for (let i = -DRAW_AHEAD; i < n; i++) {
    const next = i + DRAW_AHEAD;
    if (next < n) {
      // Two xoshiro128** outputs (src/rng.ts nextU32) make Rng.uniform's 53 bits v = (r1 >> 5) 2^26 + (r2 >> 6).
      const r1 = rotl<u32>(s1 * 5, 7) * 9;
      let t9 = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t9;
      s3 = rotl<u32>(s3, 11);
      const r2 = rotl<u32>(s1 * 5, 7) * 9;
      t9 = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t9;
      s3 = rotl<u32>(s3, 11);
      const v = (<i64>(r1 >>> 5) << 26) | <i64>(r2 >>> 6);
      // Truncation is the floor here (nonnegative).
      store<i32>(ring + (<usize>(next & (DRAW_RING - 1)) << 2), min(<i32>(<f64>v * scale), top));
    }
    if (i < 0) continue;
    const t = load<i32>(ring + (<usize>(i & (DRAW_RING - 1)) << 2));
    const y = SA + <usize>(t >> 1) * rowS;
    const bit = <i64>(t & 1) << 63;
    const flip = i64x2.splat(bit);
    let o: usize = 0;
    // A cache line (eight entries) per iteration, then four, two and one (fewer loop µops: 1e6 x 10
    // pass 10.7 -> 9.7 ms, 1e6 x 50 69.6 -> 67.4 ms, copies included).
    for (; o + 64 <= quads; o += 64) {
      v128.store(y + o, f64x2.add(v128.load(y + o), v128.xor(v128.load(a + o), flip)));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), v128.xor(v128.load(a + o, 16), flip)), 16);
      v128.store(y + o, f64x2.add(v128.load(y + o, 32), v128.xor(v128.load(a + o, 32), flip)), 32);
      v128.store(y + o, f64x2.add(v128.load(y + o, 48), v128.xor(v128.load(a + o, 48), flip)), 48);
    }
    if (o < quads) {
      v128.store(y + o, f64x2.add(v128.load(y + o), v128.xor(v128.load(a + o), flip)));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), v128.xor(v128.load(a + o, 16), flip)), 16);
      o += 32;
    }
    if (o < pairs) {
      v128.store(y + o, f64x2.add(v128.load(y + o), v128.xor(v128.load(a + o), flip)));
      o += 16;
    }
    if (d & 1) store<f64>(y + o, load<f64>(y + o) + reinterpret<f64>(reinterpret<i64>(load<f64>(a + o)) ^ bit));
    a += rowA;
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
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
