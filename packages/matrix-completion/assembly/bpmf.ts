// One Gibbs half-step of Bayesian probabilistic matrix factorisation
// (Salakhutdinov and Mnih 2008) over every row of one side, and the running
// sum of predictions at listed positions that the averaged model is scored
// by. Each row's conditional posterior is Gaussian with precision
// P = alpha Σ f fᵀ + Lam (the design row f = [F_j, 1] when the row's bias is
// one more unknown) and mean P⁻¹ (alpha Σ t f + h0); with P = L Lᵀ the sample
// is L⁻ᵀ (L⁻¹ (alpha Σ t f + h0) + z) for the row's standard normals z.
// Twin: src/kernels/bpmf.ts.
import { cholesky } from "../../linalg/assembly/cholesky-rows";
import { triangularSolve } from "../../linalg/assembly/triangular";
import { dotInline } from "../../linalg/assembly/blas1";
import { formNormal } from "./normal-solve";

/**
 * Samples rows i < n of X (n x k) and ownBias from their conditionals given F
 * (other side, k columns), otherBias and mu, the noise precision alpha and the
 * prior (precision Lam, d x d full, and h0 = Lam · prior mean, d; d = k + fitBias).
 * z holds n · d standard normals (row i's at i · d). The conditional means go
 * to M (n x k) and meanBias (n): averaging them in place of the samples is
 * the Rao-Blackwellised estimate. A row without observations gets zeros.
 * `work` holds d² + d doubles. Returns the number of rows whose precision
 * was not positive definite (left at zero).
 */
export function bpmfHalfStep(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: i32, z: usize, M: usize, meanBias: usize, work: usize,
): i32 {
  return bpmfRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work);
}

/** bpmfHalfStep on rows i0 <= i < i1 only (each row is sampled independently: a task of the parallel half-step). */
export function bpmfRows(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: i32, z: usize, M: usize, meanBias: usize, work: usize,
): i32 {
  const d = fitBias ? k + 1 : k;
  const G = work, b = work + (<usize>(d * d) << 3);
  let failed = 0;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const x = X + (<usize>i * <usize>k << 3), xm = M + (<usize>i * <usize>k << 3);
    let ok = end > start;
    if (ok) {
      formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias != 0, G, b);
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) {
          const p = G + (<usize>(r * d + c) << 3);
          store<f64>(p, alpha * load<f64>(p) + load<f64>(Lam + (<usize>(r * d + c) << 3)));
        }
        const pb = b + (<usize>r << 3);
        store<f64>(pb, alpha * load<f64>(pb) + load<f64>(h0 + (<usize>r << 3)));
      }
      ok = cholesky(d, G, d) >= 0;
    }
    if (ok) {
      triangularSolve(true, false, false, d, 1, G, d, b, 1);
      // The mean L⁻ᵀ y into M (through x as scratch), then the sample L⁻ᵀ (y + z) into x.
      memory.copy(x, b, <usize>k << 3);
      const yb = fitBias ? load<f64>(b + (<usize>k << 3)) : 0.0;
      const zi = z + (<usize>i * <usize>d << 3);
      for (let r = 0; r < d; r++) {
        const pb = b + (<usize>r << 3);
        store<f64>(pb, load<f64>(pb) + load<f64>(zi + (<usize>r << 3)));
      }
      triangularSolve(true, true, false, d, 1, G, d, b, 1);
      // b holds the sample; the saved y (k entries in x, the bias entry in yb) goes back for the mean.
      for (let r = 0; r < k; r++) {
        const px = x + (<usize>r << 3), pb = b + (<usize>r << 3);
        const t = load<f64>(pb);
        store<f64>(pb, load<f64>(px));
        store<f64>(px, t);
      }
      const sb = fitBias ? load<f64>(b + (<usize>k << 3)) : 0.0;
      if (fitBias) store<f64>(b + (<usize>k << 3), yb);
      store<f64>(ownBias + (<usize>i << 3), sb);
      triangularSolve(true, true, false, d, 1, G, d, b, 1);
      memory.copy(xm, b, <usize>k << 3);
      store<f64>(meanBias + (<usize>i << 3), fitBias ? load<f64>(b + (<usize>k << 3)) : 0.0);
    } else {
      if (end > start) failed++;
      memory.fill(x, 0, <usize>k << 3);
      memory.fill(xm, 0, <usize>k << 3);
      store<f64>(ownBias + (<usize>i << 3), 0.0);
      store<f64>(meanBias + (<usize>i << 3), 0.0);
    }
  }
  return failed;
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
