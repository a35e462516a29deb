// This package's kernel set bound to one WASM instance: the generated binding
// (src/generated/exports.ts, from assembly/), linalg's kernels, and the two
// adapters whose TypeScript signature differs from the export's
// (docs/ARCHITECTURE.md, "Kernel bindings are generated").
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import { bindLinalg } from "@lowrank/linalg/kernels";
import { bindExports, type Exports } from "./generated/exports.js";
import type { SensitivityKernels } from "./kernels/index.js";

const bound = new WeakMap<object, SensitivityKernels>();

/** Widest A whose unweighted CountSketch runs in `countSketchShort` (1e6 x 10: 10.5 vs 6.4 ms; no faster at d = 50). */
const COUNT_SKETCH_SHORT_D = 16;

/**
 * The kernel set bound to one instance (cached per instance). O(1).
 *
 * - `countSketch` takes `v: null` for the unweighted sketch (the export takes
 *   a 0 pointer) and sends unweighted short rows to `countSketchShort` (the
 *   same sums, see assembly/sketch.ts);
 * - `countSketchDraw` takes an Rng, whose state goes through a 160-byte block
 *   of WASM memory (linalg's 32-byte state and the kernel's ring of codes).
 */
export function bindSensitivity(instance: WasmInstance<Exports>): SensitivityKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports;
  const memory = instance.memory;
  const p = pointerOf(memory);
  const rngState = instance.arena.permanent(32 + 128);
  let stateView = new DataView(memory.buffer);
  const k: SensitivityKernels = {
    ...bindExports(x, p),
    ...bindLinalg(instance),
    countSketch: (n, d, A, lda, u, m, v, SA) => v || d > COUNT_SKETCH_SHORT_D
      ? x.countSketch(n, d, p(A), lda, p(u), m, v ? p(v) : 0, p(SA))
      : x.countSketchShort(n, d, p(A), lda, p(u), m, p(SA)),
    countSketchDraw(n, d, A, lda, rng, m, SA) {
      if (stateView.buffer !== memory.buffer) stateView = new DataView(memory.buffer);
      rng.saveState(stateView, rngState);
      x.countSketchDraw(n, d, p(A), lda, rngState, m, p(SA));
      rng.loadState(stateView, rngState);
    },
    streamBlocks: () => 1,
  };
  bound.set(instance, k);
  return k;
}
