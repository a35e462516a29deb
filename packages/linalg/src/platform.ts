import type { WasmVariant } from "./types.js";

// Two tiny modules (compiled by asc from one-line functions) used only for
// feature detection: validation is synchronous and costs microseconds.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 124, 1, 124, 3, 2, 1, 0, 5, 3, 1, 0, 0, 7, 14, 2, 1, 112, 0, 0, 6, 109,
  101, 109, 111, 114, 121, 2, 0, 10, 20, 1, 18, 1, 1, 123, 32, 0, 253, 20, 34, 1, 32, 1, 253, 240, 1, 253, 33, 0, 11,
]);
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 124, 1, 124, 3, 2, 1, 0, 5, 3, 1, 0, 0, 7, 14, 2, 1, 112, 0, 0, 6, 109,
  101, 109, 111, 114, 121, 2, 0, 10, 22, 1, 20, 1, 1, 123, 32, 0, 253, 20, 34, 1, 32, 1, 32, 1, 253, 135, 2, 253, 33, 0,
  11,
]);

function validates(bytes: Uint8Array): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes as BufferSource);
  } catch {
    return false;
  }
}

/** Whether this engine runs WebAssembly fixed-width SIMD (every engine since 2021). */
export function hasSimd(): boolean {
  return validates(SIMD_PROBE);
}

/** Whether this engine runs relaxed SIMD (Chromium 114+, Node 22+, Node 20 with --experimental-wasm-relaxed-simd). */
export function hasRelaxedSimd(): boolean {
  return validates(RELAXED_PROBE);
}

/** The best variant this engine runs, or null when it has no SIMD at all. */
export function bestVariant(): WasmVariant | null {
  if (hasRelaxedSimd()) return "relaxed-simd";
  if (hasSimd()) return "simd";
  return null;
}
