import { LowrankError, type WasmVariant } from "@lowrank/linalg";
import { wasmVariants } from "@lowrank/test-utils";
import type { CompletionModel } from "../src/index.js";
export { relDiff } from "@lowrank/test-utils";

/** The WASM variants this engine can run (tests run each). */
export const variants: WasmVariant[] = wasmVariants();

/** The LowrankError code `fn` throws (or rejects with), or "none". */
export async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "none";
  } catch (e) {
    if (e instanceof LowrankError) return e.code;
    throw e;
  }
}

/** ||model - M||_F / ||M||_F over every entry of the dense M. */
export function completionError(model: CompletionModel, M: { rows: number; cols: number; data: Float64Array }): number {
  let e = 0, s = 0;
  for (let i = 0; i < M.rows; i++) {
    for (let j = 0; j < M.cols; j++) {
      const v = M.data[i * M.cols + j];
      e += (model.predict(i, j) - v) ** 2;
      s += v * v;
    }
  }
  return Math.sqrt(e / s);
}
