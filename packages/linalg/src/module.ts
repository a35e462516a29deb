import { LowrankError } from "./errors.js";
import { jsKernels, type LinalgKernels } from "./kernels.js";
import { WasmLoader } from "./runtime.js";
import type { Backend, WasmVariant } from "./types.js";
import { bindLinalg, type LinalgExports } from "./wasm.js";
import { JsWorkspace, runInWorkspace, WasmWorkspace, type Workspace } from "./workspace.js";
import { warmBlockedQr, warmFactorizations, WARM_BLOCKED_QR_BYTES } from "./factor-warm.js";
import type { Arena } from "./arena.js";

/** @lowrank/linalg's own module loader. */
export const linalgWasm = new WasmLoader<LinalgExports>(
  "@lowrank/linalg",
  {
    simd: () => import("./generated/wasm-simd.js"),
    "relaxed-simd": () => import("./generated/wasm-relaxed-simd.js"),
  },
  (instance) => warmLinalg(bindLinalg(instance), instance.arena),
);

// Runs each hot kernel a few times on tiny inputs so V8 has compiled them
// with its optimizing tier before the first large call (see DESIGN.md).
function warmLinalg(k: LinalgKernels, arena: Arena): void {
  const mark = arena.mark();
  arena.reserve((1 << 20) + WARM_BLOCKED_QR_BYTES);
  const a = arena.f64(4096), b = arena.f64(4096), c = arena.f64(4096);
  a.fill(0.5);
  b.fill(0.25);
  for (let r = 0; r < 10; r++) {
    k.gemm(false, false, 24, 24, 24, 1, a, 24, b, 24, 0, c, 24);
    k.gemm(true, true, 24, 24, 24, 1, a, 24, b, 24, 1, c, 24);
    k.gemv(false, 32, 32, 1, a, 32, b, 0, c);
    k.gemv(true, 32, 32, 1, a, 32, b, 0, c);
    k.dot(1024, a, b);
    k.axpy(1024, 0.5, a, c);
  }
  warmFactorizations(k, arena);
  warmBlockedQr(k, arena);
  arena.release(mark);
}

/**
 * Loads and compiles @lowrank/linalg's WebAssembly (relaxed-simd where the
 * engine has it, else simd), warms its kernels, and says which variant runs.
 * Call once and await it before using the default `backend: "wasm"`.
 *
 * @example
 * const { variant } = await init(); // "relaxed-simd" or "simd"
 */
export function init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
  return linalgWasm.init(opts);
}

/** Runs `fn` in a linalg workspace of the chosen backend (default wasm) reserving `bytes` up front. */
export function withLinalg<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace) => T): T {
  return runInWorkspace(backend ?? "wasm", bytes, jsKernels, () => {
    const instance = linalgWasm.shared();
    return { instance, kernels: bindLinalg(instance) };
  }, fn);
}

/** A workspace with its own WASM instance (or plain arrays on js), for long or asynchronous runs. */
export async function createWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace> {
  if ((backend ?? "wasm") === "js") return new JsWorkspace(jsKernels);
  if (backend !== undefined && backend !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `unknown backend ${String(backend)}`);
  const instance = await linalgWasm.instance(bytes + 2 * 1024 * 1024);
  const kernels = bindLinalg(instance);
  instance.arena.reserve(bytes);
  return new WasmWorkspace(instance, kernels);
}
