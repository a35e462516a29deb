// The workspace of one long run (Lewis weights, sensitivities): the module's
// threaded instance when the worker pool can take the run (linalg's
// `pooledWorkspace`), so the run's row passes split over the pool
// (src/threads.ts); otherwise a leased private instance (or plain arrays on
// js), on this thread. docs/ARCHITECTURE.md, "Threads".
import type { Backend } from "@lowrank/linalg";
import type { Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { sensitivityModule } from "./module.js";

/** A run's workspace and the call that frees it (always call it, in a `finally`). */
export interface RunWorkspace {
  ws: Workspace<SensitivityKernels>;
  release(): void;
}

/** The workspace of `bytes` for one run: on the pool when it can take the run (`threads`: at most this many, default the pool's), else a private one. */
export async function runWorkspace(backend: Backend | undefined, bytes: number, threads: number | undefined): Promise<RunWorkspace> {
  const pooled = backend === "js" ? null : sensitivityModule.pooledWorkspace(bytes, threads);
  if (pooled) return pooled;
  // A leased instance: the one the previous run gave back, when there is one (no fresh memory to fault in).
  return sensitivityModule.leasedWorkspace(backend, bytes);
}
