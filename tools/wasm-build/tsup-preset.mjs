// The tsup settings every @lowrank package builds with: ESM only, type
// declarations, neutral platform (the same files serve Node and browsers).
// A package passes only its public entries.
//
// Every source file becomes its own module in dist (bundle: false: each
// src/<file>.ts is dist/<file>.js, imports kept), so with "sideEffects":
// false a bundler keeps only the modules an import reaches: `import { Rng }`
// costs rng.js and errors.js, and each embedded WASM variant stays the
// lazily imported file it is in src/generated/ (docs/ARCHITECTURE.md, "Tree-shaking").
// Declarations are rolled up per public entry, as before.
export function lowrankTsup(entry = ["src/index.ts"]) {
  return {
    entry: ["src/**/*.ts"],
    bundle: false,
    format: ["esm"],
    dts: { entry },
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
  };
}
