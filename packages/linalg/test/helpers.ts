import { bestVariant, hasRelaxedSimd, Rng, type DenseMatrix, type WasmVariant } from "../src/index.js";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
export const best = bestVariant();

export function randn(rows: number, cols: number, seed: number): DenseMatrix {
  return { rows, cols, data: new Rng(seed).fillNormal(new Float64Array(rows * cols)) };
}

/** max |a - b| / max |b|: the norm-wise relative difference used for agreement checks. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

/** Textbook product straight from the definition, for checking both backends. */
export function naiveProduct(A: DenseMatrix, B: DenseMatrix, tA = false, tB = false): DenseMatrix {
  const m = tA ? A.cols : A.rows, k = tA ? A.rows : A.cols, n = tB ? B.rows : B.cols;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? A.data[p * A.cols + i] : A.data[i * A.cols + p]) * (tB ? B.data[j * B.cols + p] : B.data[p * B.cols + j]);
      out[i * n + j] = s;
    }
  return { rows: m, cols: n, data: out };
}
