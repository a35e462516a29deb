// Long runs on the worker pool (docs/ARCHITECTURE.md, "Threads" and the
// tensor-network section). The pool's runs are synchronous, so an
// asynchronous method on it (Tucker, CP) makes each of its steps (a sweep, a
// mode) one synchronous run on the pool: the step's workspace is laid out
// anew, its state copied in and out, and the method yields between steps as
// on one thread. The kernels are the single-threaded ones' (threads.ts), so
// the results have the same bits for any thread count.
import { checkBackend, opt, threadPool, type Backend, type OptionCheck, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";

/** The `threads` option: threads a call may use, the calling thread included (default: the pool's; 1: the calling thread only). */
export const THREADS: OptionCheck<number> = opt.int({ min: 1, max: 64 });

/**
 * Whether a long run on `backend` asking for `threads` should run its steps
 * on the pool: wasm, a pool of two threads or more started by `init()`, and
 * not one thread asked. (Where the calling thread cannot block, a step falls
 * back to one thread by itself.)
 */
export function usesPool(backend: Backend | undefined, threads: number | undefined): boolean {
  const pool = threadPool();
  return checkBackend(backend) === "wasm" && threads !== 1 && pool !== null && pool.threads > 1;
}

/**
 * A step runner: on one thread, `step(fn)` is `fn(work)` on one workspace laid
 * out once, then `save` (the state copied out); on the pool, each step lays
 * out a fresh workspace of `bytes` on the threaded instance, calls `load` to
 * copy the state in, `fn`, then `save`. `fn`'s result (a view of the
 * workspace) comes back as is on one thread, copied from the pool.
 */
export interface Steps<W> {
  step<T extends Float64Array | void>(fn: (work: W) => T): T;
  /** `view` as a result array (copied out of the workspace on one thread; already a copy from the pool). */
  output(view: Float64Array): Float64Array;
}

export async function steps<W>(
  backend: Backend | undefined, threads: number | undefined, bytes: number,
  layout: (ws: Workspace<TensorKernels>) => W, load: (work: W) => void, save: (work: W) => void,
): Promise<Steps<W>> {
  if (!usesPool(backend, threads)) {
    const ws = await tensorModule.workspace(backend, bytes);
    const work = layout(ws);
    return {
      step: (fn) => {
        const out = fn(work);
        save(work);
        return out;
      },
      output: (v) => ws.output(v),
    };
  }
  return {
    step: (fn) => tensorModule.run(backend, bytes, (ws) => {
      const work = layout(ws);
      load(work);
      const out = fn(work);
      save(work);
      return (out instanceof Float64Array ? out.slice() : out) as typeof out;
    }, threads),
    output: (v) => v,
  };
}
