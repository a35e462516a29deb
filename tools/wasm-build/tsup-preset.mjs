// The tsup settings every @lowrank package builds with: ESM only, type
// declarations, code splitting (so each embedded WASM variant stays its own
// lazily imported chunk), neutral platform (the same bundle serves Node and
// browsers). A package passes only its entries.
export function lowrankTsup(entry = ["src/index.ts"]) {
  return {
    entry,
    format: ["esm"],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
  };
}
