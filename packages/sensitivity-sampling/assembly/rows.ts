// Row norms of A and of A B: the last pass of every leverage-score method.
// Mirrored in src/kernels.ts (rowNormsSq, rowNormsOfProduct).
import { axpy, dot } from "../../linalg/assembly/blas1";

/** out[i] = ||X[i, 0:d]||² for the n rows of X. */
export function rowNormsSq(n: i32, d: i32, X: usize, ldx: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const xi = X + ((<usize>i * <usize>ldx) << 3);
    store<f64>(out + (<usize>i << 3), dot(d, xi, xi));
  }
}

/**
 * out[i] = ||a_iᵀ B||² for the n rows a_i of A (n x d) and B (d x k). The
 * product row z = Σ_j a_ij B[j, :] is built from contiguous rows of B; two rows
 * of A are done together so each load of B feeds two multiply-adds (each row's
 * sums run in the same order as a lone axpy, so results do not depend on the
 * pairing). With `upper`, B is upper triangular (k = d) and only B[j, j:] is
 * read. z holds 2k doubles of scratch.
 */
export function rowNormsOfProduct(
  n: i32, d: i32, k: i32, A: usize, lda: i32, B: usize, ldb: i32, upper: bool, out: usize, z: usize,
): void {
  const z2 = z + (<usize>k << 3);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    memory.fill(z, 0, <usize>k << 4);
    const a1 = A + ((<usize>i * <usize>lda) << 3);
    const a2 = a1 + (<usize>lda << 3);
    for (let j = 0; j < d; j++) {
      const o = <usize>j << 3;
      const c1 = load<f64>(a1 + o), c2 = load<f64>(a2 + o);
      const s = upper ? j : 0;
      twoAxpy(k - s, c1, c2, B + ((<usize>j * <usize>ldb + <usize>s) << 3), z + (<usize>s << 3), z2 + (<usize>s << 3));
    }
    store<f64>(out + (<usize>i << 3), dot(k, z, z));
    store<f64>(out + (<usize>(i + 1) << 3), dot(k, z2, z2));
  }
  for (; i < n; i++) {
    memory.fill(z, 0, <usize>k << 3);
    const ai = A + ((<usize>i * <usize>lda) << 3);
    for (let j = 0; j < d; j++) {
      const a = load<f64>(ai + (<usize>j << 3));
      if (a == 0) continue;
      const s = upper ? j : 0;
      axpy(k - s, a, B + ((<usize>j * <usize>ldb + <usize>s) << 3), z + (<usize>s << 3));
    }
    store<f64>(out + (<usize>i << 3), dot(k, z, z));
  }
}

/** y1 += c1 x, y2 += c2 x over len entries (each rounded as linalg's axpy). */
@inline function twoAxpy(len: i32, c1: f64, c2: f64, x: usize, y1: usize, y2: usize): void {
  const v1 = f64x2.splat(c1), v2 = f64x2.splat(c2);
  let t = 0;
  for (; t + 2 <= len; t += 2) {
    const o = <usize>t << 3;
    const xv = v128.load(x + o);
    if (ASC_FEATURE_RELAXED_SIMD) {
      v128.store(y1 + o, f64x2.relaxed_madd(v1, xv, v128.load(y1 + o)));
      v128.store(y2 + o, f64x2.relaxed_madd(v2, xv, v128.load(y2 + o)));
    } else {
      v128.store(y1 + o, f64x2.add(v128.load(y1 + o), f64x2.mul(v1, xv)));
      v128.store(y2 + o, f64x2.add(v128.load(y2 + o), f64x2.mul(v2, xv)));
    }
  }
  for (; t < len; t++) {
    const o = <usize>t << 3;
    const xs = load<f64>(x + o);
    store<f64>(y1 + o, load<f64>(y1 + o) + c1 * xs);
    store<f64>(y2 + o, load<f64>(y2 + o) + c2 * xs);
  }
}
