import { WasmLoader, type WasmInstance, type WasmVariant } from "@lowrank/linalg";
import { initRuntime } from "@lowrank/linalg";
import { bindSvdUpdate, type SvdUpdateExports } from "./wasm.js";

/** @lowrank/svd-update's module loader (its module contains linalg's kernels too). */
export const svdUpdateWasm = new WasmLoader<SvdUpdateExports>(
  "@lowrank/svd-update",
  {
    simd: () => import("./generated/wasm-simd.js"),
    "relaxed-simd": () => import("./generated/wasm-relaxed-simd.js"),
  },
  warm,
);

// Runs the hot kernels of an update on tiny inputs so V8 optimises them before
// the first real batch (see DESIGN.md, "Warm kernels before heavy calls").
function warm(instance: WasmInstance<SvdUpdateExports>): void {
  const k = bindSvdUpdate(instance);
  const arena = instance.arena;
  const mark = arena.mark();
  arena.reserve(1 << 16);
  const n = 8;
  const idx = arena.i32(n), B = arena.f64(n * n), C = arena.f64(n * n), R = arena.f64(n * n), P = arena.f64(4 * n * n);
  const Y = arena.f64(n * n), tau = arena.f64(n), work = arena.f64(n), d = arena.f64(n), X = arena.f64(2 * n * n);
  for (let r = 0; r < 10; r++) {
    for (let i = 0; i < n; i++) idx[i] = 3 * i;
    for (let i = 0; i < n * n; i++) {
      B[i] = Math.sin(i + r);
      C[i] = 0.1 * Math.cos(i);
    }
    k.gatherRows(n, n, idx, P, Y);
    k.scatterAddRows(n, n, idx, B, P);
    k.sparseGramSchmidt(n, n, n, B, C, R, 1e-12, 0);
    k.gemm(false, false, n, n, n, 1, B, n, C, n, 0, Y, n);
    k.householderQr(n, n, Y, n, tau, work);
    X.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) X[i * 2 * n + j] = B[i * n + j];
      X[i * 2 * n + n + i] = 1;
    }
    k.jacobiRows(n, n, 2 * n, X, 2 * n, d, 1e-15, 30);
    // The per-batch kernels of an update (assembly/batch.ts).
    for (let i = 0; i < n; i++) Y[i * n + i] += 3;
    k.smallSvdCore(n, n, Y, n, X, d, B, tau, C, 1e-15, 1e-14, 30, P);
    k.rotateFactor(n, Y, Y, Y, false, B, C, P);
  }
  arena.release(mark);
}

/**
 * Compiles and warms @lowrank/svd-update's WebAssembly (relaxed-simd where the
 * engine has it, else simd). Optional: the first `truncatedSvd` or
 * `EvolvingSvd.create` does it; call it to pick a variant or to pay the
 * compile cost up front. `residualMetric` on the wasm backend needs it.
 *
 * @example
 * const { variant } = await init();
 */
export function init(opts: { variant?: WasmVariant } = {}): Promise<{ variant: WasmVariant }> {
  return initRuntime(opts);
}
