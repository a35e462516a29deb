// Checks shared by the entry points, on top of linalg's input layer, option
// reader and long-run contract (docs/ARCHITECTURE.md, "Inputs", "Options").
import { asMatrix, checkSize, LowrankError, opt, type DenseMatrix, type InputOptions } from "@lowrank/linalg";

/**
 * linalg's `asMatrix`, plus the EMPTY check for a `{ rows, cols, data }` that
 * it returns as it is (its shortcut for a plain Float64Array-backed matrix
 * skips that check).
 */
export function readMatrix(x: unknown, name: string, opts: InputOptions = {}): DenseMatrix {
  const M = asMatrix(x, name, opts);
  if (!opts.allowEmpty && (M.rows === 0 || M.cols === 0)) throw new LowrankError("EMPTY", `${name} is empty (${M.rows} x ${M.cols})`);
  return M;
}

/** The exponent p of an l_p objective: a finite number > 0 (INVALID_ARGUMENT otherwise). */
export function readP(p: unknown, fn: string): number {
  return opt.number({ above: 0 })(p, `${fn}: p`);
}

/** A positional integer argument in [min, max] (INVALID_ARGUMENT otherwise). */
export function readInt(v: unknown, name: string, min: number, max = 2 ** 31 - 1): number {
  return opt.int({ min, max })(v, name);
}

/**
 * Throws TOO_LARGE unless a run's arrays, `f64s` doubles in all, fit: the
 * wasm backend holds them in one 4 GiB memory, and the js backend keeps the
 * same limit so that nothing is allocated that wasm would refuse. Called
 * with every reservation before allocating. Returns f64s.
 */
export function checkEntries(f64s: number, fn: string): number {
  checkSize(f64s, `${fn}: its working arrays`);
  return f64s;
}

/** NON_FINITE unless every entry of x (a result every entry of A was summed into) is finite. O(x.length). */
export function checkFiniteResult(x: Float64Array, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new LowrankError("NON_FINITE", `${name} has a non-finite entry (NaN or ±Infinity), or its entries overflow double precision`);
    }
  }
}

/**
 * Columns whose largest |entry| lies in [2^-SAFE_EXP, 2^SAFE_EXP] are used as
 * they are: their sums of squares over at most 2^29 rows and the products
 * of the later passes stay far inside double range.
 */
export const SAFE_EXP = 400;

/**
 * Whether the d x d upper triangular R of A (RᵀR = AᵀA) shows that A's
 * columns were in range: R is finite and every column's norm (= the norm of
 * A's column) lies in [2^-SAFE_EXP, 2^SAFE_EXP]. When not, the caller scans A
 * ({@link columnExponents}) and, if a column is out of range, repeats the
 * pass on a column-scaled copy (the results it computes do not change under
 * column scaling). O(d²).
 */
export function rInRange(R: Float64Array, d: number): boolean {
  const lo = 2 ** (-2 * SAFE_EXP), hi = 2 ** (2 * SAFE_EXP);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) s += R[i * d + j] * R[i * d + j];
    if (!(s >= lo && s <= hi)) return false;
  }
  return true;
}

/**
 * The power-of-two exponents e_j bringing every column of A (n x d, leading
 * dimension d) to a largest |entry| in [1, 2) (0 for a zero column) when some
 * column's largest |entry| is out of [2^-SAFE_EXP, 2^SAFE_EXP]; null when none is.
 * NON_FINITE on a NaN or ±Infinity (the check the callers skipped up front).
 * O(nd).
 */
export function columnExponents(data: ArrayLike<number>, n: number, d: number, name: string): Int32Array | null {
  const big = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j];
      if (v - v !== 0) throw new LowrankError("NON_FINITE", `${name} has ${v} at row ${i}, column ${j}; remove NaN/Infinity before calling`);
      const a = Math.abs(v);
      if (a > big[j]) big[j] = a;
    }
  }
  let any = false;
  for (let j = 0; j < d; j++) if (big[j] !== 0 && !(big[j] >= 2 ** -SAFE_EXP && big[j] <= 2 ** SAFE_EXP)) any = true;
  if (!any) return null;
  // Once any column is out of range every column is equilibrated, so the pass that follows sees no
  // disparity of scales at all (a partial scaling leaves in-range columns 2^±400 apart from the others).
  return Int32Array.from(big, (m) => (m === 0 ? 0 : exponentOf(m)));
}

/** ⌊log2 x⌋ for a finite x > 0 (exact, subnormals included). */
export function exponentOf(x: number): number {
  let e = Math.floor(Math.log2(x));
  // Math.log2 may round across a power of two; fix the last step exactly.
  while (2 ** e > x) e--;
  while (2 ** (e + 1) <= x) e++;
  return e;
}

/** x · 2^k without overflowing or underflowing in the factor (2^k alone is out of range past ±1023). */
export function ldexp(x: number, k: number): number {
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/** Multiplies column j of `out` (n x d) by 2^-e_j, reading `src` (may be `out`). Exact but for entries that become subnormal. O(nd). */
export function scaleColumns(src: ArrayLike<number>, out: Float64Array, n: number, d: number, e: Int32Array): void {
  const f = Float64Array.from(e, (k) => 2 ** -k);
  const twoStep = e.some((k) => Math.abs(k) > 1000);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = twoStep ? ldexp(src[i * d + j], -e[j]) : src[i * d + j] * f[j];
  }
}

/** A column-scaled copy of A (see {@link columnExponents}), or A itself when its columns are in range. */
export function scaledCopy(A: DenseMatrix, name: string): DenseMatrix {
  const e = columnExponents(A.data, A.rows, A.cols, name);
  if (!e) return A;
  const data = new Float64Array(A.rows * A.cols);
  scaleColumns(A.data, data, A.rows, A.cols, e);
  return { rows: A.rows, cols: A.cols, data };
}

/** Runs a generator to its end synchronously and returns its result. */
export function drain<T>(g: Generator<unknown, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}
