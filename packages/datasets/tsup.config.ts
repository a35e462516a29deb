import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

// One build for both entries so the shared code lands in common chunks; the
// stdlib data packages are dependencies and so stay external, loaded only by dist/node.js.
export default defineConfig(lowrankTsup(["src/index.ts", "src/node.ts"]));
