// One Gibbs half-step of Bayesian probabilistic matrix factorisation
// (Salakhutdinov and Mnih 2008) over every row of one side, and the running
// sum of predictions at listed positions that the averaged model is scored
// by. Each row's conditional posterior is Gaussian with precision
// P = alpha Σ f fᵀ + Lam (the design row f = [F_j, 1] when the row's bias is
// one more unknown) and mean P⁻¹ (alpha Σ t f + h0); with P = L Lᵀ the sample
// is L⁻ᵀ (L⁻¹ (alpha Σ t f + h0) + z) for the row's standard normals z.
// Twin: src/kernels/bpmf.ts.
import { dotInline } from "../../linalg/assembly/blas1";
import { formNormalTiled } from "./bpmf-gram";
import { rows8 } from "./bpmf-rows8";

/**
 * Samples rows i < n of X (n x k) and ownBias from their conditionals given F
 * (other side, k columns), otherBias and mu, the noise precision alpha and the
 * prior (precision Lam, d x d full, and h0 = Lam · prior mean, d; d = k + fitBias).
 * z holds n · d standard normals (row i's at i · d). The conditional means go
 * to M (n x k) and meanBias (n): averaging them in place of the samples is
 * the Rao-Blackwellised estimate. A row without observations gets zeros.
 * `work` holds bpmfSlotSize(k, fitBias) doubles (src/kernels/bpmf.ts). Returns the number of rows whose precision
 * was not positive definite (left at zero). ow and rs (0: none) weight the observations as bpmfRows does; errs (0:
 * none) receives each row's sample's weighted squared error at errs[2i]; Fw as bpmfRows takes it.
 */
export function bpmfHalfStep(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: i32, z: usize, M: usize, meanBias: usize, work: usize,
  ow: usize, rs: usize, errs: usize, Fw: usize,
): i32 {
  const failed = bpmfRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, errs, ow, rs, Fw);
  if (errs != 0) sampleErrors(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, fitBias, ow, errs);
  return failed;
}

/**
 * errs[2i] = Σ (ow[j] e)² (ow 0: Σ e²) over row i's observations, e = ownBias[i] + otherBias[j] + X_i · F_j -
 * (vals[q] - mu), for rows i0 <= i < i1 whose design rows are not eight wide (bpmfRows writes those), in q order, each
 * dot as scoreRows forms it (assembly/bpmf-scored.ts). O(observations k).
 */
export function sampleErrors(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, fitBias: i32, ow: usize, errs: usize,
): void {
  if ((fitBias ? k + 1 : k) == 8) return;
  const row = <usize>k << 3, even = k & ~1;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const u = X + <usize>i * row, ob = load<f64>(ownBias + (<usize>i << 3));
    let s: f64 = 0;
    for (let q = start; q < end; q++) {
      const j = <usize>load<i32>(idx + (<usize>q << 2)), v = F + j * row;
      let a = f64x2.splat(0);
      for (let c = 0; c < even; c += 2) {
        const o = <usize>c << 3;
        a = f64x2.add(a, f64x2.mul(v128.load(u + o), v128.load(v + o)));
      }
      let du = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      if (even < k) du += load<f64>(u + (<usize>even << 3)) * load<f64>(v + (<usize>even << 3));
      const e = ob + load<f64>(otherBias + (j << 3)) + du - (load<f64>(vals + (<usize>q << 3)) - mu);
      const re = ow != 0 ? load<f64>(ow + (j << 3)) * e : e;
      s += re * re;
    }
    store<f64>(errs + (<usize>i << 4), s);
  }
}

/**
 * bpmfHalfStep on rows i0 <= i < i1 only (each row is sampled independently: a task of the parallel half-step). With
 * eight-wide design rows and sums not 0 (the fused scoring pass, assembly/bpmf-scored.ts), each row's sample's squared
 * error also goes to sums[2i], from the plain sums of its precision.
 * Weights (each row's own noise precision): with ow not 0, observation q of row i counts ow[j]² times: its design row
 * and target are scaled by r = ow[j] (r f and r t, each product rounded once); with rs not 0, row i's noise precision is
 * alpha · rs[i] (one product). With eight-wide design rows and ow, Fw holds the scaled rows, eight doubles a row:
 * Fw[8j + c] = ow[j] F_j[c] for c < k and, with the bias, Fw[8j + 7] = ow[j] (bpmfWeightRows writes it); otherwise
 * Fw is not read.
 */
