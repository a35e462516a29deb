import type { WasmVariant } from "@lowrank/linalg";
import { wasmVariants } from "@lowrank/test-utils";
import type { Tensor } from "../src/index.js";
export { relDiff } from "@lowrank/test-utils";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = wasmVariants();
export { randnTensor as randomTensor } from "@lowrank/test-utils";

/** Entry of a C-order tensor at a multi-index. */
export function entry(X: Tensor, idx: number[]): number {
  let f = 0;
  for (let k = 0; k < idx.length; k++) f = f * X.shape[k] + idx[k];
  return X.data[f];
}

/** Every multi-index of a shape in C order. */
export function* indices(shape: number[]): Generator<number[]> {
  const idx = shape.map(() => 0);
  let size = 1;
  for (const n of shape) size *= n;
  for (let f = 0; f < size; f++) {
    yield idx.slice();
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

/** ‖MᵀM - I‖_max for M rows x cols (row-major). */
export function orthError(M: { rows: number; cols: number; data: Float64Array }): number {
  let worst = 0;
  for (let a = 0; a < M.cols; a++) {
    for (let b = 0; b < M.cols; b++) {
      let s = 0;
      for (let i = 0; i < M.rows; i++) s += M.data[i * M.cols + a] * M.data[i * M.cols + b];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** The error code a call throws, or "none". */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? "not a LowrankError";
  }
  return "none";
}

/** The error code a promise rejects with, or "none". */
export async function asyncCodeOf(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
  } catch (e) {
    return (e as { code?: string }).code ?? "not a LowrankError";
  }
  return "none";
}

/** The projector U Uᵀ onto the column space of U (rows x cols, row-major): equal for bases of one subspace. */
export function projector(U: { rows: number; cols: number; data: Float64Array }): Float64Array {
  const out = new Float64Array(U.rows * U.rows);
  for (let a = 0; a < U.rows; a++) {
    for (let b = 0; b < U.rows; b++) {
      let s = 0;
      for (let c = 0; c < U.cols; c++) s += U.data[a * U.cols + c] * U.data[b * U.cols + c];
      out[a * U.rows + b] = s;
    }
  }
  return out;
}
