// The workspace of one long run (docs/ARCHITECTURE.md, "Threads" and the
// tensor-network section): the module's threaded instance when the worker
// pool can take the run (linalg's `pooledWorkspace`), so the run's mode
// products, Grams and MTTKRPs split over the pool (threads.ts); otherwise a
// private instance on this thread (or plain arrays on js).
import { checkBackend, type Backend } from "@lowrank/linalg";
import { type Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";

/** A run's workspace, what `layout` laid out in it, and the call that frees it (always call it, in a finally). */
export interface RunSpace<W> {
  ws: Workspace<TensorKernels>;
  work: W;
  release(): void;
}

/**
 * The workspace of `bytes` for one run and `layout(ws)` in it: on the pool
 * when it can take the run, else a private one. The pooled workspace is laid
 * out before anything else can run.
 */
export async function runSpace<W>(
  backend: Backend | undefined, threads: number | undefined, bytes: number, layout: (ws: Workspace<TensorKernels>) => W,
): Promise<RunSpace<W>> {
  const pooled = checkBackend(backend) === "wasm" ? tensorModule.pooledWorkspace(bytes, threads) : null;
  if (pooled) {
    try {
      return { ws: pooled.ws, work: layout(pooled.ws), release: pooled.release };
    } catch (e) {
      pooled.release();
      throw e;
    }
  }
  // A leased instance: the one the previous run gave back, when there is one (no fresh memory to fault in).
  const leased = await tensorModule.leasedWorkspace(backend, bytes);
  try {
    return { ws: leased.ws, work: layout(leased.ws), release: leased.release };
  } catch (e) {
    leased.release();
    throw e;
  }
}
