import { arenaBytes } from "./arena.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { maxAbs, pow2Exponent, scaleBackPow2, scalePow2 } from "./factor-util.js";
import { withLinalg } from "./module.js";
import type { BackendOptions, DenseMatrix } from "./types.js";
import { checkDense } from "./validate.js";
import { readQrOptions } from "./schemas.js";
import { castResult, type Dtype, type DtypeOption, type WithDtype } from "./dtype.js";
import { RESULT_VERSION } from "./serialize.js";

/** Result of {@link qr}: A = Q R. */
export interface QrResult {
  /** Which decomposition this is. */
  kind: "qr";
  /** The layout version (1). */
  version: number;
  /** m x min(m,n), orthonormal columns. */
  Q: DenseMatrix;
  /** min(m,n) x n, upper triangular with a non-negative diagonal. */
  R: DenseMatrix;
}

/**
 * Thin Householder QR of any m x n matrix: A = Q R with Q (m x min(m,n))
 * orthonormal and R (min(m,n) x n) upper triangular, diag(R) >= 0 (so the
 * factors are unique when A has full column rank). On wasm blocked (compact
 * WY, panels of 32 columns, trailing updates and Q by GEMM) above about
 * 100 x 100, unblocked below and on js. The input is scaled by a power of two first (exact), so
 * entries near 1e-300 or 1e300 are fine.
 * O(2mn² - 2n³/3) for R plus O(4mk² - 4k³/3) for Q, k = min(m,n).
 * Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE (also when an entry of R, at
 * most a column norm of A, exceeds the double range). `dtype: "float32"`
 * returns Q and R as Float32Arrays rounded from the f64 result.
 *
 * @example
 * const { Q, R } = qr({ rows: 3, cols: 2, data: new Float64Array([1, 2, 3, 4, 5, 6]) });
 */
export function qr<D extends Dtype = "float64">(A: DenseMatrix, opts: BackendOptions & DtypeOption<D> = {}): WithDtype<QrResult, D> {
  opts = readQrOptions(opts) as typeof opts;
  A = checkDense(A, "A");
  const m = A.rows, n = A.cols, k = Math.min(m, n);
  const e = pow2Exponent(maxAbs(A.data));
  const wn = Math.max(qrBlockedWorkSize(m, n), qrBlockedWorkSize(m, k));
  const { q, r } = withLinalg(opts.backend, arenaBytes(m * n + k + wn + m * k, 0, 4), (ws) => {
    const K = ws.kernels;
    const a = ws.copy(A.data);
    scalePow2(a, -e);
    const tau = ws.scratch(k), work = ws.scratch(wn);
    // Blocked on wasm (GEMM-bound, 1.5-2.5x faster there); on js the unblocked
    // kernels, which are faster in plain TypeScript (the blocked twin runs 0.75-0.8x).
    const blocked = K.backend === "wasm";
    if (blocked) K.householderQrBlocked(m, n, a, n, tau, work);
    else K.householderQr(m, n, a, n, tau, work);
    const Q = ws.scratch(m * k);
    if (blocked) K.householderQBlocked(m, k, a, n, tau, Q, k, work);
    else K.householderQ(m, k, a, n, tau, Q, k, work);
    return { q: ws.output(Q), r: ws.output(a.subarray(0, k * n)) };
  });
  const R = r.length * 8 === r.buffer.byteLength ? r : r.slice(); // js backend: a view of the private copy
  for (let i = 0; i < k; i++) R.fill(0, i * n, i * n + i);
  // R_jj is the norm of what column j adds to the span: it can exceed the double range when entries are near 1.8e308.
  scaleBackPow2(R, e, "qr", "an entry of R");
  return castResult<QrResult, D>({ kind: "qr", version: RESULT_VERSION, Q: { rows: m, cols: k, data: q }, R: { rows: k, cols: n, data: R } }, opts.dtype as D, "qr");
}
