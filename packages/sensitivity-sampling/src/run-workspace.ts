// The workspace of one long run (Lewis weights, sensitivities): the module's
// threaded instance when the worker pool can take the run (a pool runs, this
// thread may block, the pool is free, more than one thread is asked), so the
// run's row passes split over the pool (src/threads.ts); otherwise a private
// instance (or plain arrays on js), on this thread, as before. The run holds
// the pool's arena until `release`, across its yields: a call made meanwhile
// runs on one thread. docs/ARCHITECTURE.md, "Threads".
import { threadedInstance, WasmWorkspace, type Backend, type WasmInstance, type Workspace } from "@lowrank/linalg";
import type { Exports } from "./generated/exports.js";
import type { SensitivityKernels } from "./kernels/index.js";
import { sensitivityModule } from "./module.js";

/** A run's workspace and the call that frees it (always call it, in a `finally`). */
export interface RunWorkspace {
  ws: Workspace<SensitivityKernels>;
  release(): void;
}

/**
 * The workspace of `bytes` for one run: on the pool's threaded instance when
 * it can take the run (`threads`: at most this many, default the pool's),
 * else a private one. The threaded branch is synchronous up to the return,
 * so no other run sees the pool's arena empty and takes the same instance.
 */
export async function runWorkspace(backend: Backend | undefined, bytes: number, threads: number | undefined): Promise<RunWorkspace> {
  const instance = backend === "js" ? null : threadedInstance(sensitivityModule.loader, threads, bytes);
  if (instance) return onThreaded(instance, bytes);
  return { ws: await sensitivityModule.workspace(backend, bytes), release: () => {} };
}

function onThreaded(instance: WasmInstance<Exports>, bytes: number): RunWorkspace {
  const arena = instance.arena;
  let mark = -1;
  try {
    const kernels = sensitivityModule.bind(instance); // may take permanent blocks: before the mark
    mark = arena.mark();
    arena.reserve(bytes);
    const ws = new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes);
    let released = false;
    return {
      ws,
      release() {
        if (released) return;
        released = true;
        arena.release(mark);
        instance.tasks = null;
      },
    };
  } catch (e) {
    if (mark >= 0) arena.release(mark);
    instance.tasks = null;
    throw e;
  }
}
