import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "tools/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Node 20 runs the relaxed-simd variant only behind this flag; newer engines ignore it.
    execArgv: ["--experimental-wasm-relaxed-simd"],
    pool: "forks",
    // Guard mode: every WASM arena block is followed by a guard checked after each kernel call
    // (packages/linalg/src/arena.ts), so a kernel writing past a short view fails the test.
    env: { LOWRANK_GUARD: "1" },
  },
});