export function bpmfRows(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: i32, z: usize, M: usize, meanBias: usize, work: usize, sums: usize,
  ow: usize, rs: usize, Fw: usize,
): i32 {
  const d = fitBias ? k + 1 : k;
  // Eight-wide design rows (the default k = 7 with the bias): two rows at a time, the sums in registers.
  if (d == 8) return rows8(i0, i1, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias != 0, z, M, meanBias, work, sums, ow, rs, Fw);
  // Scratch: G (d²), b (d), the reciprocal pivots, the mean's right-hand side, a column of L, then the Gram's tiles.
  const G = work, b = work + (<usize>(d * d) << 3), inv = b + (<usize>d << 3), y = inv + (<usize>d << 3);
  const col = y + (<usize>d << 3), S = col + (<usize>d << 3);
  let failed = 0;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const x = X + (<usize>i * <usize>k << 3), xm = M + (<usize>i * <usize>k << 3);
    let ok = end > start;
    if (ok) {
      formNormalTiled(start, end, k, idx, vals, F, otherBias, mu, fitBias != 0, G, b, S, ow);
      const a = rs != 0 ? alpha * load<f64>(rs + (<usize>i << 3)) : alpha;
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) {
          const p = G + (<usize>(r * d + c) << 3);
          store<f64>(p, a * load<f64>(p) + load<f64>(Lam + (<usize>(r * d + c) << 3)));
        }
        const pb = b + (<usize>r << 3);
        store<f64>(pb, a * load<f64>(pb) + load<f64>(h0 + (<usize>r << 3)));
      }
      ok = choleskySmall(d, G, inv, col);
    }
    if (ok) {
      // y = L⁻¹ b; the sample is L⁻ᵀ (y + z), the mean L⁻ᵀ y (both solved at once).
      forwardSmall(d, G, inv, b);
      const zi = z + (<usize>i * <usize>d << 3);
      for (let r = 0; r < d; r++) {
        const pb = b + (<usize>r << 3), t = load<f64>(pb);
        store<f64>(y + (<usize>r << 3), t);
        store<f64>(pb, t + load<f64>(zi + (<usize>r << 3)));
      }
      backwardSmall2(d, G, inv, b, y);
      for (let c = 0; c < k; c++) {
        const o = <usize>c << 3;
        store<f64>(x + o, load<f64>(b + o));
        store<f64>(xm + o, load<f64>(y + o));
      }
      store<f64>(ownBias + (<usize>i << 3), fitBias ? load<f64>(b + (<usize>k << 3)) : 0.0);
      store<f64>(meanBias + (<usize>i << 3), fitBias ? load<f64>(y + (<usize>k << 3)) : 0.0);
    } else {
      if (end > start) failed++;
      for (let c = 0; c < k; c++) {
        store<f64>(x + (<usize>c << 3), 0.0);
        store<f64>(xm + (<usize>c << 3), 0.0);
      }
      store<f64>(ownBias + (<usize>i << 3), 0.0);
      store<f64>(meanBias + (<usize>i << 3), 0.0);
    }
  }
  return failed;
}

/**
 * In-place lower Cholesky factor of the d x d G (row-major, lower triangle),
 * right-looking: after column j is scaled, every entry (i, c), j < c <= i,
 * loses L[i][j] L[c][j] (a multiply, then a subtract: never fused), so each
 * entry receives its terms in j order, as the twin's dot-product form sums
 * them. Off-diagonal entries are multiplied by the pivot's reciprocal, kept in
 * inv. `col` (d doubles) holds column j contiguously. False if a pivot is not positive.
 */
