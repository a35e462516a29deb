import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

// The main entry; the building blocks ("@lowrank/linalg/internal") and the kernel set ("@lowrank/linalg/kernels") for the other @lowrank packages, unstable.
export default defineConfig(lowrankTsup(["src/index.ts", "src/internal.ts", "src/kernels/index.ts"]));
