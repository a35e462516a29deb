// The matrices users pass in, read through linalg's input layer (asCsr,
// asMatrix: docs/ARCHITECTURE.md, "Inputs") and always turned into CSR whose
// rows are the vectors an update adds.
import { asCsr, asMatrix, asVector, checkResultVersion, checkSize, LowrankError, RESULT_VERSION, type CsrMatrix, type DenseMatrix } from "@lowrank/linalg";
import { maxAbs } from "./scale.js";

function isCsrLike(x: unknown): boolean {
  return x !== null && typeof x === "object" && "indptr" in x;
}

/** A dense matrix as CSR (zeros dropped). O(rows cols). */
function denseToCsr(D: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(D.rows + 1);
  let nnz = 0;
  for (let i = 0; i < D.data.length; i++) if (D.data[i] !== 0) nnz++;
  const indices = new Int32Array(nnz), data = new Float64Array(nnz);
  let q = 0;
  for (let i = 0; i < D.rows; i++) {
    for (let j = 0; j < D.cols; j++) {
      const v = D.data[i * D.cols + j];
      if (v !== 0) {
        indices[q] = j;
        data[q++] = v;
      }
    }
    indptr[i + 1] = q;
  }
  return { rows: D.rows, cols: D.cols, indptr, indices, data };
}

/** Any dense form asMatrix accepts, non-empty. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE. O(size). */
export function asDense(A: unknown, name: string): DenseMatrix {
  const D = asMatrix(A, name);
  // asMatrix hands a plain { rows, cols, data: Float64Array } back before its EMPTY check: repeat it.
  if (D.rows === 0 || D.cols === 0) throw new LowrankError("EMPTY", `${name} is empty (${D.rows} x ${D.cols})`);
  return D;
}

/**
 * Any accepted matrix (CSR `{ rows, cols, indptr, indices, data }` with index
 * arrays of any numeric type, or any dense form asMatrix takes) checked whole
 * and returned as CSR with Int32Array indices and Float64Array values: indptr
 * from 0 and non-decreasing, indices integral and in range, values finite.
 * Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, INDEX, TOO_LARGE. O(size).
 */
export function asBatch(A: unknown, name: string): CsrMatrix {
  if (isCsrLike(A)) return asCsr(A, name);
  return denseToCsr(asDense(A, name));
}

export { transposeCsr } from "@lowrank/linalg/kernels";

/**
 * fromFactors' factors checked: U (rows x k) and V (cols x k) with entries of
 * at most 1 in magnitude (orthonormal columns cannot have larger ones, and
 * larger ones would overflow later), s of length k. Errors: INVALID_ARGUMENT,
 * SHAPE, EMPTY, NON_FINITE, RANK.
 */
export function asFactors(f: unknown, op: { rank?: number; keepMatrix?: boolean }): { U: DenseMatrix; s: Float64Array; V: DenseMatrix; k: number } {
  if (f === null || typeof f !== "object") throw new LowrankError("INVALID_ARGUMENT", "fromFactors: pass the factors { U, s, V }");
  const o = f as Record<string, unknown>;
  // A result of svd, truncatedSvd or factors() from a newer layout is refused (INVALID_ARGUMENT).
  checkResultVersion(o, RESULT_VERSION, "@lowrank/svd-update", "fromFactors");
  const U = asDense(o.U, "U"), V = asDense(o.V, "V");
  const k = U.cols;
  const s = asVector(o.s, "s", { length: k });
  if (V.cols !== k) throw new LowrankError("SHAPE", `U has ${k} columns but V has ${V.cols}`);
  if (op.rank !== undefined && op.rank !== k) throw new LowrankError("RANK", `rank ${op.rank} differs from the factors' ${k}`);
  if (k > Math.min(U.rows, V.rows)) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${Math.min(U.rows, V.rows)}`);
  if (op.keepMatrix) throw new LowrankError("INVALID_ARGUMENT", "fromFactors: keepMatrix needs the matrix; use create, or recompute(A) once");
  for (const [X, name] of [[U, "U"], [V, "V"]] as const) {
    if (maxAbs(X.data) > 1 + 1e-6) throw new LowrankError("INVALID_ARGUMENT", `fromFactors: ${name} must have orthonormal columns (an entry exceeds 1 in magnitude)`);
  }
  return { U, s, V, k };
}
