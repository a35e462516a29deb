import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

// The main entry, and "@lowrank/matrix-completion/spark" (Spark ALS models;
// the only entry that imports the Parquet library).
export default defineConfig(lowrankTsup(["src/index.ts", "src/spark/index.ts"]));
