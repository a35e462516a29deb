// The tensor type's basic operations. A C-order tensor seen around mode n is
// (left, I_n, right) with left = I_0...I_{n-1} and right = I_{n+1}...I_{N-1}.
import { asMatrix, BACKEND, LowrankError, opt, type BackendOptions, type DenseMatrix, type Tensor } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { tensorModule } from "./module.js";
import type { MatrixLike, TensorLike, ThreadOptions } from "./types.js";
import { checkMode, checkShape, checkSizes, prod, readOpts, readTensor, THREADS } from "./validate.js";
import { checkResult, extreme, magnitude, scaled, scaledValue } from "./scaling.js";

/**
 * Mode-n unfolding X_(n): I_n x (size / I_n), column index running over the
 * other modes in C order (TensorLy's convention: move mode n to the front,
 * then reshape). O(size).
 *
 * @example
 * unfold({ shape: [2, 3], data: new Float64Array([1, 2, 3, 4, 5, 6]) }, 1); // 3 x 2: [[1, 4], [2, 5], [3, 6]]
 */
export function unfold(input: TensorLike, mode: number): DenseMatrix {
  const X = readTensor(input, "X");
  checkMode(mode, X.shape.length);
  const n = X.shape[mode], left = prod(X.shape, 0, mode), right = prod(X.shape, mode + 1);
  const out = new Float64Array(X.data.length);
  unfoldInto(left, n, right, X.data, out);
  return { rows: n, cols: left * right, data: out };
}

/** Writes the mode unfolding of X (viewed as (left, n, right)) into out (n x left*right). O(size). */
export function unfoldInto(left: number, n: number, right: number, X: Float64Array, out: Float64Array): void {
  const J = left * right;
  if (left === 1) {
    out.set(X.subarray(0, n * right));
    return;
  }
  for (let l = 0; l < left; l++) {
    for (let i = 0; i < n; i++) {
      const src = (l * n + i) * right, dst = i * J + l * right;
      if (right >= 16) out.set(X.subarray(src, src + right), dst);
      else for (let r = 0; r < right; r++) out[dst + r] = X[src + r];
    }
  }
}

/**
 * Inverse of {@link unfold}: the tensor of shape `shape` whose mode-n
 * unfolding is M. SHAPE when M's dimensions do not match. O(size).
 *
 * @example
 * const X2 = fold(unfold(X, 1), 1, X.shape); // equals X
 */
export function fold(input: MatrixLike, mode: number, shape: number[]): Tensor {
  const M = asMatrix(input, "M");
  const dims = checkShape(shape, "shape").shape;
  checkMode(mode, dims.length);
  const n = dims[mode], left = prod(dims, 0, mode), right = prod(dims, mode + 1);
  if (M.rows !== n || M.cols !== left * right) {
    throw new LowrankError("SHAPE", `fold: M is ${M.rows} x ${M.cols}, mode ${mode} of [${dims.join(", ")}] needs ${n} x ${left * right}`);
  }
  const out = new Float64Array(M.data.length);
  const J = left * right;
  for (let l = 0; l < left; l++) {
    for (let i = 0; i < n; i++) {
      const dst = (l * n + i) * right, src = i * J + l * right;
      for (let r = 0; r < right; r++) out[dst + r] = M.data[src + r];
    }
  }
  return { shape: dims, data: out };
}

