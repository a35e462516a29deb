// The careful triangular solve behind solveTriangular for inputs far from 1:
// substitution in plain TypeScript (the same on both backends) that keeps each
// solution column as x' 2^s and halves x' whenever a new entry would grow past
// a bound, so no intermediate overflows (in the spirit of LAPACK's dlatrs).
import { pow2Exponent, tooLarge, timesPow2 } from "./factor-util.js";

/** Largest |x'| kept: with |T| <= tmax, a row's sum of n products stays below 2^1000. */
function bound(n: number, tmax: number): number {
  return 2 ** 1000 / (n + 1) / Math.max(tmax, 1);
}

/**
 * Solves op(T) X = B (T n x n, B n x k, row-major; only T's triangle is read)
 * into `out` and returns 0, or returns -(j + 1) when diagonal entry j is zero. T is lifted by a
 * power of two when its largest entry `tmax` is tiny (exact), each column of B
 * is scaled by a power of two to a largest entry just below 2^1000 / (n + 1),
 * and the solution is scaled back at the end. Throws TOO_LARGE when an entry of X is beyond the
 * double range. O(n² k).
 */
export function triangularSolveSafe(
  lower: boolean, trans: boolean, unit: boolean, n: number, k: number,
  T: Float64Array, tmax: number, B: Float64Array, out: Float64Array,
): number {
  if (!unit) for (let i = 0; i < n; i++) if (T[i * n + i] === 0) return -(i + 1);
  // Lifting T is exact; the implicit unit diagonal is not lifted, so only without it.
  const et = !unit && tmax < 2 ** -400 ? pow2Exponent(tmax) : 0;
  const tm = timesPow2(tmax, -et);
  const xmax = bound(n, tm);
  // op(T) is lower triangular (solved top down) for lower T untransposed or upper T transposed.
  const forward = lower !== trans;
  const t = (i: number, j: number) => timesPow2(trans ? T[j * n + i] : T[i * n + j], -et);
  const top = Math.floor(Math.log2(2 ** 1000 / (n + 1))) - 1;
  const x = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    let bm = 0;
    for (let i = 0; i < n; i++) bm = Math.max(bm, Math.abs(B[i * k + c]));
    // x_true = x' 2^(s - et). b' = b 2^-s starts just below 2^1000 / (n + 1), so that x' = b' / t_ii stays
    // normal even next to entries of T near 1.8e308; s grows as x' is scaled down.
    let s = pow2Exponent(bm) - top;
    x.fill(0);
    for (let q = 0; q < n; q++) {
      const i = forward ? q : n - 1 - q;
      const j0 = forward ? 0 : i + 1, j1 = forward ? i : n;
      let acc = timesPow2(B[i * k + c], -s);
      for (let j = j0; j < j1; j++) {
        const xj = x[j];
        if (xj !== 0) acc -= t(i, j) * xj;
      }
      const dg = unit ? 1 : t(i, i);
      const a = Math.abs(acc), ad = Math.abs(dg);
      // x'_i = acc / dg must stay within xmax: else scale the solved part (and acc) down by 2^h.
      if (a > 0 && !(a / ad <= xmax)) {
        let h = Math.ceil(Math.log2(a) - Math.log2(ad) - Math.log2(xmax)) + 1;
        if (h < 1) h = 1;
        acc = timesPow2(acc, -h);
        for (let j = j0; j < j1; j++) x[j] = timesPow2(x[j], -h);
        s += h;
      }
      x[i] = acc / dg;
    }
    const eo = s - et;
    for (let i = 0; i < n; i++) {
      const v = x[i] === 0 ? 0 : timesPow2(x[i], eo);
      if (!Number.isFinite(v)) throw tooLarge("solveTriangular", "an entry of the solution", x[i], eo);
      out[i * k + c] = v;
    }
  }
  return 0;
}
