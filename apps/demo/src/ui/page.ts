/** The testability contract: every page root carries data-status running | done | error. */
export type Status = "running" | "done" | "error";

export interface Page {
  /** Route after "#/". */
  path: string;
  title: string;
  /** Renders into `root` and starts the page's work; returns a cleanup function. */
  mount(root: HTMLElement): () => void;
}

export function setStatus(root: HTMLElement, status: Status, message = ""): void {
  root.dataset.status = status;
  const box = root.querySelector<HTMLElement>("[data-role=status]");
  if (box) {
    box.textContent = message;
    box.className = status === "error" ? "status error" : "status";
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ""): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** Formats milliseconds with three significant digits and a unit. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}
