// Online leverage-score sampling (Cohen, Musco and Pachocki, "Online row
// sampling", APPROX 2016, Algorithm 1): each arriving row is scored against
// the rows kept so far and kept or dropped at once; only the d x d inverse
// H = (λI + Σ_kept w_j a_j a_jᵀ)⁻¹ is stored. Mirrored in src/kernels/online-update.ts;
// control flow in src/online.ts.
import { axpy, dot } from "../../linalg/assembly/blas1";

/** H += f t tᵀ (d x d, rows rowBytes apart): the Sherman-Morrison step of both samplers. */
@inline function symmetricRankOne(d: i32, f: f64, t: usize, H: usize, rowBytes: usize): void {
  for (let j = 0; j < d; j++) {
    const tj = load<f64>(t + (<usize>j << 3));
    axpy(d, f * tj, t, H + rowBytes * <usize>j);
  }
}

/** t = H a (H d x d, rows rowBytes apart); returns aᵀ t, the row's score against H. O(d²). */
@inline function scoreAgainst(d: i32, H: usize, rowBytes: usize, a: usize, t: usize): f64 {
  for (let j = 0; j < d; j++) store<f64>(t + (<usize>j << 3), dot(d, H + rowBytes * <usize>j, a));
  return dot(d, a, t);
}

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
    const q = scoreAgainst(d, H, rowBytes, ai, t);
    const o = <usize>i << 3;
    store<f64>(score + o, q);
    let p = c * q;
    if (p > 1) p = 1;
    if (load<f64>(u + o) < p) {
      kept++;
      const w = 1 / p;
      store<f64>(weight + o, w);
      const f = -w / (1 + w * q);
      symmetricRankOne(d, f, t, H, rowBytes);
    } else {
      store<f64>(weight + o, 0);
    }
  }
  return kept;
}

/**
 * The online l_p Lewis weight of a row with prefix score s = aᵀ M⁻¹ a: the
 * w in (0, 1] with w^(2/p) = aᵀ (M + w^(1-2/p) a aᵀ)⁻¹ a = s / (1 + w^(1-2/p) s)
 * (the row's own term included), i.e. g(x) = e^(2x/p) + s e^x - s = 0 for
 * x = log w. g is increasing and convex in x and x0 = min(0, (p/2) log s) has
 * g(x0) >= 0, so Newton's iterates decrease monotonically to the root.
 * p = 2 gives w = s / (1 + s).
 */
export function onlineLewisWeight(s: f64, p: f64): f64 {
  if (!(s > 0)) return 0;
  const e = 2 / p;
  let x = (p / 2) * Math.log(s);
  if (x > 0) x = 0;
  const x0 = x;
  for (let it = 0; it < 100; it++) {
    const a = Math.exp(e * x), b = s * Math.exp(x);
    const step = (a + b - s) / (e * a + b);
    x -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(x))) break;
  }
  const w = Math.exp(x);
  // Where e^(2x/p) and s both underflow the step is 0/0; there w = e^x0 (s^(p/2)) to within a factor 1 + w.
  return w >= 0 && w <= 1 ? w : Math.exp(x0);
}

/**
 * Online l_p Lewis-weight sampling of nb rows in order (Woodruff and Yasuda's
 * online Lewis weights, SODA 2023, with the sampling of Cohen, Musco and
 * Pachocki's online row sampling). H = M⁻¹ for M = λI + Σ_kept w̃_j^(1-2/p) ã_j ã_jᵀ,
 * the kept rows rescaled to ã = π^(-1/p) a (so that Σ_kept |ãᵀx|^p estimates
 * ||Ax||_p^p) with w̃ their online Lewis weights in that matrix. Row i:
 * t = H a_i, s = a_iᵀ t, w_i = onlineLewisWeight(s, p), π_i = min(1, c w_i);
 * kept if u_i < π_i with weight 1/π_i; then w̃ = onlineLewisWeight(π^(-2/p) s, p),
 * β = w̃^(1-2/p) π^(-2/p) and H <- H - (β / (1 + β s)) t tᵀ (Sherman-Morrison).
 * Writes w_i to score[i] and the weight (0 = dropped); returns the count kept. O(nb d²).
 */
export function onlineLewis(
  nb: i32, d: i32, A: usize, lda: i32, H: usize, p: f64, c: f64, u: usize, score: usize, weight: usize, t: usize,
): i32 {
  let kept = 0;
  const rowBytes = <usize>d << 3;
  const e = 2 / p;
  for (let i = 0; i < nb; i++) {
    const ai = A + ((<usize>i * <usize>lda) << 3);
    const s = scoreAgainst(d, H, rowBytes, ai, t);
    const w = onlineLewisWeight(s, p);
    const o = <usize>i << 3;
    store<f64>(score + o, w);
    let pi = c * w;
    if (pi > 1) pi = 1;
    if (load<f64>(u + o) < pi) {
      kept++;
      store<f64>(weight + o, 1 / pi);
      const scale = Math.pow(pi, -e);
      const wt = onlineLewisWeight(scale * s, p);
      const beta = Math.pow(wt, 1 - e) * scale;
      const f = -beta / (1 + beta * s);
      symmetricRankOne(d, f, t, H, rowBytes);
    } else {
      store<f64>(weight + o, 0);
    }
  }
  return kept;
}
