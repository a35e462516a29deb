// Shared helpers for the factorisation tests: seeded matrices with known
// factors, plain reference products, scaled norms, and the backend matrix.
import { beforeAll, describe, expect } from "vitest";
import { randn, wasmVariants, type Variant } from "@lowrank/test-utils";
import { init, qr, type DenseMatrix, type SvdResult } from "../src/index.js";
export { randn };

export type Case = "js" | Variant;

/** Runs `body` once per WASM variant this engine runs, with that variant initialised as the shared instance. */
export function describeVariants(name: string, body: (variant: Variant) => void): void {
  for (const v of wasmVariants()) {
    describe(`${name} [${v}]`, () => {
      beforeAll(async () => {
        await init({ variant: v });
      });
      body(v);
    });
  }
}

export function mat(rows: number, cols: number, data: ArrayLike<number>): DenseMatrix {
  return { rows, cols, data: Float64Array.from(data) };
}

export function scaled(A: DenseMatrix, f: number): DenseMatrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map((v) => v * f) };
}

/** Frobenius norm without overflow or underflow. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i]));
  if (s === 0) return 0;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i] / s) ** 2;
  return s * Math.sqrt(q);
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** ||a - b|| / ||b|| (or ||a|| when b is zero). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const nb = norm(b);
  const nd = norm(sub(a, b));
  return nb === 0 ? nd : nd / nb;
}

/** op(A) op(B) with plain loops. */
export function matmul(A: DenseMatrix, B: DenseMatrix, tA = false, tB = false): DenseMatrix {
  const m = tA ? A.cols : A.rows, k = tA ? A.rows : A.cols, n = tB ? B.rows : B.cols;
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = tA ? A.data[p * A.cols + i] : A.data[i * A.cols + p];
        const b = tB ? B.data[j * B.cols + p] : B.data[p * B.cols + j];
        s += a * b;
      }
      C[i * n + j] = s;
    }
  }
  return { rows: m, cols: n, data: C };
}

/** ||QᵀQ - I||_F for Q with orthonormal columns. */
export function orthError(Q: DenseMatrix): number {
  const G = matmul(Q, Q, true, false);
  for (let i = 0; i < Q.cols; i++) G.data[i * Q.cols + i] -= 1;
  return norm(G.data);
}

/** A random m x r matrix with orthonormal columns (modified Gram-Schmidt, twice). */
export function orthonormal(m: number, r: number, seed: number): DenseMatrix {
  const A = randn(m, r, seed);
  const d = A.data;
  for (let j = 0; j < r; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += d[i * r + p] * d[i * r + j];
        for (let i = 0; i < m; i++) d[i * r + j] -= s * d[i * r + p];
      }
    }
    let nn = 0;
    for (let i = 0; i < m; i++) nn += d[i * r + j] ** 2;
    nn = Math.sqrt(nn);
    for (let i = 0; i < m; i++) d[i * r + j] /= nn;
  }
  return A;
}

/** U diag(s) Vᵀ for U m x r, V n x r. */
export function usv(U: DenseMatrix, s: ArrayLike<number>, V: DenseMatrix): DenseMatrix {
  const r = s.length;
  const US = { rows: U.rows, cols: r, data: new Float64Array(U.rows * r) };
  for (let i = 0; i < U.rows; i++) for (let j = 0; j < r; j++) US.data[i * r + j] = U.data[i * U.cols + j] * s[j];
  const Vr = { rows: V.rows, cols: r, data: new Float64Array(V.rows * r) };
  for (let i = 0; i < V.rows; i++) for (let j = 0; j < r; j++) Vr.data[i * r + j] = V.data[i * V.cols + j];
  return matmul(US, Vr, false, true);
}

/** An m x n matrix with the given singular values (descending), random singular vectors. */
export function withSingularValues(m: number, n: number, s: number[], seed: number): DenseMatrix {
  return usv(orthonormal(m, s.length, seed), s, orthonormal(n, s.length, seed + 1000));
}

/** Geometric sequence from hi to lo with n terms. */
export function logspace(hi: number, lo: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => hi * (lo / hi) ** (n === 1 ? 0 : i / (n - 1)));
}

/** Max over entries of |a - b| / scale. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Whether `fn` throws a LowrankError with this code. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? "no code";
  }
  return undefined;
}

/**
 * The SVD contract: shapes, s non-negative and non-increasing, U and V with
 * orthonormal columns, and U diag(s) Vᵀ = A when all r = min(m, n) triplets are asked for.
 */
export function checkSvd(A: DenseMatrix, res: SvdResult, r = Math.min(A.rows, A.cols)): void {
  const { U, s, V } = res;
  expect([U.rows, U.cols, V.rows, V.cols, s.length]).toEqual([A.rows, r, A.cols, r, r]);
  for (let i = 0; i < r; i++) {
    expect(s[i]).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  }
  expect(orthError(U)).toBeLessThan(1e-12);
  expect(orthError(V)).toBeLessThan(1e-12);
  if (r === Math.min(A.rows, A.cols)) expect(relErr(usv(U, s, V).data, A.data)).toBeLessThan(1e-12);
}

/**
 * A = Q1 diag(sigma) with its columns in the order (j * 7 + 3) % n when `shuffle` (7 is prime to every n the tests
 * use), else as they come: Q1 has orthonormal columns, so the singular values are sigma to a few ulps of each (A is a
 * well-conditioned matrix times a diagonal; rounding A's entries moves each singular value relatively, by about eps).
 */
export function graded(m: number, n: number, sigma: number[], seed: number, shuffle: boolean): DenseMatrix {
  const Q1 = qr(randn(m, n, seed), { backend: "js" }).Q;
  const order = Array.from({ length: n }, (_, j) => (shuffle ? (j * 7 + 3) % n : j));
  const A = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[i * n + order[j]] = Q1.data[i * n + j] * sigma[j];
  return { rows: m, cols: n, data: A };
}
