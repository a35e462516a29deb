import { wasmVariants } from "@lowrank/test-utils";
import { bestVariant, type DenseMatrix, type WasmVariant } from "../src/index.js";
export { randn, relDiff } from "@lowrank/test-utils";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = wasmVariants();
export const best = bestVariant();

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
