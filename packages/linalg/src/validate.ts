// The older checking helpers, kept for the packages that import them. Each is
// now a thin wrapper over the one input layer (input.ts), so there is a single
// set of validators with one set of codes (docs/ARCHITECTURE.md, "Inputs").
import { LowrankError } from "./errors.js";
import { asCsr, asF64, asMatrix, asVector, checkFiniteValues, type InputOptions } from "./input.js";
import type { CsrMatrix, DenseMatrix } from "./types.js";

/** Throws NON_FINITE naming the first NaN or Infinity in `data`. O(n). */
export function checkFinite(data: ArrayLike<number>, name: string): void {
  checkFiniteValues(data, name);
}

/**
 * A Float64Array of the given values (no copy when it already is one; NaN and
 * Infinity are left for the caller). Same forms and refusals as `asF64`.
 */
export function toF64(data: ArrayLike<number>, name: string): Float64Array {
  return asF64(data, name, { finite: false });
}

/**
 * Any accepted matrix as `{ rows, cols, data: Float64Array }`, entries checked
 * finite: `asMatrix` under its older name. Errors: INVALID_ARGUMENT, SHAPE,
 * EMPTY (unless allowEmpty), NON_FINITE, TOO_LARGE.
 */
export function checkDense(A: DenseMatrix, name: string, opts: { allowEmpty?: boolean } = {}): DenseMatrix {
  return readMatrix(A, name, { allowEmpty: opts?.allowEmpty });
}

/**
 * `asMatrix` with the EMPTY check made whatever the form: asMatrix returns a
 * plain `{ rows, cols, data: Float64Array }` as it is before reaching that
 * check, so a 0 x n matrix in that form would pass it.
 */
export function readMatrix(x: unknown, name: string, opts: InputOptions = {}): DenseMatrix {
  opts ??= {};
  const A = asMatrix(x, name, opts);
  if (!opts.allowEmpty && (A.rows === 0 || A.cols === 0)) throw new LowrankError("EMPTY", `${name} is empty (${A.rows} x ${A.cols})`);
  return A;
}

/** A non-empty finite vector as a Float64Array, optionally of an exact length: `asVector` under its older name. */
export function checkVector(x: ArrayLike<number>, name: string, length?: number): Float64Array {
  return asVector(x, name, { length });
}

/** A CSR matrix checked whole (see `asCsr`): indptr, integral in-range indices, finite values. */
export function checkCsr(A: CsrMatrix, name: string): CsrMatrix {
  return asCsr(A, name);
}
