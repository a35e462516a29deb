import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { withLinalg } from "./module.js";
import { maxAbs, maxAbsTriangle, pow2Exponent, scaleBackPow2, scalePow2, timesPow2, tooLarge } from "./factor-util.js";
import { triangularSolveSafe } from "./triangular-safe.js";
import { svdScaled } from "./svd.js";
import type { BackendOptions, DenseMatrix } from "./types.js";
import { checkDense, checkVector } from "./validate.js";
import { isMatrixArg, readLstsqOptions, readTriangularOptions } from "./schemas.js";
import { RESULT_VERSION } from "./serialize.js";

/** Options of {@link solveTriangular}. */
export interface TriangularOptions extends BackendOptions {
  /** T is lower triangular (default true); otherwise upper. Only that triangle is read. */
  lower?: boolean;
  /** Solve Tᵀ X = B instead. */
  trans?: boolean;
  /** Take T's diagonal as ones (it is not read). */
  unitDiagonal?: boolean;
}

function isDense(B: unknown): B is DenseMatrix {
  return B != null && typeof B === "object" && "rows" in B && "cols" in B && "data" in B;
}

/**
 * Solves op(T) X = B for triangular T (n x n) by substitution; B is an n x k
 * matrix (returns a matrix) or a vector of n entries (returns a Float64Array).
 * Inputs or solutions far from 1 (beyond 2^±400: 1e-310 or 1e300 entries, a
 * huge T^-1) are solved by a careful substitution that scales the solution as
 * it goes, so intermediate results never overflow.
 * O(n² k). Errors: RANK (a zero diagonal entry, named), SHAPE, EMPTY, NON_FINITE,
 * TOO_LARGE (an entry of X beyond the double range).
 *
 * @example
 * solveTriangular(L, new Float64Array([1, 2])); // x with L x = b
 */
export function solveTriangular(T: DenseMatrix, B: DenseMatrix, opts?: TriangularOptions): DenseMatrix;
export function solveTriangular(T: DenseMatrix, b: ArrayLike<number>, opts?: TriangularOptions): Float64Array;
export function solveTriangular(
  T: DenseMatrix,
  B: DenseMatrix | ArrayLike<number>,
  opts: TriangularOptions = {},
): DenseMatrix | Float64Array {
  opts = readTriangularOptions(opts);
  T = checkDense(T, "T");
  if (T.rows !== T.cols) throw new LowrankError("SHAPE", `solveTriangular: T must be square, got ${T.rows} x ${T.cols}`);
  const n = T.rows;
  const lower = opts.lower ?? true, trans = !!opts.trans, unit = !!opts.unitDiagonal;
  let data: Float64Array, k: number;
  const matrix = isMatrixArg(B);
  if (matrix) {
    const Bm = checkDense(B, "B");
    if (Bm.rows !== n) throw new LowrankError("SHAPE", `solveTriangular: B has ${Bm.rows} rows, T is ${n} x ${n}`);
    data = Bm.data;
    k = Bm.cols;
  } else {
    data = checkVector(B, "b", n);
    k = 1;
  }
  const singular = (z: number) => new LowrankError("RANK", `solveTriangular: T is singular: diagonal entry T[${z}][${z}] is 0`);
  // Entries far from 1 (B, T's diagonal, or X itself) take the careful substitution, which scales as it goes.
  let dmin = Infinity, dmax = 0;
  if (!unit) {
    for (let i = 0; i < n; i++) {
      const a = Math.abs(T.data[i * n + i]);
      if (a < dmin) dmin = a;
      if (a > dmax) dmax = a;
    }
  }
  let careful = !inSafeRange(maxAbs(data)) || (!unit && (!inSafeRange(dmax) || (dmin !== 0 && !inSafeRange(dmin))));
  let x: Float64Array | undefined;
  if (!careful) {
    x = withLinalg(opts.backend, arenaBytes(n * n + n * k, 0, 2), (ws) => {
      const t = ws.input(T.data);
      const X = ws.copy(data);
      const z = ws.kernels.triangularSolve(lower, trans, unit, n, k, t, n, X, k);
      if (z < 0) throw singular(-z - 1);
      return ws.output(X);
    });
    careful = !inSafeRange(maxAbs(x)) || !allFinite(x);
  }
  if (careful) {
    x = new Float64Array(n * k);
    const z = triangularSolveSafe(lower, trans, unit, n, k, T.data, maxAbsTriangle(n, T.data, lower, unit), data, x);
    if (z < 0) throw singular(-z - 1);
  }
  return matrix ? { rows: n, cols: k, data: x! } : x!;
}

/** 0, or a magnitude in [2^-400, 2^400]: products of two such stay well inside the double range. */
function inSafeRange(v: number): boolean {
  return v === 0 || (v >= 2 ** -400 && v <= 2 ** 400);
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) return false;
  return true;
}

/** Options of {@link lstsq}. */
export interface LstsqOptions extends BackendOptions {
  /** Singular values at most rcond * s_max are treated as zero (default max(m, n) * eps). */
  rcond?: number;
}

/** Result of {@link lstsq}. */
export interface LstsqResult<X> {
  /** Which result this is. */
  kind: "lstsq";
  /** The layout version (1). */
  version: number;
  /** The minimum-norm least-squares solution (n entries, or n x k). */
  x: X;
  /** ||A x - b||₂ (per column of B when B is a matrix). */
  residual: X extends Float64Array ? number : Float64Array;
  /** Numerical rank: the number of singular values above rcond * s_max. */
  rank: number;
  /** Singular values of A, descending. */
  s: Float64Array;
}

