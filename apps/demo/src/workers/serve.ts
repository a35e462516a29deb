// The worker side of every demo page: one request in, the page's messages
// out, then "done" or "error" (the PageWorker on the page reads them).

/** Messages every demo worker sends besides its own. */
export type CommonMessage = { type: "progress"; done: number; total: number; label: string } | { type: "done" } | { type: "error"; message: string };

export type Post<Msg> = (m: Msg | CommonMessage, transfer?: Transferable[]) => void;

/** Answers each request with `run`, then "done", or "error" with what was thrown. */
export function serve<Req, Msg>(run: (request: Req, post: Post<Msg>) => Promise<void>): void {
  const post: Post<Msg> = (m, transfer = []) => (self as unknown as Worker).postMessage(m, transfer);
  self.onmessage = async (e: MessageEvent<Req>) => {
    try {
      await run(e.data, post);
      post({ type: "done" });
    } catch (err) {
      post({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  };
}

/** Lets the page draw and the worker's messages flow. */
export const yieldToPage = () => new Promise((r) => setTimeout(r, 0));
