import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

// The main entry, and the kernel set for the other @lowrank packages ("@lowrank/linalg/kernels", unstable).
export default defineConfig(lowrankTsup(["src/index.ts", "src/kernels/index.ts"]));
