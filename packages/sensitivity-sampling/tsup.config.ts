import { lowrankTsup } from "@lowrank/wasm-build/tsup";
import { defineConfig } from "tsup";

export default defineConfig(lowrankTsup());
