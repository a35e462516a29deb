import { dataBase } from "../data/csr";
import { lineChart } from "../ui/lines";
import { el, formatMs, setStatus, type Page } from "../ui/page";
import type { CompletionMessage, CompletionResult } from "../workers/completion-protocol";

/** #/matrix-completion: a photograph with pixels removed, filled in by ALS, AltMin and robust AltMin. */
export const matrixCompletionPage: Page = {
  path: "matrix-completion",
  title: "Matrix completion",
  mount(root) {
    root.append(
      el("h2", {}, "Filling in a photograph from a fraction of its pixels"),
      el(
        "p",
        {},
        "A grayscale photograph is nearly low-rank. Remove a share of its pixels at random, then let @lowrank/matrix-completion fill them in from the rest at a chosen rank: exact ALS with biases, the alternating minimisation of Jain, Netrapalli and Sanghavi, and the sketched, preconditioned robust alternating minimisation of Gu, Song, Yin and Zhang (2023). The curve is the error on the removed pixels after each iteration.",
      ),
    );
    const rank = el("select", { "data-role": "rank", "aria-label": "rank" });
    for (const k of [5, 10, 20, 40]) rank.append(el("option", { value: String(k), ...(k === 10 ? { selected: "" } : {}) }, `rank ${k}`));
    const missing = el("select", { "data-role": "missing", "aria-label": "pixels removed" });
    for (const f of [0.3, 0.5, 0.7]) missing.append(el("option", { value: String(f), ...(f === 0.5 ? { selected: "" } : {}) }, `${f * 100}% of pixels removed`));
    const cancel = el("button", { "data-role": "cancel" }, "Cancel");
    const progress = el("progress", { max: "1", value: "0" });
    const controls = el("div", { class: "controls" });
    controls.append(rank, missing, cancel, progress);
    const gallery = el("div", { class: "gallery", "data-role": "gallery" });
    const table = el("table", { "data-role": "results" });
    const box = el("div", { class: "chart" });
    const canvas = el("canvas");
    box.append(canvas);
    root.append(controls, el("div", { "data-role": "status", class: "status" }), gallery, table, box);

    let worker: Worker | null = null;
    let curves = lineChart(canvas, "RMSE on removed pixels");
    const stop = () => {
      worker?.terminate();
      worker = null;
    };
    const start = () => {
      stop();
      gallery.replaceChildren();
      table.replaceChildren();
      curves.chart.destroy();
      curves = lineChart(canvas, "RMSE on removed pixels");
      const results: CompletionResult[] = [];
      let dims: [number, number] = [0, 0];
      let baseline = 0;
      setStatus(root, "running", "loading the photograph…");
      const w = new Worker(new URL("../workers/completion.worker.ts", import.meta.url), { type: "module" });
      worker = w;
      w.onmessage = (e: MessageEvent<CompletionMessage>) => {
        const m = e.data;
        if (m.type === "images") {
          dims = [m.h, m.w];
          baseline = m.maskedPsnr;
          gallery.append(figure(m.original, m.h, m.w, "original"), figure(m.masked, m.h, m.w, `pixels removed (PSNR ${m.maskedPsnr.toFixed(1)} dB)`));
        } else if (m.type === "progress") {
          progress.value = m.done / m.total;
          setStatus(root, "running", `fitting ${m.label}…`);
        } else if (m.type === "result") {
          const r = m.result;
          gallery.append(figure(r.rgba, dims[0], dims[1], `${r.method}: PSNR ${r.psnr.toFixed(1)} dB`));
          curves.add(r.method, r.curve);
          results.push(r);
          renderTable(table, results, baseline);
        } else if (m.type === "done") {
          progress.value = 1;
          setStatus(root, "done", "done");
          stop();
        } else if (m.type === "error") {
          setStatus(root, "error", m.message);
          stop();
        }
      };
      w.onerror = (e) => {
        setStatus(root, "error", `worker failed: ${e.message}`);
        stop();
      };
      w.postMessage({ base: dataBase(), rank: Number(rank.value), missing: Number(missing.value) });
    };
    rank.addEventListener("change", start);
    missing.addEventListener("change", start);
    cancel.addEventListener("click", () => {
      if (!worker) return;
      stop();
      setStatus(root, "done", "cancelled");
    });
    start();
    return () => {
      stop();
      curves.chart.destroy();
    };
  },
};

function figure(rgba: Uint8ClampedArray, h: number, w: number, caption: string): HTMLElement {
  const fig = el("figure");
  const canvas = el("canvas", { width: String(w), height: String(h) });
  canvas.getContext("2d")!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  fig.append(canvas, el("figcaption", {}, caption));
  return fig;
}

function renderTable(table: HTMLTableElement, rows: CompletionResult[], baseline: number): void {
  table.replaceChildren();
  const head = el("tr");
  for (const h of ["method", "PSNR of the filled image", "gain over grey fill", "iterations", "time"]) head.append(el("th", {}, h));
  table.append(head);
  for (const r of rows) {
    const tr = el("tr");
    for (const c of [r.method, `${r.psnr.toFixed(2)} dB`, `${(r.psnr - baseline).toFixed(2)} dB`, String(r.curve.length), formatMs(r.ms)]) tr.append(el("td", {}, c));
    table.append(tr);
  }
}
