// The worker side of every demo page: one request in, the runtime the page
// runs on, the page's messages, then "done" or "error" (the PageWorker on the
// page reads them).
import { init, type InitResult } from "@lowrank/linalg";

/** The WebAssembly variant and threads this worker's computations run on (what `init()` resolved to). */
export interface RuntimeInfo {
  variant: string;
  threads: number;
  /** Why fewer threads run than the machine has (a page that is not cross-origin isolated), when so. */
  note?: string;
}

/** Messages every demo worker sends besides its own. */
export type CommonMessage =
  | ({ type: "runtime" } & RuntimeInfo)
  | { type: "progress"; done: number; total: number; label: string }
  | { type: "done" }
  | { type: "error"; message: string };

export type Post<Msg> = (m: Msg | CommonMessage, transfer?: Transferable[]) => void;

/**
 * Answers each request with `run`, then "done", or "error" with what was
 * thrown. Before `run`, starts the runtime every lowrank package shares with
 * its defaults (the best variant, and a thread pool of the machine's cores
 * where the page is cross-origin isolated, else one thread) and tells the
 * page what it got.
 */
export function serve<Req, Msg>(run: (request: Req, post: Post<Msg>, runtime: InitResult) => Promise<void>): void {
  const post: Post<Msg> = (m, transfer = []) => (self as unknown as Worker).postMessage(m, transfer);
  self.onmessage = async (e: MessageEvent<Req>) => {
    try {
      const runtime = await init();
      post({ type: "runtime", variant: runtime.variant, threads: runtime.threads, ...(runtime.threadsNote ? { note: runtime.threadsNote } : {}) });
      await run(e.data, post, runtime);
      post({ type: "done" });
    } catch (err) {
      post({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  };
}

/** Lets the page draw and the worker's messages flow. */
export const yieldToPage = () => new Promise((r) => setTimeout(r, 0));
