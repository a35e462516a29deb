import { defineConfig } from "tsup";

// One build for both entries so the shared code lands in common chunks.
// Neutral platform keeps the main entry browser-safe; the stdlib data packages
// are dependencies and so stay external, loaded only by dist/node.js.
export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm"],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
});
