import type { DenseMatrix, WasmVariant } from "@lowrank/linalg";
import { wasmVariants } from "@lowrank/test-utils";
export { expectCode, randn, relDiff } from "@lowrank/test-utils";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = wasmVariants();

export const sum = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

/** Gauss-Jordan inverse with partial pivoting of a small SPD/nonsingular matrix (independent of the package's code). */
export function inverse(n: number, M: Float64Array): Float64Array {
  const a = Float64Array.from(M), inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]) > Math.abs(a[piv * n + c])) piv = i;
    for (let j = 0; j < n; j++) {
      [a[c * n + j], a[piv * n + j]] = [a[piv * n + j], a[c * n + j]];
      [inv[c * n + j], inv[piv * n + j]] = [inv[piv * n + j], inv[c * n + j]];
    }
    const dg = a[c * n + c];
    for (let j = 0; j < n; j++) {
      a[c * n + j] /= dg;
      inv[c * n + j] /= dg;
    }
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = a[i * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[i * n + j] -= f * a[c * n + j];
        inv[i * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}

/** a_iᵀ (Aᵀ diag(v) A)⁻¹ a_i for every row, straight from the definition. */
export function quadForms(A: DenseMatrix, v: ArrayLike<number>): Float64Array {
  const { rows: n, cols: d, data } = A;
  const G = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) G[j * d + k] += v[i] * data[i * d + j] * data[i * d + k];
  const H = inverse(d, G);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) s += data[i * d + j] * H[j * d + k] * data[i * d + k];
    q[i] = s;
  }
  return q;
}

/** Σ ω_i |b_i - a_iᵀ x|^p. */
export function lpObjective(A: DenseMatrix, b: ArrayLike<number>, x: ArrayLike<number>, p: number, w?: ArrayLike<number>): number {
  let f = 0;
  for (let i = 0; i < A.rows; i++) {
    let r = b[i];
    for (let j = 0; j < A.cols; j++) r -= A.data[i * A.cols + j] * x[j];
    f += (w ? w[i] : 1) * Math.abs(r) ** p;
  }
  return f;
}

/** A copy of A with column `src` duplicated into a new last column (rank stays A's). */
export function withDuplicateColumn(A: DenseMatrix, src: number): DenseMatrix {
  const d = A.cols + 1;
  const data = new Float64Array(A.rows * d);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) data[i * d + j] = A.data[i * A.cols + j];
    data[i * d + A.cols] = A.data[i * A.cols + src];
  }
  return { rows: A.rows, cols: d, data };
}
