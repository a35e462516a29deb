// Helpers shared by the factorisation entry points (qr, svd, eigh, cholesky, solve).
import { LowrankError } from "./errors.js";
import type { DenseMatrix } from "./types.js";
import { checkCompleteColumnsArgs } from "./schemas.js";

/** Largest |x|. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
  }
  return m;
}

/**
 * The exponent e with 2^-e * mx in [0.5, 1) (0 for mx = 0): dividing by a
 * power of two is exact, so scaling an input by 2^-e before a factorisation
 * and the factors back by 2^e loses nothing and keeps 1e-300 and 1e300
 * entries away from underflow and overflow.
 */
export function pow2Exponent(mx: number): number {
  if (mx === 0 || !Number.isFinite(mx)) return 0;
  let e = Math.floor(Math.log2(mx)) + 1;
  if (mx * pow2(-e) >= 1) e++;
  else if (mx * pow2(-e) < 0.5) e--;
  return e;
}

/** 2^e as a product that stays in range for |e| up to 2100. */
function pow2(e: number): number {
  return e > 1000 || e < -1000 ? 2 ** Math.trunc(e / 2) * 2 ** (e - Math.trunc(e / 2)) : 2 ** e;
}

/** x * 2^e, exact unless the result is subnormal or overflows. */
export function timesPow2(x: number, e: number): number {
  // In steps of at most 2^±1000 so that no factor overflows (exact unless the result leaves the double range).
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/** Scales n entries of x (from offset) by 2^e in place. */
export function scalePow2(x: Float64Array, e: number, from = 0, n = x.length - from): void {
  if (e === 0) return;
  if (e > 1000 || e < -1000) {
    for (let i = from; i < from + n; i++) x[i] = timesPow2(x[i], e);
  } else {
    const f = 2 ** e;
    for (let i = from; i < from + n; i++) x[i] *= f;
  }
}

/** SHAPE unless square. */
export function checkSquare(A: DenseMatrix, fn: string, name: string): number {
  if (A.rows !== A.cols) throw new LowrankError("SHAPE", `${fn}: ${name} must be square, got ${A.rows} x ${A.cols}`);
  return A.rows;
}

/**
 * Writes the symmetric part (S + Sᵀ)/2, scaled by 2^-e, into `out` (n x n).
 * Throws SHAPE naming the largest asymmetry when it exceeds tol * max|S|.
 */
export function symmetrizeScaled(S: DenseMatrix, e: number, tol: number, fn: string, out: Float64Array): void {
  const n = S.rows, a = S.data;
  let asym = 0, at = [0, 0];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const dlt = Math.abs(a[i * n + j] - a[j * n + i]);
      if (dlt > asym) {
        asym = dlt;
        at = [i, j];
      }
    }
  }
  const mx = maxAbs(a);
  if (asym > tol * mx) {
    throw new LowrankError(
      "SHAPE",
      `${fn}: matrix is not symmetric: |S[${at[0]}][${at[1]}] - S[${at[1]}][${at[0]}]| = ${asym} exceeds ${tol} * max|S| = ${tol * mx}`,
    );
  }
  for (let i = 0; i < n; i++) {
    out[i * n + i] = timesPow2(a[i * n + i], -e);
    for (let j = 0; j < i; j++) {
      const v = (timesPow2(a[i * n + j], -e) + timesPow2(a[j * n + i], -e)) * 0.5;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
}

/**
 * Makes column j of M (rows x cols) have its largest-magnitude entry positive
 * (the first such entry on ties); returns true if it flipped the column.
 */
export function positiveColumn(M: Float64Array, rows: number, cols: number, j: number): boolean {
  let best = 0, bi = 0;
  for (let i = 0; i < rows; i++) {
    const a = Math.abs(M[i * cols + j]);
    if (a > best) {
      best = a;
      bi = i;
    }
  }
  if (M[bi * cols + j] >= 0) return false;
  for (let i = 0; i < rows; i++) M[i * cols + j] = -M[i * cols + j];
  return true;
}

/**
 * Replaces the columns of M (rows x cols) flagged in `bad` by unit vectors
 * orthogonal to all the other columns (Gram-Schmidt, twice, against the
 * coordinate vectors in turn). Assumes the unflagged columns are orthonormal.
 */
export function completeColumns(M: Float64Array, rows: number, cols: number, bad: boolean[]): void {
  checkCompleteColumnsArgs(M, rows, cols, bad);
  const good: number[] = [];
  for (let j = 0; j < cols; j++) if (!bad[j]) good.push(j);
  const v = new Float64Array(rows);
  let cand = 0;
  for (let j = 0; j < cols; j++) {
    if (!bad[j]) continue;
    for (; cand < rows; cand++) {
      v.fill(0);
      v[cand] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const g of good) {
          let s = 0;
          for (let i = 0; i < rows; i++) s += M[i * cols + g] * v[i];
          for (let i = 0; i < rows; i++) v[i] -= s * M[i * cols + g];
        }
      }
      let nn = 0;
      for (let i = 0; i < rows; i++) nn += v[i] * v[i];
      nn = Math.sqrt(nn);
      // Some coordinate vector keeps at least 1/sqrt(rows) of its length; accept anything well above rounding.
      if (nn > 0.5 / Math.sqrt(rows)) {
        for (let i = 0; i < rows; i++) M[i * cols + j] = v[i] / nn;
        good.push(j);
        cand++;
        break;
      }
    }
  }
}

/**
 * Scales n entries of x (from offset) by 2^e in place, as scalePow2, and
 * throws TOO_LARGE when one of them leaves the double range: a result whose
 * true value exceeds 1.8e308 is never returned as Infinity.
 */
export function scaleBackPow2(x: Float64Array, e: number, fn: string, what: string, from = 0, n = x.length - from): void {
  if (e > 0) {
    let mx = 0;
    for (let i = from; i < from + n; i++) {
      const a = Math.abs(x[i]);
      if (a > mx) mx = a;
    }
    if (!Number.isFinite(timesPow2(mx, e))) throw tooLarge(fn, what, mx, e);
  }
  scalePow2(x, e, from, n);
}

/** TOO_LARGE for a result m * 2^e beyond the double range. */
export function tooLarge(fn: string, what: string, m: number, e: number): LowrankError {
  const log10 = Math.log10(Math.abs(m)) + e * Math.LOG10E * Math.LN2;
  const mant = 10 ** (log10 - Math.floor(log10));
  return new LowrankError(
    "TOO_LARGE",
    `${fn}: ${what} is about ${mant.toFixed(3)}e+${Math.floor(log10)}, beyond the largest double (1.797e+308); scale the input down`,
  );
}

/** Largest |x| over the triangle (diagonal included unless `unit`) that a triangular solve reads. */
export function maxAbsTriangle(n: number, T: Float64Array, lower: boolean, unit: boolean): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const j0 = lower ? 0 : unit ? i + 1 : i, j1 = lower ? (unit ? i : i + 1) : n;
    for (let j = j0; j < j1; j++) {
      const a = Math.abs(T[i * n + j]);
      if (a > m) m = a;
    }
  }
  return m;
}
