import { JsWorkspace, LowrankError, WasmLoader, type Arena, type Backend, type WasmVariant, type Workspace } from "@lowrank/linalg";
import { initRuntime } from "@lowrank/linalg";
import { BudgetedWorkspace } from "./budget.js";
import { jsTensorKernels, type TensorKernels } from "./kernels.js";
import { bindTensor, type TensorExports } from "./wasm.js";
import { warmTensor } from "./warm.js";

/** This package's module loader: linalg's kernels and the tensor kernels in one binary. */
export const tensorWasm = new WasmLoader<TensorExports>(
  "@lowrank/tensor-network",
  {
    simd: () => import("./generated/wasm-simd.js"),
    "relaxed-simd": () => import("./generated/wasm-relaxed-simd.js"),
  },
  (instance) => {
    const k = bindTensor(instance);
    warm(k, instance.arena);
  },
);

function warm(k: TensorKernels, arena: Arena): void {
  const mark = arena.mark();
  arena.reserve(1 << 20);
  warmTensor(k, (n) => arena.f64(n), (n) => arena.i32(n));
  arena.release(mark);
}

/**
 * Loads and compiles the WebAssembly module (relaxed-simd where the engine has
 * it, else simd), warms its kernels, and says which variant runs. Await it
 * once before using the default `backend: "wasm"`.
 *
 * @example
 * const { variant } = await init(); // "relaxed-simd" or "simd"
 */
export function init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
  return initRuntime(opts);
}

/**
 * Runs `fn` synchronously on the shared instance (or plain arrays on js),
 * reserving `bytes` first and freeing everything `fn` took when it returns.
 */
export function withTensor<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace<TensorKernels>) => T): T {
  const b = backend ?? "wasm";
  if (b === "js") return fn(new JsWorkspace(jsTensorKernels));
  if (b !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
  const instance = tensorWasm.shared();
  const kernels = bindTensor(instance);
  const arena = instance.arena;
  if (arena.used > 0) throw new LowrankError("INVALID_ARGUMENT", "internal: nested synchronous call on the shared WASM instance");
  arena.reserve(bytes);
  const mark = arena.mark();
  try {
    return fn(new BudgetedWorkspace(instance, kernels, bytes));
  } finally {
    arena.release(mark);
  }
}

/** A workspace with its own WASM instance and `bytes` of reserved arena, for long asynchronous runs. */
export async function tensorWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace<TensorKernels>> {
  const b = backend ?? "wasm";
  if (b === "js") return new JsWorkspace(jsTensorKernels);
  if (b !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
  const instance = await tensorWasm.instance(bytes + 4 * 1024 * 1024);
  const kernels = bindTensor(instance);
  instance.arena.reserve(bytes);
  return new BudgetedWorkspace(instance, kernels, bytes);
}
