// Gram-Schmidt of an update batch in the sparse representation of Deng et al.
// (ICLR 2024): column j of (I - V Vᵀ)Eᵀ is held as q_j = b_j - V c_j
// with b_j the batch vector restricted to the batch's support (p entries) and
// c_j = Vᵀ b_j (k entries). Since Vᵀ V = I, <q_i, q_j> = b_i·b_j - c_i·c_j, so
// the inner products never touch a dense n-vector. Mirrors sparseGramSchmidt in
// src/kernels/sparse-gram-schmidt.ts.
import { axpyInline as axpy, dotInline as dot, scal } from "../../linalg/assembly/blas1";

/** <q_i, q_j> = b_i·b_j - c_i·c_j. */
@inline
function qdot(p: i32, k: i32, bi: usize, bj: usize, ci: usize, cj: usize): f64 {
  return dot(p, bi, bj) - dot(k, ci, cj);
}

/**
 * Modified Gram-Schmidt, left-looking, on the s rows of B (s x p) and C (s x k).
 * Kept columns are normalised and compacted to the front of B and C; R (s x s,
 * zeroed here) gets row i = coefficients of kept q_i, so that
 * e_j = V c0_j + Σ_i R[i][j] q_i. A column whose remaining squared norm is at
 * most tol2 times ||e_j||² is dropped
 * (numerically dependent). A second pass runs when a pass removed more than
 * half of the squared norm (Kahan-Parlett "twice is enough"). The first
 * `start` rows are taken as already orthonormal (kept, R = I there), so a
 * basis can grow one vector at a time. Returns the number kept.
 */
export function sparseGramSchmidt(s: i32, p: i32, k: i32, B: usize, C: usize, R: usize, tol2: f64, start: i32): i32 {
  memory.fill(R, 0, <usize>s * <usize>s << 3);
  const bRow = <usize>p << 3, cRow = <usize>k << 3;
  for (let i = 0; i < start; i++) store<f64>(R + ((<usize>i * <usize>s + <usize>i) << 3), 1.0);
  let kept = start;
  for (let j = start; j < s; j++) {
    const bj = B + <usize>j * bRow, cj = C + <usize>j * cRow;
    // The drop test is relative to ||e_j||² = b_j·b_j, not to the projected norm: b·b - c·c
    // cancels to about eps ||e_j||², so a smaller remainder is rounding, not a new direction.
    const ref = dot(p, bj, bj);
    let q2 = ref - dot(k, cj, cj);
    for (let pass = 0; pass < 2 && kept > 0; pass++) {
      for (let i = 0; i < kept; i++) {
        const bi = B + <usize>i * bRow, ci = C + <usize>i * cRow;
        const r = qdot(p, k, bi, bj, ci, cj);
        axpy(p, -r, bi, bj);
        axpy(k, -r, ci, cj);
        const at = R + ((<usize>i * <usize>s + <usize>j) << 3);
        store<f64>(at, load<f64>(at) + r);
      }
      const before = q2;
      q2 = qdot(p, k, bj, bj, cj, cj);
      if (q2 > 0.5 * before) break;
    }
    if (!(q2 > tol2 * ref) || !(ref > 0)) continue;
    const rjj = Math.sqrt(q2);
    scal(p, 1.0 / rjj, bj);
    scal(k, 1.0 / rjj, cj);
    store<f64>(R + ((<usize>kept * <usize>s + <usize>j) << 3), rjj);
    if (kept < j) {
      memory.copy(B + <usize>kept * bRow, bj, bRow);
      memory.copy(C + <usize>kept * cRow, cj, cRow);
    }
    kept++;
  }
  return kept;
}
