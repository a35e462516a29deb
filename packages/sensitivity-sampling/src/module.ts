import {
  checkBackend, JsWorkspace, LowrankError, Rng, WasmLoader, WasmWorkspace, type WasmInstance,
  type Arena, type Backend, type WasmVariant, type Workspace,
} from "@lowrank/linalg";
import { initRuntime } from "@lowrank/linalg";
import { jsSensitivityKernels, type SensitivityKernels } from "./kernels.js";
import { bindSensitivity, type SensitivityExports } from "./wasm.js";

/** This package's module loader (linalg's kernels compiled in, plus ours). */
export const sensitivityWasm = new WasmLoader<SensitivityExports>(
  "@lowrank/sensitivity-sampling",
  {
    simd: () => import("./generated/wasm-simd.js"),
    "relaxed-simd": () => import("./generated/wasm-relaxed-simd.js"),
  },
  (instance) => warm(bindSensitivity(instance), instance.arena),
);

// Runs each hot kernel ten times on tiny inputs so V8 optimises them before
// the first large call (see DESIGN.md, "Warm kernels before heavy calls").
function warm(k: SensitivityKernels, arena: Arena): void {
  const mark = arena.mark();
  arena.reserve(1 << 16);
  const n = 64, d = 8;
  const A = arena.f64(n * d), B = arena.f64(d * d), out = arena.f64(n), z = arena.f64(2 * d + 2);
  const w = arena.f64(n), v = arena.f64(n), M = arena.f64(n * (d + 1)), b = arena.f64(n), tau = arena.f64(d + 1);
  const idx = arena.i32(8).fill(3);
  const rng = new Rng(1);
  const R = arena.f64((d + 1) * (d + 1)), qbuf = arena.f64((d + 17) * (d + 1)), H = arena.f64(d * d);
  for (let i = 0; i < n * d; i++) A[i] = Math.sin(i + 1);
  for (let i = 0; i < d; i++) B[i * d + i] = 1;
  for (let r = 0; r < 10; r++) {
    w.fill(1);
    v.fill(1);
    b.fill(0.5);
    k.rowNormsSq(n, d, A, d, out);
    k.rowNormsOfProduct(n, d, d, A, d, B, d, r % 2 === 0, out, z);
    k.countSketch(n, d, A, d, out.fill(0.25), 4, r % 2 ? v : null, M);
    k.countSketchDraw(n, d, A, d, rng, 4, M);
    k.srhtColumns(32, A, d, 0, 3, v, 32, qbuf, 4, 8, idx, 0.5, M, d);
    k.weightedGram(n, d, A, d, v, M);
    k.lewisUpdate(n, d, A, d, B, 1, 1, w, v, z);
    k.lewisUpdateGram(n, d, A, d, B, 1, 1, w, v, z, M);
    k.irlsRows(n, d, A, d, b, out, v, 1, 1e-3, M, d + 1);
    k.sumAbsPow(n, b, v, 1.5);
    k.tallQrR(n, d + 1, M, d + 1, 16, R, qbuf, tau, z);
    H.set(B);
    k.onlineLeverage(n, d, A, d, H, 1, out, w, v, z);
    H.set(B);
    k.onlineLewis(n, d, A, d, H, 1 + (r % 3), 1, out, w, v, z);
  }
  arena.release(mark);
}

/**
 * Loads and compiles the WebAssembly module (relaxed-simd where the engine has
 * it, else simd), warms its kernels, and says which variant runs. Await it once
 * before the synchronous functions (`leverageScores`, `rootLeverageScores`) use
 * the default wasm backend; the asynchronous ones call it themselves.
 *
 * @example
 * const { variant } = await init(); // "relaxed-simd" or "simd"
 */
export function init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
  return initRuntime(opts);
}

/**
 * Runs `fn` synchronously on the shared instance (wasm) or on plain arrays
 * (js), reserving `bytes` first and freeing everything `fn` allocated after.
 * O(1) besides `fn`.
 *
 * @example
 * const norms = withSensitivity("wasm", 8 * 3 * n * d, (ws) => {
 *   const out = ws.f64(n);
 *   ws.kernels.rowNormsSq(n, d, ws.input(A.data), d, out);
 *   return ws.output(out);
 * });
 */
export function withSensitivity<T>(backend: Backend | undefined, bytes: number, fn: (ws: Workspace<SensitivityKernels>) => T): T {
  if (checkBackend(backend) === "js") return fn(new JsWorkspace(jsSensitivityKernels));
  return sensitivityWasm.withShared((instance) => {
    const kernels = bindSensitivity(instance);
    const mark = instance.arena.mark();
    try {
      instance.arena.reserve(bytes);
      return fn(new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes));
    } finally {
      instance.arena.release(mark);
    }
  });
}

/**
 * A workspace with its own WASM instance (or plain arrays on js) whose `bytes`
 * are reserved up front, for long or asynchronous runs. O(bytes) memory.
 *
 * @example
 * const ws = await createSensitivityWorkspace("wasm", 8 * 1_000_000);
 * const G = ws.f64(d * d);
 */
export async function createSensitivityWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace<SensitivityKernels>> {
  const b = backend ?? "wasm";
  if (b === "js") return new JsWorkspace(jsSensitivityKernels);
  if (b !== "wasm") throw new LowrankError("INVALID_ARGUMENT", `backend must be "wasm" or "js", got ${String(backend)}`);
  const instance = await sensitivityWasm.instance(bytes + 2 * 1024 * 1024);
  const kernels = bindSensitivity(instance);
  instance.arena.reserve(bytes);
  return new WasmWorkspace(instance, kernels);
}