@inline function choleskySmall(d: i32, G: usize, inv: usize, col: usize): bool {
  const row = <usize>d << 3;
  for (let j = 0; j < d; j++) {
    const pj = G + <usize>j * row + (<usize>j << 3);
    const p = load<f64>(pj);
    if (!(p > 0)) return false;
    const l = Math.sqrt(p), r = 1.0 / l;
    store<f64>(pj, l);
    store<f64>(inv + (<usize>j << 3), r);
    for (let i = j + 1; i < d; i++) {
      const pi = G + <usize>i * row + (<usize>j << 3), v = load<f64>(pi) * r;
      store<f64>(pi, v);
      store<f64>(col + (<usize>i << 3), v);
    }
    for (let i = j + 1; i < d; i++) {
      const gi = G + <usize>i * row, lij = f64x2.splat(load<f64>(col + (<usize>i << 3)));
      let c = j + 1;
      for (; c + 2 <= i + 1; c += 2) {
        const o = <usize>c << 3;
        v128.store(gi + o, f64x2.sub(v128.load(gi + o), f64x2.mul(lij, v128.load(col + o))));
      }
      if (c <= i) {
        const o = <usize>c << 3;
        store<f64>(gi + o, load<f64>(gi + o) - f64x2.extract_lane(lij, 0) * load<f64>(col + o));
      }
    }
  }
  return true;
}

/** b = L⁻¹ b for the factor of choleskySmall (inv: its reciprocal pivots); each b[i] loses L[i][t] y[t] in t order. */
@inline function forwardSmall(d: i32, L: usize, inv: usize, b: usize): void {
  const row = <usize>d << 3;
  for (let t = 0; t < d; t++) {
    const yt = load<f64>(b + (<usize>t << 3)) * load<f64>(inv + (<usize>t << 3));
    store<f64>(b + (<usize>t << 3), yt);
    for (let i = t + 1; i < d; i++) {
      const pb = b + (<usize>i << 3);
      store<f64>(pb, load<f64>(pb) - load<f64>(L + <usize>i * row + (<usize>t << 3)) * yt);
    }
  }
}

/** b = L⁻ᵀ b and y = L⁻ᵀ y at once; each entry i loses L[t][i] x[t] in descending t order. */
@inline function backwardSmall2(d: i32, L: usize, inv: usize, b: usize, y: usize): void {
  const row = <usize>d << 3;
  for (let t = d - 1; t >= 0; t--) {
    const r = load<f64>(inv + (<usize>t << 3)), o = <usize>t << 3;
    const xb = load<f64>(b + o) * r, xy = load<f64>(y + o) * r;
    store<f64>(b + o, xb);
    store<f64>(y + o, xy);
    const lt = L + <usize>t * row;
    for (let i = 0; i < t; i++) {
      const oi = <usize>i << 3, l = load<f64>(lt + oi);
      store<f64>(b + oi, load<f64>(b + oi) - l * xb);
      store<f64>(y + oi, load<f64>(y + oi) - l * xy);
    }
  }
}

/**
 * acc[q] += p_q = rowBias[i] + colBias[j] + U_i · V_j for q < nnz (i = rowIdx[q], j = colIdx[q]): one sample's
 * predictions added; returns Σ (p_q - vals[q])², summed in order.
 */
export function bpmfAccumulate(
  nnz: i32, k: i32, rowIdx: usize, colIdx: usize, vals: usize, U: usize, V: usize, rowBias: usize, colBias: usize, acc: usize,
): f64 {
  let s: f64 = 0;
  for (let q = 0; q < nnz; q++) {
    const i = load<i32>(rowIdx + (<usize>q << 2)), j = load<i32>(colIdx + (<usize>q << 2));
    const p = load<f64>(rowBias + (<usize>i << 3)) + load<f64>(colBias + (<usize>j << 3))
      + dotInline(k, U + (<usize>i * <usize>k << 3), V + (<usize>j * <usize>k << 3));
    const a = acc + (<usize>q << 3);
    store<f64>(a, load<f64>(a) + p);
    const e = p - load<f64>(vals + (<usize>q << 3));
    s += e * e;
  }
  return s;
}

/**
 * Fw[8j + c] = ow[j] F[j k + c] for c < k and, with the bias (k = 7), Fw[8j + 7] = ow[j], for j < m: the scaled
 * design rows the eight-wide half-step reads (bpmfRows; ow the roots of the weights). k = 7 with fitBias or 8 without. O(m).
 */
export function bpmfWeightRows(m: i32, k: i32, fitBias: i32, F: usize, ow: usize, Fw: usize): void {
  for (let j = 0; j < m; j++) {
    const w = load<f64>(ow + (<usize>j << 3)), f = F + (<usize>(j * k) << 3), g = Fw + (<usize>j << 6);
    for (let c = 0; c < k; c++) store<f64>(g + (<usize>c << 3), w * load<f64>(f + (<usize>c << 3)));
    if (fitBias != 0) store<f64>(g, w, 56);
  }
}
