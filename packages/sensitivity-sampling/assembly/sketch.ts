// CountSketch (Clarkson and Woodruff, STOC 2013): each row of A is added, with
// a random sign, to one random row of SA. Mirrored in src/kernels.ts.
import { axpy } from "../../linalg/assembly/blas1";

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
    axpy(d, s, A + ((<usize>i * <usize>lda) << 3), SA + ((<usize>(t >> 1) * <usize>d) << 3));
  }
}
