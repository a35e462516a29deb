// Kernels of the general tensor-network code and of the observed-entries-only
// (weighted) ALS: an axis permutation of a C-order tensor, and the per-slice
// normal equations / residual over a list of observed entries. Mirrored in
// src/kernels/network.ts.
import { axpyInline, dotInline } from "../../linalg/assembly/blas1";

/**
 * out = X with its axes permuted: out axis m is X's axis perm[m] (dims are
 * X's). `scratch` holds 3 * ndim i32. The innermost output axis is copied
 * with the source stride, the others walked by an odometer. O(size).
 */
export function permute(ndim: i32, dims: usize, perm: usize, X: usize, out: usize, scratch: usize): void {
  const stride = scratch, odim = scratch + (<usize>ndim << 2), idx = scratch + (<usize>(2 * ndim) << 2);
  let total: usize = 1;
  // Input strides (in elements), then each output axis's stride and length.
  for (let k = ndim - 1; k >= 0; k--) {
    store<i32>(stride + (<usize>k << 2), <i32>total);
    total *= <usize>load<i32>(dims + (<usize>k << 2));
  }
  if (ndim == 0) {
    store<f64>(out, load<f64>(X));
    return;
  }
  for (let m = 0; m < ndim; m++) {
    const p = load<i32>(perm + (<usize>m << 2));
    store<i32>(odim + (<usize>m << 2), load<i32>(dims + (<usize>p << 2)));
    store<i32>(idx + (<usize>m << 2), 0);
  }
  const last = ndim - 1;
  const nLast = load<i32>(odim + (<usize>last << 2));
  const sLast = <usize>load<i32>(stride + (<usize>load<i32>(perm + (<usize>last << 2)) << 2)) << 3;
  let src: usize = 0;
  let o = out;
  const rows = total / <usize>nLast;
  for (let row: usize = 0; row < rows; row++) {
    let s = X + (src << 3);
    if (sLast == 8) {
      memory.copy(o, s, <usize>nLast << 3);
      o += <usize>nLast << 3;
    } else {
      for (let t = 0; t < nLast; t++) {
        store<f64>(o, load<f64>(s));
        o += 8;
        s += sLast;
      }
    }
    // Odometer over the outer output axes.
    for (let m = last - 1; m >= 0; m--) {
      const im = idx + (<usize>m << 2);
      const st = <usize>load<i32>(stride + (<usize>load<i32>(perm + (<usize>m << 2)) << 2));
      const v = load<i32>(im) + 1;
      if (v < load<i32>(odim + (<usize>m << 2))) {
        store<i32>(im, v);
        src += st;
        break;
      }
      store<i32>(im, 0);
      src -= st * <usize>(v - 1);
    }
  }
}

/**
 * Normal equations of the observed-entries-only least squares of one core:
 * for each observed entry e (flat index idx[e] of a tensor viewed as
 * (left, n, right), value x[e]) with design row q = Q[l * sl + r * sr, :]
 * (rr long), V_i += q qᵀ (lower triangle only) and B_i += x q, i its middle
 * index. V is n blocks of rr x rr, B n x rr; both are zeroed first.
 * O(count rr²).
 */
export function maskedNormal(
  count: i32, idx: usize, x: usize, n: i32, right: i32, sl: i32, sr: i32, rr: i32,
  Q: usize, V: usize, B: usize,
): void {
  memory.fill(V, 0, <usize>n * <usize>rr * <usize>rr << 3);
  memory.fill(B, 0, <usize>n * <usize>rr << 3);
  const nr = n * right;
  for (let e = 0; e < count; e++) {
    const f = load<i32>(idx + (<usize>e << 2));
    const l = f / nr, rem = f - l * nr, i = rem / right, r = rem - i * right;
    const q = Q + ((<usize>(l * sl + r * sr) * <usize>rr) << 3);
    const v = V + ((<usize>i * <usize>rr * <usize>rr) << 3);
    const xv = load<f64>(x + (<usize>e << 3));
    axpyInline(rr, xv, q, B + ((<usize>i * <usize>rr) << 3));
    for (let a = 0; a < rr; a++) {
      axpyInline(a + 1, load<f64>(q + (<usize>a << 3)), q, v + ((<usize>a * <usize>rr) << 3));
    }
  }
}

/**
 * Σ_e (x[e] - q_e · G[i_e, :])² over the observed entries (as maskedNormal),
 * G n x rr: the squared residual on the observed entries. O(count rr).
 */
export function maskedResidual(
  count: i32, idx: usize, x: usize, n: i32, right: i32, sl: i32, sr: i32, rr: i32,
  Q: usize, G: usize,
): f64 {
  const nr = n * right;
  let s: f64 = 0;
  for (let e = 0; e < count; e++) {
    const f = load<i32>(idx + (<usize>e << 2));
    const l = f / nr, rem = f - l * nr, i = rem / right, r = rem - i * right;
    const q = Q + ((<usize>(l * sl + r * sr) * <usize>rr) << 3);
    const d = load<f64>(x + (<usize>e << 3)) - dotInline(rr, q, G + ((<usize>i * <usize>rr) << 3));
    s += d * d;
  }
  return s;
}
