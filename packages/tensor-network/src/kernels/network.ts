// TypeScript twins of assembly/network.ts: the axis permutation of the
// general tensor-network code and the per-slice normal equations / residual
// over observed entries of the weighted (observed-entries-only) ALS.

/**
 * out = X with its axes permuted: out axis m is X's axis perm[m] (`dims`
 * are X's, ndim of them). `scratch` holds 3 ndim i32. O(size).
 */
export function permute(ndim: number, dims: Int32Array, perm: Int32Array, X: Float64Array, out: Float64Array, scratch: Int32Array): void {
  const stride = scratch.subarray(0, ndim), odim = scratch.subarray(ndim, 2 * ndim), idx = scratch.subarray(2 * ndim, 3 * ndim);
  let total = 1;
  for (let k = ndim - 1; k >= 0; k--) {
    stride[k] = total;
    total *= dims[k];
  }
  if (ndim === 0) {
    out[0] = X[0];
    return;
  }
  for (let m = 0; m < ndim; m++) {
    odim[m] = dims[perm[m]];
    idx[m] = 0;
  }
  const last = ndim - 1, nLast = odim[last], sLast = stride[perm[last]];
  const rows = total / nLast;
  let src = 0, o = 0;
  for (let row = 0; row < rows; row++) {
    for (let t = 0, s = src; t < nLast; t++, s += sLast) out[o++] = X[s];
    // Odometer over the outer output axes.
    for (let m = last - 1; m >= 0; m--) {
      const st = stride[perm[m]];
      const v = idx[m] + 1;
      if (v < odim[m]) {
        idx[m] = v;
        src += st;
        break;
      }
      idx[m] = 0;
      src -= st * (v - 1);
    }
  }
}

/**
 * For each of the `count` observed entries e (flat index idx[e] of a tensor
 * viewed as (left, n, right), value x[e]) with design row q = Q[l sl + r sr, :]
 * (rr long): V_i += q qᵀ (lower triangles; V is n blocks of rr x rr) and
 * B_i += x[e] q (B n x rr). Zeroes V and B first. O(count rr²).
 */
export function maskedNormal(
  count: number, idx: Int32Array, x: Float64Array, n: number, right: number, sl: number, sr: number, rr: number,
  Q: Float64Array, V: Float64Array, B: Float64Array,
): void {
  V.fill(0, 0, n * rr * rr);
  B.fill(0, 0, n * rr);
  const nr = n * right;
  for (let e = 0; e < count; e++) {
    const f = idx[e];
    const l = Math.floor(f / nr), rem = f - l * nr, i = Math.floor(rem / right), r = rem - i * right;
    const q = (l * sl + r * sr) * rr, v = i * rr * rr, b = i * rr, xv = x[e];
    for (let a = 0; a < rr; a++) {
      const qa = Q[q + a];
      B[b + a] += xv * qa;
      const va = v + a * rr;
      for (let c = 0; c <= a; c++) V[va + c] += qa * Q[q + c];
    }
  }
}

/** Σ_e (x[e] - q_e · G[i_e, :])² over the observed entries (as maskedNormal), G n x rr. O(count rr). */
export function maskedResidual(
  count: number, idx: Int32Array, x: Float64Array, n: number, right: number, sl: number, sr: number, rr: number,
  Q: Float64Array, G: Float64Array,
): number {
  const nr = n * right;
  let s = 0;
  for (let e = 0; e < count; e++) {
    const f = idx[e];
    const l = Math.floor(f / nr), rem = f - l * nr, i = Math.floor(rem / right), r = rem - i * right;
    const q = (l * sl + r * sr) * rr, gi = i * rr;
    let p = 0;
    for (let a = 0; a < rr; a++) p += Q[q + a] * G[gi + a];
    const d = x[e] - p;
    s += d * d;
  }
  return s;
}
