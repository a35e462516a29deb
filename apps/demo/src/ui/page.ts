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

/**
 * The top of every page: its heading and what it shows, in one element. This
 * is the one place a page header is built, so anything every page should show
 * at the top goes here.
 */
export function pageHeader(root: HTMLElement, heading: string, intro: string | HTMLElement[]): HTMLElement {
  const header = el("div", { class: "page-header" });
  const p = el("p", {}, typeof intro === "string" ? intro : "");
  if (typeof intro !== "string") p.append(...intro);
  header.append(el("h2", {}, heading), p);
  root.append(header);
  return header;
}

/**
 * The line a page's status message goes to (see setStatus), with room at its
 * end for the runtime a worker page computes on (see showRuntime).
 */
export function statusLine(): HTMLElement {
  const line = el("div", { class: "status-line" });
  line.append(el("div", { "data-role": "status", class: "status" }), el("div", { "data-role": "runtime", class: "runtime" }));
  return line;
}

/** What a worker's `init()` resolved to, as its RuntimeInfo message carries it. */
export interface RuntimeShown {
  variant: string;
  threads: number;
  note?: string;
}

/**
 * Shows on the status line the WebAssembly variant and the threads the page's
 * worker runs on ("relaxed-simd, 2 threads"), and why only one where so.
 */
export function showRuntime(root: HTMLElement, r: RuntimeShown): void {
  const box = root.querySelector<HTMLElement>("[data-role=runtime]");
  if (!box) return;
  const text = `${r.variant}, ${r.threads} thread${r.threads === 1 ? "" : "s"}`;
  // The runtime's note starts "one thread: <why>"; the count is already said.
  box.textContent = r.note ? `${text}: ${r.note.replace(/^one thread: /, "")}` : text;
  box.dataset.threads = String(r.threads);
}

/** Formats milliseconds with three significant digits and a unit. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A select element with one option per value; `selected` is the default. */
export function select<T extends string | number>(role: string, label: string, values: readonly T[], text: (v: T) => string, selected?: T): HTMLSelectElement {
  const s = el("select", { "data-role": role, "aria-label": label });
  for (const v of values) s.append(el("option", { value: String(v), ...(v === selected ? { selected: "" } : {}) }, text(v)));
  return s;
}
