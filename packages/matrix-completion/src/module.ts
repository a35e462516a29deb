// Loading this package's WASM module (linalg's kernels compiled in), warming
// its hot kernels, and creating a run's workspace on a private instance.
import {
  JsWorkspace, LowrankError, WasmLoader, WasmWorkspace, type Backend, type WasmInstance, type WasmVariant, type Workspace,
} from "@lowrank/linalg";
import { initRuntime } from "@lowrank/linalg";
import { jsCompletionKernels, type CompletionKernels } from "./kernels.js";
import { bindCompletion, type CompletionExports } from "./wasm.js";

/** @lowrank/matrix-completion's module loader (simd and relaxed-simd variants). */
export const completionWasm = new WasmLoader<CompletionExports>(
  "@lowrank/matrix-completion",
  {
    simd: () => import("./generated/wasm-simd.js"),
    "relaxed-simd": () => import("./generated/wasm-relaxed-simd.js"),
  },
  warm,
);

// Runs each half-step kernel ten times on a tiny problem (8 x 8, k = 4, fully
// observed) so V8 has optimised them before the first real call (DESIGN.md).
function warm(instance: WasmInstance<CompletionExports>): void {
  const k = bindCompletion(instance);
  const arena = instance.arena;
  const mark = arena.mark();
  arena.reserve(1 << 16);
  const n = 8, r = 4, nnz = n * n;
  const ptr = arena.i32(n + 1), idx = arena.i32(nnz), ri = arena.i32(nnz);
  const vals = arena.f64(nnz), F = arena.f64(n * r), X = arena.f64(n * r), bias = arena.f64(n), zeros = arena.f64(n);
  const work = arena.f64(4 * r * r + 5 * r + 2 * n * (r + 3) + 64);
  for (let i = 0; i <= n; i++) ptr[i] = i * n;
  for (let q = 0; q < nnz; q++) {
    idx[q] = q % n;
    ri[q] = (q / n) | 0;
    vals[q] = Math.sin(q);
  }
  for (let q = 0; q < n * r; q++) F[q] = Math.cos(q);
  for (let rep = 0; rep < 10; rep++) {
    k.alsHalfStep(n, r, ptr, idx, vals, F, zeros, X, bias, 0.5, 0.1, 0.1, true, true, work);
    k.sketchedHalfStep(n, r, ptr, idx, vals, F, n, X, 2 + r, rep, 1e-3, 5, 0, n, zeros, work, rep & 1 ? "srht" : "countsketch");
    k.squaredError(nnz, r, ri, idx, vals, X, F, bias, zeros, 0.5, -1, 1);
  }
  arena.release(mark);
}

/**
 * Compiles this package's WebAssembly (relaxed-simd where the engine has it,
 * else simd), warms its kernels and says which variant runs. `complete` calls
 * it on first use; call it yourself to pick a variant or to pay the compile
 * up front.
 *
 * @example
 * const { variant } = await init(); // "relaxed-simd" or "simd"
 */
export function init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
  return initRuntime(opts);
}

/** A run's workspace: plain arrays on js, a private instance with `bytes` reserved on wasm. */
export async function createCompletionWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace<CompletionKernels>> {
  const b = backend ?? "wasm";
  if (b === "js") return new JsWorkspace(jsCompletionKernels);
  if (b !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
  const instance = await completionWasm.instance(bytes + 4 * 1024 * 1024);
  const kernels = bindCompletion(instance);
  instance.arena.reserve(bytes);
  return new WasmWorkspace(instance as WasmInstance<unknown>, kernels);
}
