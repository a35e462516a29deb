// TypeScript twin of assembly/sparse-gram-schmidt.ts: Gram-Schmidt of a batch
// in the sparse (b, c) form of Deng et al., q_j = b_j - V c_j, with
// <q_i, q_j> = b_i·b_j - c_i·c_j (docs/ARCHITECTURE.md, "Twins").
import { axpyAt, dotAt } from "@lowrank/linalg/kernels";

/** Modified Gram-Schmidt of the pairs (rows of B, s x p, and C, s x k); see SvdUpdateKernels.sparseGramSchmidt. Returns the number kept. O((s² - start²) (p + k)). */
export function sparseGramSchmidt(
  s: number, p: number, k: number, B: Float64Array, C: Float64Array, R: Float64Array, tol2: number, start: number,
): number {
  R.fill(0, 0, s * s);
  const qdot = (i: number, j: number) => dotAt(p, B, i * p, B, j * p) - dotAt(k, C, i * k, C, j * k);
  for (let i = 0; i < start; i++) R[i * s + i] = 1;
  let kept = start;
  for (let j = start; j < s; j++) {
    // Relative to ||e_j||²: b·b - c·c cancels to about eps ||e_j||², so less than that is rounding.
    const ref = dotAt(p, B, j * p, B, j * p);
    let q2 = ref - dotAt(k, C, j * k, C, j * k);
    for (let pass = 0; pass < 2 && kept > 0; pass++) {
      for (let i = 0; i < kept; i++) {
        const r = qdot(i, j);
        axpyAt(p, -r, B, i * p, B, j * p);
        axpyAt(k, -r, C, i * k, C, j * k);
        R[i * s + j] += r;
      }
      const before = q2;
      q2 = qdot(j, j);
      if (q2 > 0.5 * before) break;
    }
    if (!(q2 > tol2 * ref) || !(ref > 0)) continue;
    const rjj = Math.sqrt(q2);
    // Scaled by the reciprocal, as the kernel's scal does (one rounding of 1 / rjj, then a product).
    const inv = 1.0 / rjj;
    for (let t = 0; t < p; t++) B[j * p + t] *= inv;
    for (let t = 0; t < k; t++) C[j * k + t] *= inv;
    R[kept * s + j] = rjj;
    if (kept < j) {
      B.copyWithin(kept * p, j * p, j * p + p);
      C.copyWithin(kept * k, j * k, j * k + k);
    }
    kept++;
  }
  return kept;
}
