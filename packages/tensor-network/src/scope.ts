import { WasmWorkspace, type Workspace } from "@lowrank/linalg";

/**
 * Runs `fn` and then frees every array it took from the workspace (on wasm the
 * arena is a stack; on js the garbage collector does it). Loops such as HOOI
 * sweeps call their per-step routines inside a scope so the arena reserved up
 * front is enough however many iterations run. Results must be allocated
 * before the scope.
 */
export function scoped<T>(ws: Workspace<any>, fn: () => T): T {
  if (!(ws instanceof WasmWorkspace)) return fn();
  const arena = ws.instance.arena;
  const mark = arena.mark();
  try {
    return fn();
  } finally {
    arena.release(mark);
  }
}
