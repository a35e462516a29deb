import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

// One build for both entries so the shared code lands in common chunks. The
// stdlib data packages are optional peers, required at run time by dist/node.js
// only (src/node/corpus.ts); nothing of Node reaches dist/index.js.
export default defineConfig(lowrankTsup(["src/index.ts", "src/node.ts"]));
