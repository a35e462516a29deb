// The TypeScript twin of assembly/online-update.ts: online leverage and
// online Lewis-weight sampling, row by row against the kept rows' inverse H
// (Sherman-Morrison updates).
import { axpyAt, dotAt } from "@lowrank/linalg/kernels";

/** t = H a for the row a of A at offset ai (H d x d); returns aᵀ t, the row's score against H. O(d²). */
function scoreAgainst(d: number, H: Float64Array, A: Float64Array, ai: number, t: Float64Array): number {
  for (let j = 0; j < d; j++) t[j] = dotAt(d, H, j * d, A, ai);
  return dotAt(d, A, ai, t, 0);
}

/** H += f t tᵀ (d x d): the Sherman-Morrison step of both samplers. O(d²). */
function symmetricRankOne(d: number, f: number, t: Float64Array, H: Float64Array): void {
  for (let j = 0; j < d; j++) axpyAt(d, f * t[j], t, 0, H, j * d);
}

/**
 * The online Lewis weight w of a row with prefix score s = aᵀ M⁻¹ a: the root
 * of w^(2/p) = s / (1 + s w^(1-2/p)) in (0, 1] by Newton in log w (0 for
 * s = 0). No argument checks: the public, checked form is in src/online.ts.
 */
export function onlineLewisWeight(s: number, p: number): number {
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
 * Online leverage sampling of nb rows: t = H a_i, q_i = a_iᵀ t, kept when
 * u_i < min(1, c q_i) with weight 1/p_i, then H -= (w / (1 + w q_i)) t tᵀ.
 * Returns the count kept.
 */
export function onlineLeverage(
  nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, c: number, u: Float64Array,
  score: Float64Array, weight: Float64Array, t: Float64Array,
): number {
  let kept = 0;
  for (let i = 0; i < nb; i++) {
    const ai = i * lda;
    const q = scoreAgainst(d, H, A, ai, t);
    score[i] = q;
    const p = Math.min(1, c * q);
    if (u[i] < p) {
      kept++;
      const w = 1 / p;
      weight[i] = w;
      const f = -w / (1 + w * q);
      symmetricRankOne(d, f, t, H);
    } else {
      weight[i] = 0;
    }
  }
  return kept;
}

/**
 * Online l_p Lewis-weight sampling of nb rows: each row's online Lewis weight
 * w_i against H, kept with probability π_i = min(1, c w_i) and weight 1/π_i,
 * H updated with the kept row rescaled by π^(-1/p). Returns the count kept.
 */
export function onlineLewis(
  nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, p: number, c: number, u: Float64Array,
  score: Float64Array, weight: Float64Array, t: Float64Array,
): number {
  let kept = 0;
  const e = 2 / p;
  for (let i = 0; i < nb; i++) {
    const ai = i * lda;
    const s = scoreAgainst(d, H, A, ai, t);
    const w = onlineLewisWeight(s, p);
    score[i] = w;
    const pi = Math.min(1, c * w);
    if (u[i] < pi) {
      kept++;
      weight[i] = 1 / pi;
      const scale = Math.pow(pi, -e);
      const beta = Math.pow(onlineLewisWeight(scale * s, p), 1 - e) * scale;
      const f = -beta / (1 + beta * s);
      symmetricRankOne(d, f, t, H);
    } else {
      weight[i] = 0;
    }
  }
  return kept;
}
