// Types of peak.mjs.
type WasmVariant = "simd" | "relaxed-simd";

/** GFLOP/s of the register-only probe per variant (variants the engine cannot run are left out). */
export declare function measurePeak(): Promise<Partial<Record<WasmVariant, number>>>;

/** The two compiled probe forms per variant (registers only; one operand from L1): each runs `iters` rounds of 48 flops. */
export declare function peakProbes(): Partial<Record<WasmVariant, [(iters: number, x: number) => number, (iters: number, x: number) => number]>>;

/** The peak forms and the GEMM tile's instruction mix (`tileMix`: `iters` steps of 36 flops, L1 and registers only) per variant. */
export declare function allProbes(): Partial<Record<WasmVariant, { peak: [(iters: number, x: number) => number, (iters: number, x: number) => number]; tileMix: (iters: number, x: number) => number }>>;
