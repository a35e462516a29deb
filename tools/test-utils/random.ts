// Seeded test data and the list of WebAssembly variants, shared by every
// package's tests. Taken from linalg's sources (not its build) so that linalg's
// own tests and the other packages' tests draw from the same generator.
import { hasRelaxedSimd } from "../../packages/linalg/src/platform.js";
import { Rng } from "../../packages/linalg/src/rng.js";

export type Variant = "simd" | "relaxed-simd";

/** The WASM variants this engine can run (relaxed-simd only where it validates): tests run each. */
export function wasmVariants(): Variant[] {
  return hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
}

/** Every backend a kernel set has: the TypeScript twin, then each WASM variant this engine runs. */
export function backends(): ("js" | Variant)[] {
  return ["js", ...wasmVariants()];
}

/** A rows x cols matrix of standard normals from a fresh `Rng(seed)` (row-major, one `fillNormal`). */
export function randn(rows: number, cols: number, seed: number): { rows: number; cols: number; data: Float64Array } {
  return { rows, cols, data: new Rng(seed).fillNormal(new Float64Array(rows * cols)) };
}

/** A tensor of standard normals from a fresh `Rng(seed)` (C order): `randn` with a shape. */
export function randnTensor(shape: number[], seed: number): { shape: number[]; data: Float64Array } {
  let size = 1;
  for (const n of shape) size *= n;
  return { shape, data: new Rng(seed).fillNormal(new Float64Array(size)) };
}

/** Asserts `fn` throws (or rejects with) a LowrankError carrying `code`. */
export async function expectCode(fn: () => unknown, code: string): Promise<void> {
  let err: unknown = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!err || (err as { name?: string }).name !== "LowrankError" || (err as { code?: string }).code !== code) {
    throw new Error(`expected a LowrankError ${code}, got ${String(err)}`);
  }
}
