import type { CommonMessage as Common } from "../workers/serve";
import { el, setStatus, showRuntime } from "./page";

/** A worker's own messages: all but runtime, progress, done and error. */
export type OwnMessage<Msg> = Exclude<Msg, Common>;

/**
 * The life of a page's Web Worker: start (replacing a running one), progress
 * bar and status line, cancel, and the data-status contract (running while the
 * worker computes, done when it reports done, error with its message).
 * Pages pass `make` as `() => new Worker(new URL("...", import.meta.url), { type: "module" })`
 * so that Vite sees and bundles the worker.
 */
export class PageWorker<Req, Msg extends { type: string }> {
  private worker: Worker | null = null;
  /** The controls' progress bar; the page places it. */
  readonly progress = el("progress", { max: "1", value: "0" });
  /** A Cancel button wired to `cancel()`; the page places it. */
  readonly cancelButton = el("button", { "data-role": "cancel" }, "Cancel");

  constructor(
    private readonly root: HTMLElement,
    private readonly make: () => Worker,
    private readonly handle: (m: OwnMessage<Msg>) => void,
    private readonly doneText: () => string = () => "done",
  ) {
    this.cancelButton.addEventListener("click", () => this.cancel());
  }

  start(request: Req, transfer: Transferable[] = []): void {
    this.stop();
    this.progress.value = 0;
    setStatus(this.root, "running", "starting…");
    const w = this.make();
    this.worker = w;
    w.onmessage = (e: MessageEvent<Msg | Common>) => {
      if (w !== this.worker) return;
      const m = e.data as Common;
      if (m.type === "runtime") {
        showRuntime(this.root, m);
      } else if (m.type === "progress") {
        this.progress.value = m.done / m.total;
        setStatus(this.root, "running", `${m.label}…`);
      } else if (m.type === "done") {
        this.progress.value = 1;
        this.stop();
        setStatus(this.root, "done", this.doneText());
      } else if (m.type === "error") {
        this.stop();
        setStatus(this.root, "error", m.message);
      } else {
        this.handle(e.data as OwnMessage<Msg>);
      }
    };
    w.onerror = (e) => {
      this.stop();
      setStatus(this.root, "error", `worker failed: ${e.message}`);
    };
    w.postMessage(request, transfer);
  }

  /** Ends a running computation and says so. */
  cancel(): void {
    if (!this.worker) return;
    this.stop();
    setStatus(this.root, "done", "cancelled");
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

/** An image (RGBA bytes) on a canvas with a caption. */
export function figure(rgba: Uint8ClampedArray, h: number, w: number, caption: string): HTMLElement {
  const fig = el("figure");
  const canvas = el("canvas", { width: String(w), height: String(h) });
  canvas.getContext("2d")!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  fig.append(canvas, el("figcaption", {}, caption));
  return fig;
}

/** A table with a header row and string cells. */
export function fillTable(table: HTMLTableElement, head: string[], rows: string[][]): void {
  table.replaceChildren();
  const tr = el("tr");
  for (const h of head) tr.append(el("th", {}, h));
  table.append(tr);
  for (const r of rows) {
    const row = el("tr");
    for (const c of r) row.append(el("td", {}, c));
    table.append(row);
  }
}