/** ‖x‖₂ of a flat array, scaled by the largest entry so it neither overflows nor underflows. O(n). */
export function norm2(x: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > scale) scale = a;
  }
  if (scale === 0) return 0;
  const inv = 1 / scale;
  let s = 0;
  if (inv === Infinity) {
    // A subnormal largest entry: its reciprocal overflows, so divide instead.
    for (let i = 0; i < x.length; i++) {
      const v = x[i] / scale;
      s += v * v;
    }
    return scale * Math.sqrt(s);
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * inv;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/**
 * Frobenius norm ‖X‖. O(size).
 *
 * @example
 * norm({ shape: [2, 2], data: new Float64Array([3, 0, 0, 4]) }); // 5
 */
export function norm(X: TensorLike): number {
  const v = norm2(readTensor(X, "X").data);
  checkResult([v], "norm", "the norm");
  return v;
}

/**
 * ‖X - Y‖ / ‖X‖ (‖X - Y‖ when X = 0). SHAPE unless the shapes are equal. O(size).
 *
 * @example
 * relativeError(X, reconstruct(tucker(X, { rank: 3 }))); // e.g. 0.12
 */
export function relativeError(inputX: TensorLike, inputY: TensorLike): number {
  const X = readTensor(inputX, "X");
  const Y = readTensor(inputY, "Y");
  if (X.shape.length !== Y.shape.length || X.shape.some((n, k) => n !== Y.shape[k])) {
    throw new LowrankError("SHAPE", `relativeError: shapes [${X.shape.join(", ")}] and [${Y.shape.join(", ")}] differ`);
  }
  // The difference of entries near the largest double overflows: take it at a common power-of-two scale.
  const e = Math.max(magnitude(X.data), magnitude(Y.data));
  const s = extreme(e) ? -e : 0;
  const x = scaled(X.data, s), y = scaled(Y.data, s);
  const d = new Float64Array(x.length);
  for (let i = 0; i < d.length; i++) d[i] = x[i] - y[i];
  const nx = norm2(x), nd = norm2(d);
  const r = nx === 0 ? scaledValue(nd, -s) : nd / nx;
  checkResult([r], "relativeError", "the error");
  return r;
}

/** Options of {@link modeProduct}. */
export interface ModeProductOptions extends BackendOptions, ThreadOptions {
  /** Multiply by Mᵀ (M is then I_n x J). */
  transpose?: boolean;
}

/**
 * Mode-n product Y = X ×_n M: every mode-n fibre of X multiplied by M
 * (J x I_n), so Y has J in place of I_n. Runs as one GEMM per block of the
 * (left, I_n, right) view (no unfolding is formed). O(size J).
 *
 * @example
 * const Y = modeProduct(X, { rows: 2, cols: X.shape[1], data }, 1); // shape [I_0, 2, I_2]
 */
export function modeProduct(input: TensorLike, matrix: MatrixLike, mode: number, opts: ModeProductOptions = {}): Tensor {
  const X = readTensor(input, "X");
  const M = asMatrix(matrix, "M");
  checkMode(mode, X.shape.length);
  const o = readOpts("modeProduct", opts, { transpose: opt.boolean(), threads: THREADS, backend: BACKEND });
  const t = !!o.transpose;
  const n = X.shape[mode], J = t ? M.cols : M.rows, inner = t ? M.rows : M.cols;
  if (inner !== n) {
    throw new LowrankError("SHAPE", `modeProduct: ${t ? "Mᵀ" : "M"} is ${J} x ${inner}, mode ${mode} has size ${n}`);
  }
  const left = prod(X.shape, 0, mode), right = prod(X.shape, mode + 1);
  const shape = X.shape.slice();
  shape[mode] = J;
  checkSizes("modeProduct: the result", left * J * right, X.data.length, M.data.length);
  // Inputs of extreme magnitude are scaled by powers of two (exact) and the result scaled back.
  const ex = magnitude(X.data), em = magnitude(M.data);
  const sx = extreme(ex) ? -ex : 0, sm = extreme(em) ? -em : 0;
  const x = scaled(X.data, sx), m = scaled(M.data, sm);
  let data = tensorModule.run(o.backend, arenaBytes(x.length + m.length + left * J * right), (ws) => {
    const out = ws.f64(left * J * right);
    ws.kernels.modeProduct(t, left, n, right, J, ws.input(x), ws.input(m), M.cols, out);
    return ws.output(out);
  }, o.threads);
  data = scaled(data, -sx - sm);
  checkResult(data, "modeProduct", "the product");
  return { shape, data };
}
