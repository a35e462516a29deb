// Types of peak.mjs.
type WasmVariant = "simd" | "relaxed-simd";

/** GFLOP/s of the register-only probe per variant (variants the engine cannot run are left out). */
export declare function measurePeak(): Promise<Partial<Record<WasmVariant, number>>>;
