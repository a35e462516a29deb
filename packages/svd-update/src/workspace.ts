// The workspaces svd-update's runs and EvolvingSvd objects own: linalg's
// Workspace (docs/ARCHITECTURE.md, "The runtime") on a private instance of
// this package's module, plus what an EvolvingSvd needs on top of it: asking
// whether some scratch still fits the reservation, re-laying out the instance
// with a larger one (memory may grow only while nothing is live), and a
// mark/release scope around asynchronous work.
import { checkBackend, checkSize, MAX_TOTAL_ENTRIES, type Backend } from "@lowrank/linalg";
import { WasmWorkspace, type RunWorkspace } from "@lowrank/linalg/internal";
import { openScope } from "@lowrank/linalg/kernels";
import type { SvdWorkspace } from "./kernels/index.js";
import { svdUpdateModule } from "./module.js";

/** Bytes each of our wasm workspaces reserved (they are all created with an empty arena, so this is their limit). */
const budgets = new WeakMap<object, number>();

/** Throws TOO_LARGE when `bytes` of arrays cannot be allocated (before anything is, on both backends). */
export function checkBytes(bytes: number, what: string): void {
  checkSize(Math.ceil(bytes / 8), what, MAX_TOTAL_ENTRIES);
}

/** A private workspace (its own instance on wasm) with `bytes` reserved. Errors: TOO_LARGE, INVALID_ARGUMENT (backend). */
export async function openWorkspace(backend: Backend | undefined, bytes: number, what: string): Promise<SvdWorkspace> {
  checkBytes(bytes, what);
  const ws = await svdUpdateModule.workspace(backend, bytes);
  budgets.set(ws, bytes);
  return ws;
}

/**
 * A workspace for one long run (truncatedSvd's Lanczos methods): on the
 * module's threaded instance, whose CSR products run on the worker pool
 * (linalg's withParallelCsr), when the pool is free, this thread may block, `threads`
 * allows more than one and the pool's memory holds `bytes`; else a leased
 * private one (the instance the last run gave back, when there is one). The run holds the pool's arena until
 * `close()` (other calls meanwhile run on one thread). Errors: as openWorkspace.
 */
export async function openRunWorkspace(backend: Backend | undefined, bytes: number, what: string, threads?: number): Promise<RunWorkspace> {
  checkBytes(bytes, what);
  const pooled = checkBackend(backend) === "wasm" ? svdUpdateModule.pooledWorkspace(bytes, threads) : null;
  if (pooled) {
    budgets.set(pooled.ws, bytes);
    return { ws: pooled.ws, close: pooled.release };
  }
  // A leased instance: the one the previous run gave back, when there is one (no fresh memory to fault in).
  const leased = await svdUpdateModule.leasedWorkspace(backend, bytes);
  budgets.set(leased.ws, bytes);
  return { ws: leased.ws, close: leased.release };
}

/** Whether `bytes` more fit in the workspace's reservation (always on js). */
export function fits(ws: SvdWorkspace, bytes: number): boolean {
  if (!(ws instanceof WasmWorkspace)) return true;
  return ws.instance.arena.used + bytes <= (budgets.get(ws) ?? 0);
}

/**
 * Frees everything in the workspace and reserves `bytes` (growing memory):
 * the returned workspace replaces `ws`, and every earlier view is invalid.
 * The same object on js. Errors: TOO_LARGE.
 */
export function relayout(ws: SvdWorkspace, bytes: number, what: string): SvdWorkspace {
  checkBytes(bytes, what);
  if (!(ws instanceof WasmWorkspace)) return ws;
  const arena = ws.instance.arena;
  arena.release(arena.mark() - arena.used);
  arena.reserve(bytes);
  const next = new WasmWorkspace(ws.instance, ws.kernels, bytes);
  budgets.set(next, bytes);
  return next;
}

/** `ws.scoped` for asynchronous work: frees what `fn` allocated once its promise settles. */
export async function scopedAsync<T>(ws: SvdWorkspace, fn: () => Promise<T>): Promise<T> {
  if (!(ws instanceof WasmWorkspace)) return fn();
  const arena = ws.instance.arena, mark = arena.mark();
  try {
    return await fn();
  } finally {
    arena.release(mark);
  }
}

/** A manual scope (the function that frees what was allocated since): linalg's, shared with its Lanczos SVD. */
export { openScope };
