import { el, pageHeader, statusLine, type Page } from "./page";
import { PageWorker, type OwnMessage } from "./page-worker";

/** What a worker page supplies: its own controls, output and message handling. */
export interface WorkerPageParts<Req, Msg extends { type: string }> {
  /** Controls before Cancel and the progress bar. */
  controls: HTMLElement[];
  /** Controls whose change (a button: click) runs the page again. */
  rerunOn: HTMLElement[];
  /** Everything below the status line. */
  body: HTMLElement[];
  /** The request of a run, read from the controls. */
  request(): Req;
  /** Clears the output before a run. */
  reset?(): void;
  /** A message of the page's own (runtime, progress, done and error are handled). */
  handle(m: OwnMessage<Msg>): void;
  /** The status text once the worker is done. */
  doneText?(): string;
  /** Releases what the page made (charts). */
  dispose?(): void;
}

export interface WorkerPageSpec {
  path: string;
  title: string;
  heading: string;
  intro: string;
  /** `() => new Worker(new URL("...", import.meta.url), { type: "module" })`, written in the page so Vite bundles the worker. */
  worker: () => Worker;
}

/**
 * A page whose work runs in a Web Worker: header, controls (the page's own,
 * then Cancel and a progress bar), status line and body, in that order; it
 * runs once on mount and again whenever a `rerunOn` control changes (see
 * docs/ARCHITECTURE.md, "The demo").
 */
export function workerPage<Req, Msg extends { type: string }>(spec: WorkerPageSpec, setup: () => WorkerPageParts<Req, Msg>): Page {
  return {
    path: spec.path,
    title: spec.title,
    mount(root) {
      pageHeader(root, spec.heading, spec.intro);
      const parts = setup();
      const job = new PageWorker<Req, Msg>(root, spec.worker, (m) => parts.handle(m), parts.doneText);
      const controls = el("div", { class: "controls" });
      controls.append(...parts.controls, job.cancelButton, job.progress);
      root.append(controls, statusLine(), ...parts.body);
      const start = () => {
        parts.reset?.();
        job.start(parts.request());
      };
      for (const c of parts.rerunOn) c.addEventListener(c instanceof HTMLButtonElement ? "click" : "change", start);
      start();
      return () => {
        job.stop();
        parts.dispose?.();
      };
    },
  };
}
