// Row norms of A and of A B: the last pass of every leverage-score method and
// the quadratic forms of every Lewis-weight iteration. Mirrored in
// src/kernels/rows.ts (rowNormsSq, rowNormsOfProduct).
import { dot } from "../../linalg/assembly/blas1";
import { madd } from "../../linalg/assembly/simd";

/** out[i] = ||X[i, 0:d]||² for the n rows of X. */
export function rowNormsSq(n: i32, d: i32, X: usize, ldx: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const xi = X + ((<usize>i * <usize>ldx) << 3);
    store<f64>(out + (<usize>i << 3), dot(d, xi, xi));
  }
}

@inline function sq2(x: v128, y: v128): v128 {
  return f64x2.add(f64x2.mul(x, x), f64x2.mul(y, y));
}

/**
 * out[i] = ||a_iᵀ B||² for the n rows a_i of A (n x d) and B (d x k), with
 * the product never stored: a register tile of 4 rows x 4 columns of A B
 * (eight f64x2 accumulators) runs over j = 0..d-1 with one broadcast of a_ij
 * per row and two loads of B[j, c:c+4] shared by the four rows, then is
 * squared into the rows' sums; the four rows of A stay in L1 across the
 * column panels. Panels of 2 and 1 columns take the tail of k, single rows the
 * tail of n. With `upper`, B is upper triangular (k = d, strictly lower part
 * zero) and panel c stops at row c + width of B. Each row's sums run in an
 * order that does not depend on its neighbours (mirrored in src/kernels/rows.ts).
 * z is unused (kept for the kernel's signature).
 */
export function rowNormsOfProduct(
  n: i32, d: i32, k: i32, A: usize, lda: i32, B: usize, ldb: i32, upper: bool, out: usize, z: usize,
): void {
  const rowA = <usize>lda << 3;
  const rowB = <usize>ldb << 3;
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = A + <usize>i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      let x00 = zero, x01 = zero, x10 = zero, x11 = zero, x20 = zero, x21 = zero, x30 = zero, x31 = zero;
      const jEnd = upper ? min(d, c + 4) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        const o = <usize>j << 3;
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        const v0 = v128.load64_splat(a0 + o);
        const v1 = v128.load64_splat(a1 + o);
        x00 = madd(v0, b0, x00);
        x01 = madd(v0, b1, x01);
        const v2 = v128.load64_splat(a2 + o);
        x10 = madd(v1, b0, x10);
        x11 = madd(v1, b1, x11);
        const v3 = v128.load64_splat(a3 + o);
        x20 = madd(v2, b0, x20);
        x21 = madd(v2, b1, x21);
        x30 = madd(v3, b0, x30);
        x31 = madd(v3, b1, x31);
        bp += rowB;
      }
      s0 = f64x2.add(s0, sq2(x00, x01));
      s1 = f64x2.add(s1, sq2(x10, x11));
      s2 = f64x2.add(s2, sq2(x20, x21));
      s3 = f64x2.add(s3, sq2(x30, x31));
    }
    for (; c + 2 <= k; c += 2) {
      let x0 = zero, x1 = zero, x2 = zero, x3 = zero;
      const jEnd = upper ? min(d, c + 2) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        const o = <usize>j << 3;
        const b0 = v128.load(bp);
        x0 = madd(v128.load64_splat(a0 + o), b0, x0);
        x1 = madd(v128.load64_splat(a1 + o), b0, x1);
        x2 = madd(v128.load64_splat(a2 + o), b0, x2);
        x3 = madd(v128.load64_splat(a3 + o), b0, x3);
        bp += rowB;
      }
      s0 = f64x2.add(s0, f64x2.mul(x0, x0));
      s1 = f64x2.add(s1, f64x2.mul(x1, x1));
      s2 = f64x2.add(s2, f64x2.mul(x2, x2));
      s3 = f64x2.add(s3, f64x2.mul(x3, x3));
    }
    if (c < k) {
      let y0: f64 = 0, y1: f64 = 0, y2: f64 = 0, y3: f64 = 0;
      const jEnd = upper ? min(d, c + 1) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        const o = <usize>j << 3;
        const b = load<f64>(bp);
        y0 += load<f64>(a0 + o) * b;
        y1 += load<f64>(a1 + o) * b;
        y2 += load<f64>(a2 + o) * b;
        y3 += load<f64>(a3 + o) * b;
        bp += rowB;
      }
      t0 = y0 * y0;
      t1 = y1 * y1;
      t2 = y2 * y2;
      t3 = y3 * y3;
    }
    const po = out + (<usize>i << 3);
    store<f64>(po, f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1) + t0);
    store<f64>(po + 8, f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1) + t1);
    store<f64>(po + 16, f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1) + t2);
    store<f64>(po + 24, f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1) + t3);
  }
  for (; i < n; i++) {
    const a0 = A + <usize>i * rowA;
    let s0 = zero;
    let t0: f64 = 0;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      let x00 = zero, x01 = zero;
      const jEnd = upper ? min(d, c + 4) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        const v0 = v128.load64_splat(a0 + (<usize>j << 3));
        x00 = madd(v0, v128.load(bp), x00);
        x01 = madd(v0, v128.load(bp, 16), x01);
        bp += rowB;
      }
      s0 = f64x2.add(s0, sq2(x00, x01));
    }
    for (; c + 2 <= k; c += 2) {
      let x0 = zero;
      const jEnd = upper ? min(d, c + 2) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        x0 = madd(v128.load64_splat(a0 + (<usize>j << 3)), v128.load(bp), x0);
        bp += rowB;
      }
      s0 = f64x2.add(s0, f64x2.mul(x0, x0));
    }
    if (c < k) {
      let y0: f64 = 0;
      const jEnd = upper ? min(d, c + 1) : d;
      let bp = B + (<usize>c << 3);
      for (let j = 0; j < jEnd; j++) {
        y0 += load<f64>(a0 + (<usize>j << 3)) * load<f64>(bp);
        bp += rowB;
      }
      t0 = y0 * y0;
    }
    store<f64>(out + (<usize>i << 3), f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1) + t0);
  }
}
