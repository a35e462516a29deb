import { dataBase } from "../data/csr";
import { lineChart } from "../ui/lines";
import { el, formatMs, type Page } from "../ui/page";
import { figure, fillTable, PageWorker } from "../ui/page-worker";
import type { CompletionMessage, CompletionRequest, CompletionResult } from "../workers/completion-protocol";

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
    const gallery = el("div", { class: "gallery", "data-role": "gallery" });
    const table = el("table", { "data-role": "results" });
    const box = el("div", { class: "chart" });
    const canvas = el("canvas");
    box.append(canvas);

    let curves = lineChart(canvas, "RMSE on removed pixels");
    let results: CompletionResult[] = [];
    let dims: [number, number] = [0, 0];
    let baseline = 0;
    const job = new PageWorker<CompletionRequest, CompletionMessage>(
      root,
      () => new Worker(new URL("../workers/completion.worker.ts", import.meta.url), { type: "module" }),
      (m) => {
        if (m.type === "images") {
          dims = [m.h, m.w];
          baseline = m.maskedPsnr;
          gallery.append(figure(m.original, m.h, m.w, "original"), figure(m.masked, m.h, m.w, `pixels removed (PSNR ${m.maskedPsnr.toFixed(1)} dB)`));
        } else if (m.type === "result") {
          const r = m.result;
          gallery.append(figure(r.rgba, dims[0], dims[1], `${r.method}: PSNR ${r.psnr.toFixed(1)} dB`));
          curves.add(r.method, r.curve);
          results.push(r);
          fillTable(
            table,
            ["method", "PSNR of the filled image", "gain over grey fill", "iterations", "time"],
            results.map((x) => [x.method, `${x.psnr.toFixed(2)} dB`, `${(x.psnr - baseline).toFixed(2)} dB`, String(x.curve.length), formatMs(x.ms)]),
          );
        }
      },
    );
    const controls = el("div", { class: "controls" });
    controls.append(rank, missing, job.cancelButton, job.progress);
    root.append(controls, el("div", { "data-role": "status", class: "status" }), gallery, table, box);

    const start = () => {
      results = [];
      gallery.replaceChildren();
      table.replaceChildren();
      curves.chart.destroy();
      curves = lineChart(canvas, "RMSE on removed pixels");
      job.start({ base: dataBase(), rank: Number(rank.value), missing: Number(missing.value) });
    };
    rank.addEventListener("change", start);
    missing.addEventListener("change", start);
    start();
    return () => {
      job.stop();
      curves.chart.destroy();
    };
  },
};
