// Online leverage-score sampling (Cohen, Musco and Pachocki, "Online row
// sampling", APPROX 2016, Algorithm 1): each arriving row is scored against
// the rows kept so far and kept or dropped at once; only the d x d inverse
// H = (λI + Σ_kept w_j a_j a_jᵀ)⁻¹ is stored. Mirrored in src/kernels.ts;
// control flow in src/online.ts.
import { axpy, dot } from "../../linalg/assembly/blas1";

/**
 * Processes nb rows of A in order. Row i: t = H a_i, q_i = a_iᵀ t (its online
 * ridge leverage score), p_i = min(1, c q_i); it is kept when u[i] < p_i, with
 * weight w = 1/p_i, and then H is updated by Sherman-Morrison,
 * H <- H - (w / (1 + w q_i)) t tᵀ. Writes q_i to score[i] and w (0 when
 * dropped) to weight[i]; returns the number kept. t holds d doubles. O(nb d²).
 */
export function onlineLeverage(
  nb: i32, d: i32, A: usize, lda: i32, H: usize, c: f64, u: usize, score: usize, weight: usize, t: usize,
): i32 {
  let kept = 0;
  const rowBytes = <usize>d << 3;
  for (let i = 0; i < nb; i++) {
    const ai = A + ((<usize>i * <usize>lda) << 3);
    for (let j = 0; j < d; j++) store<f64>(t + (<usize>j << 3), dot(d, H + rowBytes * <usize>j, ai));
    const q = dot(d, ai, t);
    const o = <usize>i << 3;
    store<f64>(score + o, q);
    let p = c * q;
    if (p > 1) p = 1;
    if (load<f64>(u + o) < p) {
      kept++;
      const w = 1 / p;
      store<f64>(weight + o, w);
      const f = -w / (1 + w * q);
      for (let j = 0; j < d; j++) {
        const tj = load<f64>(t + (<usize>j << 3));
        axpy(d, f * tj, t, H + rowBytes * <usize>j);
      }
    } else {
      store<f64>(weight + o, 0);
    }
  }
  return kept;
}
