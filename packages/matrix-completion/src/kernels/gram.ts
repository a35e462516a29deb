// Twin of assembly/gram.ts: the lower triangle of a Gram matrix, one axpy per
// row of the factor and row of G, in the order the SIMD kernel adds them
// (each entry receives its terms in row order), so the simd build agrees bit for bit.
import { axpyAt } from "@lowrank/linalg/kernels";

/** G[go..] (lower, leading dimension d) += f fᵀ for the k-long row of F at fo. O(k²). */
export function gram1(k: number, d: number, G: Float64Array, go: number, F: Float64Array, fo: number): void {
  for (let r = 0; r < k; r++) axpyAt(r + 1, F[fo + r], F, fo, G, go + r * d);
}

/** G[go..] (lower, leading dimension d) += the outer products of the four k-long rows of F at f0..f3, in that order. O(k²). */
export function gram4(k: number, d: number, G: Float64Array, go: number, F: Float64Array, f0: number, f1: number, f2: number, f3: number): void {
  gram1(k, d, G, go, F, f0);
  gram1(k, d, G, go, F, f1);
  gram1(k, d, G, go, F, f2);
  gram1(k, d, G, go, F, f3);
}

/** G (k x k, lower triangle; zeroed first) = Xᵀ X for the n k-long rows of X, ldx apart. O(n k²). */
export function gramRows(n: number, k: number, X: Float64Array, ldx: number, G: Float64Array): void {
  G.fill(0, 0, k * k);
  for (let q = 0; q < n; q++) gram1(k, k, G, 0, X, q * ldx);
}
