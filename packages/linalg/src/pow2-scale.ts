// Power-of-two scaling (the Lanczos SVD, svd-update's updates), as LAPACK
// scales a matrix whose norm is near overflow or underflow before working on it: the sums of squares inside an
// update or a subspace iteration overflow for entries past about 1e154 and
// lose everything below about 1e-154, which left non-orthonormal or
// non-finite factors. Multiplying by a power of two is exact, so inputs in
// the ordinary range are not touched at all (results stay bit-identical) and
// scaled ones lose nothing but what would underflow anyway.
import { LowrankError } from "./errors.js";

/** Magnitudes in [2^-LIMIT, 2^LIMIT] are worked on as they are. */
const LIMIT = 100;

/** Largest |x_i| over the first n entries. O(n). */
export function maxAbs(x: ArrayLike<number>, n = x.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
  }
  return m;
}

/**
 * The even exponent e such that dividing values of magnitude up to `mx` by
 * 2^e brings them near 1, or 0 when `mx` is in the ordinary range (or 0).
 * Even, so that square roots of scaled sums of squares scale exactly too.
 */
export function scaleExponent(mx: number): number {
  if (!(mx > 0) || (mx <= 2 ** LIMIT && mx >= 2 ** -LIMIT)) return 0;
  return 2 * Math.round(Math.log2(mx) / 2);
}

/** 2^e for |e| up to about 2200, in two factors so that neither over- nor underflows. */
function pow2(e: number): [number, number] {
  const h = Math.trunc(e / 2);
  return [2 ** h, 2 ** (e - h)];
}

/** x * 2^e (exact unless the result leaves the normal range). */
export function times2(x: number, e: number): number {
  if (e === 0) return x;
  const [a, b] = pow2(e);
  return x * a * b;
}

/** out[i] = x[i] * 2^e for i < n (out may be x). O(n). */
export function scaleInto(x: ArrayLike<number>, e: number, out: Float64Array, n = x.length): Float64Array {
  const [a, b] = pow2(e);
  for (let i = 0; i < n; i++) out[i] = x[i] * a * b;
  return out;
}

/**
 * Entries below 2^-FLUSH of the largest one are set to zero in a working copy:
 * they are far below the rounding error of any result (2^-52 of the largest),
 * and their squares, and products of them, would land in the subnormal range,
 * where Householder reflections and Jacobi rotations divide by numbers that
 * have lost their precision (NaN in the factors).
 */
const FLUSH = 480;

/**
 * The working copy of x: scaled by 2^-e (see {@link scaleExponent}) and
 * entries below 2^-FLUSH of the largest set to zero. `x` itself (no copy) when
 * neither changes anything. O(n).
 */
export function workingCopy(x: Float64Array, n: number, mx: number, e: number): Float64Array {
  const tiny = mx * 2 ** -FLUSH;
  let needed = e !== 0;
  if (!needed) for (let i = 0; i < n && !needed; i++) if (x[i] !== 0 && Math.abs(x[i]) < tiny) needed = true;
  if (!needed) return x.length === n ? x : x.subarray(0, n);
  const out = scaleInto(x, -e, new Float64Array(n), n);
  for (let i = 0; i < n; i++) if (Math.abs(x[i]) < tiny) out[i] = 0;
  return out;
}

/** Sets the entries of x below 2^-FLUSH of its largest to zero (in place). O(n). */
export function flushTiny(x: Float64Array): void {
  const tiny = maxAbs(x) * 2 ** -FLUSH;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) < tiny) x[i] = 0;
}

/** Whether every entry of every array is finite. O(total length). */
export function allFinite(...xs: Float64Array[]): boolean {
  for (const x of xs) for (let i = 0; i < x.length; i++) if (!(x[i] - x[i] === 0)) return false;
  return true;
}

/** Throws NON_FINITE when singular values of `s` scaled back by 2^e do not fit in a double. */
export function checkRepresentable(s: ArrayLike<number>, e: number, what: string): void {
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(times2(s[i], e))) {
      throw new LowrankError("NON_FINITE", `${what}: the singular values (up to ${s[0]} * 2^${e}) exceed the largest double; scale the input down`);
    }
  }
}