/**
 * Least squares min ||A x - b||₂ with the minimum-norm solution when A is
 * rank-deficient: x = V diag(1/s_i, s_i > rcond s_max) Uᵀ b from the thin
 * {@link svd} (always SVD: one robust path for full-rank and rank-deficient A,
 * at about twice the cost of a QR solve). b is a vector of m entries or an
 * m x k matrix. The residual is computed from A directly.
 * The work is done on A and b scaled by powers of two (exact), so entries
 * from 1e-310 to 1.8e308 are fine.
 * O(mn min(m,n) + mnk). Errors: SHAPE, EMPTY, NON_FINITE, INVALID_ARGUMENT (bad rcond),
 * TOO_LARGE (an entry of x, a singular value or the residual beyond the double range).
 *
 * @example
 * const { x, residual, rank } = lstsq(A, b);
 */
export function lstsq(A: DenseMatrix, b: ArrayLike<number>, opts?: LstsqOptions): LstsqResult<Float64Array>;
export function lstsq(A: DenseMatrix, B: DenseMatrix, opts?: LstsqOptions): LstsqResult<DenseMatrix>;
export function lstsq(
  A: DenseMatrix,
  B: DenseMatrix | ArrayLike<number>,
  opts: LstsqOptions = {},
): LstsqResult<Float64Array> | LstsqResult<DenseMatrix> {
  opts = readLstsqOptions(opts);
  A = checkDense(A, "A");
  const m = A.rows, n = A.cols;
  const matrix = isMatrixArg(B);
  let bd: Float64Array, k: number;
  if (matrix) {
    const Bm = checkDense(B, "B");
    if (Bm.rows !== m) throw new LowrankError("SHAPE", `lstsq: B has ${Bm.rows} rows, A has ${m}`);
    bd = Bm.data;
    k = Bm.cols;
  } else {
    bd = checkVector(B, "b", m);
    k = 1;
  }
  const rcond = opts.rcond ?? Math.max(m, n) * 2.220446049250313e-16;
  if (!(rcond >= 0) || !Number.isFinite(rcond)) throw new LowrankError("INVALID_ARGUMENT", `lstsq: rcond must be a finite number >= 0, got ${rcond}`);
  // Work in the scaled problem A' = A 2^-e, b' = b 2^-eb (both exact), x = x' 2^(eb - e): 1 / s_i and the
  // products stay in range whatever the size of the entries (for ordinary sizes every step is bit-identical).
  const { U, d, V, e } = svdScaled(A, { backend: opts.backend });
  const r = d.length;
  if (!Number.isFinite(timesPow2(d[0], e))) throw tooLarge("lstsq", "the largest singular value of A", d[0], e);
  const s = new Float64Array(r);
  for (let i = 0; i < r; i++) s[i] = timesPow2(d[i], e);
  const eb = pow2Exponent(maxAbs(bd));
  const bs = new Float64Array(bd);
  scalePow2(bs, -eb);
  let rank = 0;
  while (rank < r && d[rank] > rcond * d[0]) rank++;
  // c = diag(1/d) Uᵀ b' over the kept triplets (rank x k), then x' = V c.
  const c = new Float64Array(rank * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < rank; j++) {
      const u = U.data[i * r + j];
      if (u === 0) continue;
      for (let t = 0; t < k; t++) c[j * k + t] += u * bs[i * k + t];
    }
  }
  for (let j = 0; j < rank; j++) for (let t = 0; t < k; t++) c[j * k + t] /= d[j];
  const xs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < rank; j++) {
      const v = V.data[i * r + j];
      for (let t = 0; t < k; t++) xs[i * k + t] += v * c[j * k + t];
    }
  }
  const x = xs.slice();
  scaleBackPow2(x, eb - e, "lstsq", "an entry of the solution x");
  // Residual A x - b from A itself; in the scaled problem when A, b or x are far from 1 (A x could overflow or underflow there).
  const safe = (v: number) => v === 0 || (v >= 2 ** -400 && v <= 2 ** 400);
  const direct = Math.abs(e) <= 400 && safe(maxAbs(bd)) && safe(maxAbs(x));
  const res = withLinalg(opts.backend, arenaBytes(m * n + n * k + m * k, 0, 3), (ws) => {
    const R = ws.copy(bd);
    if (direct) {
      ws.kernels.gemm(false, false, m, k, n, 1, ws.input(A.data), n, ws.input(x), k, -1, R, k);
    } else {
      const As = ws.copy(A.data);
      scalePow2(As, -e);
      R.set(bs);
      ws.kernels.gemm(false, false, m, k, n, 1, As, n, ws.input(xs), k, -1, R, k);
    }
    return ws.output(R);
  });
  const norms = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    let scale = 0;
    for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(res[i * k + t]));
    let ss = 0;
    if (scale > 0) for (let i = 0; i < m; i++) ss += (res[i * k + t] / scale) ** 2;
    norms[t] = scale * Math.sqrt(ss);
  }
  if (!direct) scaleBackPow2(norms, eb, "lstsq", "the residual norm");
  if (matrix) return { kind: "lstsq", version: RESULT_VERSION, x: { rows: n, cols: k, data: x }, residual: norms, rank, s };
  return { kind: "lstsq", version: RESULT_VERSION, x, residual: norms[0], rank, s };
}
