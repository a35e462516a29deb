// The workspace of one long run (docs/ARCHITECTURE.md, "Threads" and the
// tensor-network section): the module's threaded instance when the worker
// pool can take the run (a pool runs, this thread may block, the pool is
// free, more than one thread is asked), so the run's mode products, Grams and
// MTTKRPs split over the pool (threads.ts); otherwise a private instance on
// this thread (or plain arrays on js). A run on the pool holds its arena until
// `release`, across the run's yields: a call made meanwhile runs on one thread.
import { checkBackend, threadedInstance, WasmWorkspace, type Backend, type WasmInstance, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";
import type { TensorExports } from "./wasm.js";

/** A run's workspace, what `layout` laid out in it, and the call that frees it (always call it, in a finally). */
export interface RunSpace<W> {
  ws: Workspace<TensorKernels>;
  work: W;
  release(): void;
}

/**
 * The workspace of `bytes` for one run and `layout(ws)` in it: on the pool's
 * threaded instance when it can take the run, else a private one. The
 * threaded instance is taken and laid out synchronously, so no other run sees
 * the pool's arena empty and takes it too.
 */
export async function runSpace<W>(
  backend: Backend | undefined, threads: number | undefined, bytes: number, layout: (ws: Workspace<TensorKernels>) => W,
): Promise<RunSpace<W>> {
  const instance = checkBackend(backend) === "wasm" ? threadedInstance(tensorModule.loader, threads, bytes) : null;
  if (instance) return onThreaded(instance, bytes, layout);
  const ws = await tensorModule.workspace(backend, bytes);
  return { ws, work: layout(ws), release: () => {} };
}

function onThreaded<W>(instance: WasmInstance<TensorExports>, bytes: number, layout: (ws: Workspace<TensorKernels>) => W): RunSpace<W> {
  const arena = instance.arena;
  let mark = -1;
  try {
    const kernels = tensorModule.bind(instance); // may take permanent blocks: before the mark
    mark = arena.mark();
    arena.reserve(bytes);
    const ws = new WasmWorkspace(instance as WasmInstance<unknown>, kernels, bytes);
    const work = layout(ws);
    let released = false;
    return {
      ws, work,
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
