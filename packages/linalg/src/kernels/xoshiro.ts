// TypeScript twin of assembly/xoshiro.ts: the WASM kernels fill a view from
// the generator's state block; the twins draw from the `Rng` itself (src/rng.ts
// holds the generator), advancing it exactly as the WASM kernels advance theirs.
import type { Rng } from "../rng.js";

/** Fills out[0..n) with uniforms in [0, 1), advancing `rng`. O(n). */
export function rngFillUniform(rng: Rng, out: Float64Array, n: number): void {
  rng.fillUniform(out.subarray(0, n));
}

/** Fills out[0..n) with standard normals, advancing `rng`. O(n). */
export function rngFillNormal(rng: Rng, out: Float64Array, n: number): void {
  rng.fillNormal(out.subarray(0, n));
}
