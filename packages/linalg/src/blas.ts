import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { withLinalg } from "./module.js";
import type { BackendOptions, DenseMatrix } from "./types.js";
import { checkDense, checkVector } from "./validate.js";

/** Options of {@link gemm}. */
export interface GemmOptions extends BackendOptions {
  /** Use Aᵀ in place of A. */
  transA?: boolean;
  /** Use Bᵀ in place of B. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Added matrix: the result is alpha op(A) op(B) + beta C (C is not modified). */
  C?: DenseMatrix;
  /** Scale of C (default 1 when C is given). */
  beta?: number;
}

/**
 * General matrix product alpha op(A) op(B) (+ beta C). O(mnk); on wasm a
 * cache-blocked SIMD kernel with a 4 x 4 register tile.
 *
 * @example
 * const C = gemm({ rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 4]) }, I2); // A I
 */
export function gemm(A: DenseMatrix, B: DenseMatrix, opts: GemmOptions = {}): DenseMatrix {
  A = checkDense(A, "A");
  B = checkDense(B, "B");
  const tA = !!opts.transA, tB = !!opts.transB;
  const m = tA ? A.cols : A.rows, k = tA ? A.rows : A.cols;
  const kb = tB ? B.cols : B.rows, n = tB ? B.rows : B.cols;
  if (k !== kb) {
    throw new LowrankError("SHAPE", `gemm: op(A) is ${m} x ${k} but op(B) is ${kb} x ${n}`);
  }
  const alpha = opts.alpha ?? 1;
  const beta = opts.C ? (opts.beta ?? 1) : 0;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new LowrankError("NON_FINITE", "gemm: alpha and beta must be finite");
  let C0: DenseMatrix | undefined;
  if (opts.C) {
    C0 = checkDense(opts.C, "C");
    if (C0.rows !== m || C0.cols !== n) throw new LowrankError("SHAPE", `gemm: C is ${C0.rows} x ${C0.cols}, expected ${m} x ${n}`);
  }
  const data = withLinalg(opts.backend, arenaBytes(A.data.length + B.data.length + m * n), (ws) => {
    const a = ws.input(A.data), b = ws.input(B.data);
    const c = C0 ? ws.copy(C0.data) : ws.f64(m * n);
    ws.kernels.gemm(tA, tB, m, n, k, alpha, a, A.cols, b, B.cols, beta, c, n);
    return ws.output(c);
  });
  return { rows: m, cols: n, data };
}

/**
 * Matrix-vector product alpha op(A) x. O(mn).
 *
 * @example
 * gemv(A, new Float64Array([1, 0])); // first column of A
 */
export function gemv(A: DenseMatrix, x: ArrayLike<number>, opts: BackendOptions & { trans?: boolean; alpha?: number } = {}): Float64Array {
  A = checkDense(A, "A");
  const trans = !!opts.trans;
  const xv = checkVector(x, "x", trans ? A.rows : A.cols);
  const alpha = opts.alpha ?? 1;
  const out = trans ? A.cols : A.rows;
  return withLinalg(opts.backend, arenaBytes(A.data.length + xv.length + out), (ws) => {
    const y = ws.f64(out);
    ws.kernels.gemv(trans, A.rows, A.cols, alpha, ws.input(A.data), A.cols, ws.input(xv), 0, y);
    return ws.output(y);
  });
}

/**
 * Inner product Σ x_i y_i. O(n).
 *
 * @example
 * dot([1, 2, 3], [4, 5, 6]); // 32
 */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>, opts: BackendOptions = {}): number {
  const xv = checkVector(x, "x");
  const yv = checkVector(y, "y", xv.length);
  return withLinalg(opts.backend, arenaBytes(2 * xv.length), (ws) => ws.kernels.dot(xv.length, ws.input(xv), ws.input(yv)));
}

/**
 * y + alpha x, returned as a new array (y is not modified). O(n).
 *
 * @example
 * axpy(2, [1, 1], [0, 1]); // Float64Array [2, 3]
 */
export function axpy(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>, opts: BackendOptions = {}): Float64Array {
  const xv = checkVector(x, "x");
  const yv = checkVector(y, "y", xv.length);
  if (!Number.isFinite(alpha)) throw new LowrankError("NON_FINITE", "axpy: alpha must be finite");
  return withLinalg(opts.backend, arenaBytes(2 * xv.length), (ws) => {
    const out = ws.copy(yv);
    ws.kernels.axpy(xv.length, alpha, ws.input(xv), out);
    return ws.output(out);
  });
}
