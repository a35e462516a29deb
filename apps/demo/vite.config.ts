import { defineConfig } from "vite";

// Cross-origin isolation (needed for SharedArrayBuffer, which a later worker
// pool will use) on both the dev server and the preview server `pnpm start` runs.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  base: "./",
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: "es" },
  build: { target: "es2022" },
});
