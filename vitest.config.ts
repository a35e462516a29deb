import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "tools/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Node 20 runs the relaxed-simd variant only behind this flag; newer engines ignore it.
    execArgv: ["--experimental-wasm-relaxed-simd"],
    pool: "forks",
  },
});
