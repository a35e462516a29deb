// `init()` lives apart from linalg's own module (module.ts) so that importing
// it registers nothing: a bundle that uses only another package's functions
// leaves linalg's WebAssembly out (docs/ARCHITECTURE.md, "Tree-shaking").
import { initRuntime, type InitOptions, type InitResult } from "./runtime.js";

/**
 * Compiles and warms the WebAssembly of every `@lowrank` package loaded
 * (relaxed-simd where the engine has it, else simd), starts the worker pool
 * (`threads`, default the available parallelism up to 8), and says which
 * variant and how many threads run. One call serves the whole library: every
 * package's `init` is this one. In Node and in workers a synchronous call
 * made before it compiles on first use (on one thread); on a browser's main
 * thread, await it first. Where threads cannot run (a page that is not
 * cross-origin isolated) it resolves to one thread and `threadsNote` says why.
 *
 * @example
 * const { variant, threads } = await init(); // "relaxed-simd", 8
 * await init({ threads: 1 }); // stop the pool: every call on the calling thread
 */
export function init(opts: InitOptions = {}): Promise<InitResult> {
  return initRuntime(opts);
}
