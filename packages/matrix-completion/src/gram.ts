// TypeScript mirror of assembly/gram.ts: the lower triangle of a Gram matrix,
// one axpy per row and Gram row, in the order the SIMD kernel adds them.
import { axpyAt } from "@lowrank/linalg";

/** G (k x k, lower triangle; zeroed first) = Xᵀ X for the n contiguous k-long rows of X. O(n k²). */
export function gramRows(n: number, k: number, X: Float64Array, G: Float64Array): void {
  G.fill(0, 0, k * k);
  for (let q = 0; q < n; q++) {
    for (let r = 0; r < k; r++) axpyAt(r + 1, X[q * k + r], X, q * k, G, r * k);
  }
}
