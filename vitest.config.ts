import { defineConfig } from "vitest/config";

export default defineConfig({
  // A package's own sources take their lazily loaded WASM variants from its
  // src/generated/, the same build as the bundled simd one, where the
  // package.json "#wasm-lazy" import points installed copies to dist/
  // (docs/ARCHITECTURE.md, "Loading the variants").
  plugins: [
    {
      name: "lowrank-wasm-lazy-source",
      enforce: "pre",
      resolveId(id: string, importer?: string) {
        const pkg = id === "#wasm-lazy" && importer?.match(/^(.*\/packages\/[^/]+)\/src\//);
        return pkg ? `${pkg[1]}/src/generated/lazy-import.ts` : null;
      },
    },
  ],
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
