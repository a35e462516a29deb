// Twin of assembly/normal-solve.ts: one row's regularised normal
// equations, formed in the same order and solved by linalg's Cholesky and
// triangular solves, so the result matches the WASM simd build bit for bit.
import { axpyAt, jsKernels } from "@lowrank/linalg/kernels";
import { gram1 } from "./gram.js";

/**
 * Solves the row whose observations are q in [start, end): unknowns x (k) and,
 * when fitBias, the bias as entry k; design [F_j, 1], target vals[q] - mu - otherBias[j].
 * G holds d² and b holds d entries (d = k + fitBias); the solution is left in b.
 * Returns false when G is not positive definite. O(cnt d² + d³).
 */
export function normalSolve(
  start: number, end: number, k: number, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  mu: number, reg: number, regBias: number, fitBias: boolean, G: Float64Array, b: Float64Array,
): boolean {
  const d = fitBias ? k + 1 : k;
  formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b);
  for (let r = 0; r < k; r++) G[r * d + r] += reg;
  if (fitBias) G[k * d + k] += regBias;
  if (jsKernels.cholesky(d, G, d) < 0) return false;
  jsKernels.triangularSolve(true, false, false, d, 1, G, d, b, 1);
  jsKernels.triangularSolve(true, true, false, d, 1, G, d, b, 1);
  return true;
}

/**
 * The unregularised normal equations of the row whose observations are q in [start, end):
 * G (lower triangle, d x d, zeroed first) = Σ [F_j, 1][F_j, 1]ᵀ and b = Σ t [F_j, 1] (the 1 when fitBias). O(cnt d²).
 */
export function formNormal(
  start: number, end: number, k: number, idx: Int32Array, vals: Float64Array, F: Float64Array, otherBias: Float64Array,
  mu: number, fitBias: boolean, G: Float64Array, b: Float64Array,
): void {
  const d = fitBias ? k + 1 : k;
  G.fill(0, 0, d * d);
  b.fill(0, 0, d);
  for (let q = start; q < end; q++) {
    const j = idx[q];
    const f = j * k;
    const t = vals[q] - mu - otherBias[j];
    gram1(k, d, G, 0, F, f);
    if (fitBias) {
      axpyAt(k, 1, F, f, G, k * d);
      G[k * d + k] += 1;
      b[k] += t;
    }
    axpyAt(k, t, F, f, b, 0);
  }
}
