/**
 * Solves the d x d system M x = y (or Mᵀ x = y when `trans`) by Gaussian
 * elimination with partial pivoting, in place of copies; returns null when a
 * pivot falls below 1e-13 of the largest entry (singular for our purpose).
 * For the tiny vertex systems of the l1 polish in irls.ts. O(d³).
 */
export function solveSmall(d: number, M: ArrayLike<number>, y: ArrayLike<number>, trans: boolean): Float64Array | null {
  const a = new Float64Array(d * d);
  let big = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const v = trans ? M[j * d + i] : M[i * d + j];
      a[i * d + j] = v;
      big = Math.max(big, Math.abs(v));
    }
  }
  const x = Float64Array.from(y);
  if (!(big > 0)) return null;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let i = c + 1; i < d; i++) if (Math.abs(a[i * d + c]) > Math.abs(a[piv * d + c])) piv = i;
    if (!(Math.abs(a[piv * d + c]) > 1e-13 * big)) return null;
    if (piv !== c) {
      for (let j = 0; j < d; j++) {
        const t = a[c * d + j];
        a[c * d + j] = a[piv * d + j];
        a[piv * d + j] = t;
      }
      const t = x[c];
      x[c] = x[piv];
      x[piv] = t;
    }
    for (let i = c + 1; i < d; i++) {
      const f = a[i * d + c] / a[c * d + c];
      if (f === 0) continue;
      for (let j = c; j < d; j++) a[i * d + j] -= f * a[c * d + j];
      x[i] -= f * x[c];
    }
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < d; j++) s -= a[i * d + j] * x[j];
    x[i] = s / a[i * d + i];
  }
  return x;
}
