// The workspace of one fitting run (docs/ARCHITECTURE.md, "Threads" and
// "@lowrank/matrix-completion"): the module's threaded instance when the
// worker pool can take the run (linalg's `pooledWorkspace`), so its
// half-steps and loss pass split over the pool; otherwise a private instance
// on this thread, leased (or plain arrays on the js backend).
import { type Backend } from "@lowrank/linalg";
import { threadPool, type Workspace } from "@lowrank/linalg/internal";
import type { CompletionKernels } from "./kernels/index.js";
import { completionModule } from "./module.js";

/** A run's workspace, the threads its kernels may use, and the call that frees it (always call it). */
export interface RunWorkspace {
  ws: Workspace<CompletionKernels>;
  threads: number;
  release(): void;
}

/**
 * Threads a run would get (1 on js, without a pool, or with `threads` 1): what
 * fit sizes the half-step's per-thread scratch for, before the workspace exists.
 */
export function plannedThreads(backend: Backend | undefined, threads: number | undefined): number {
  const pool = threadPool();
  if (backend === "js" || !pool) return 1;
  return Math.max(1, Math.min(threads ?? pool.threads, pool.threads));
}

/**
 * The threaded workspace of `bytes` for one run, or null when the pool cannot
 * take it (then use `privateWorkspace`). Synchronous on purpose: the caller
 * allocates its views before anything else can run, so no other run sees the
 * pool's arena empty and takes the same instance.
 */
export function threadedWorkspace(backend: Backend | undefined, bytes: number, threads: number | undefined): RunWorkspace | null {
  return backend === "js" ? null : completionModule.pooledWorkspace(bytes, threads);
}

/**
 * A private workspace (plain arrays on js): one thread. Leased, so a run reuses
 * the instance the previous run gave back (no fresh memory to fault in);
 * `release()` hands it back.
 */
export async function privateWorkspace(backend: Backend | undefined, bytes: number): Promise<RunWorkspace> {
  return completionModule.leasedWorkspace(backend, bytes);
}
