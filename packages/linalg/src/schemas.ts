// Option schemas of the factorisation entry points (qr, svd, eigh, cholesky,
// solveTriangular, lstsq), read through the one option validator so that a
// wrong type, an out-of-range value or an unknown key is INVALID_ARGUMENT
// everywhere (docs/ARCHITECTURE.md, "Options").
import { LowrankError } from "./errors.js";
import { checkDim } from "./input.js";
import { BACKEND, opt, readOptions, type OptionsOf } from "./options.js";
import { DTYPE } from "./dtype.js";
import type { DenseMatrix } from "./types.js";

export const QR_OPTIONS = { dtype: DTYPE, backend: BACKEND };
export const SVD_OPTIONS = {
  rank: opt.int({ min: 1 }), k: opt.int({ min: 1 }), method: opt.oneOf(["auto", "jacobi", "bidiagonal", "divide-and-conquer"] as const), dtype: DTYPE, backend: BACKEND,
};
export const SYMMETRIC_OPTIONS = { symmetryTol: opt.number({ min: 0 }), backend: BACKEND };
export const EIGH_OPTIONS = { ...SYMMETRIC_OPTIONS, dtype: DTYPE };
export const TRIANGULAR_OPTIONS = { lower: opt.boolean(), trans: opt.boolean(), unitDiagonal: opt.boolean(), backend: BACKEND };
export const LSTSQ_OPTIONS = { rcond: opt.number({ min: 0 }), backend: BACKEND };

export const readQrOptions = (o: unknown): OptionsOf<typeof QR_OPTIONS> => readOptions("qr", o, QR_OPTIONS);
export const readSvdOptions = (o: unknown): OptionsOf<typeof SVD_OPTIONS> => readOptions("svd", o, SVD_OPTIONS);
export const readEighOptions = (o: unknown): OptionsOf<typeof EIGH_OPTIONS> => readOptions("eigh", o, EIGH_OPTIONS);
export const readSymmetricOptions = (fn: string, o: unknown): OptionsOf<typeof SYMMETRIC_OPTIONS> => readOptions(fn, o, SYMMETRIC_OPTIONS);
export const readTriangularOptions = (o: unknown): OptionsOf<typeof TRIANGULAR_OPTIONS> => readOptions("solveTriangular", o, TRIANGULAR_OPTIONS);
export const readLstsqOptions = (o: unknown): OptionsOf<typeof LSTSQ_OPTIONS> => readOptions("lstsq", o, LSTSQ_OPTIONS);

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object";
}

/**
 * Whether a right-hand side is given as a matrix (any form `asMatrix` takes:
 * `{ rows, cols, data }`, number[][], an ml-matrix Matrix, a 2-D ndarray)
 * rather than as a vector; the solvers return the same kind.
 */
export function isMatrixArg(B: unknown): B is DenseMatrix {
  if (!isObject(B)) return false;
  if (Array.isArray(B)) return B.length > 0 && (Array.isArray(B[0]) || (ArrayBuffer.isView(B[0]) && !(B[0] instanceof DataView)));
  if (ArrayBuffer.isView(B)) return false;
  if ("rows" in B && ("cols" in B || "columns" in B)) return true;
  if ("shape" in B && "data" in B) return (B.shape as ArrayLike<number> | undefined)?.length === 2;
  return false;
}

/**
 * The arguments of `completeColumns` (an exported building block): M a
 * Float64Array of at least rows x cols, rows and cols non-negative integers,
 * `bad` an array with a flag per column. INVALID_ARGUMENT or SHAPE otherwise.
 */
export function checkCompleteColumnsArgs(M: unknown, rows: unknown, cols: unknown, bad: unknown): void {
  if (!(M instanceof Float64Array)) throw new LowrankError("INVALID_ARGUMENT", "completeColumns: M must be a Float64Array");
  const r = checkDim(rows, "completeColumns: rows"), c = checkDim(cols, "completeColumns: cols");
  if (M.length < r * c) throw new LowrankError("SHAPE", `completeColumns: M has ${M.length} entries, fewer than rows * cols = ${r * c}`);
  if (!Array.isArray(bad) || bad.length < c) throw new LowrankError("INVALID_ARGUMENT", `completeColumns: bad must be an array of ${c} flags`);
}
