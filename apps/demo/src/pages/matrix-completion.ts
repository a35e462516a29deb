import { dataBase } from "../data/csr";
import { chartBox } from "../ui/chart";
import { lineChart } from "../ui/lines";
import { el, formatMs, select } from "../ui/page";
import { figure, fillTable } from "../ui/page-worker";
import { workerPage } from "../ui/worker-page";
import type { CompletionMessage, CompletionRequest, CompletionResult } from "../workers/completion-protocol";

/** #/matrix-completion: a photograph with pixels removed, filled in by BPMF (the default), ALS, AltMin and robust AltMin. */
export const matrixCompletionPage = workerPage<CompletionRequest, CompletionMessage>(
  {
    path: "matrix-completion",
    title: "Matrix completion",
    heading: "Filling in a photograph from a fraction of its pixels",
    intro:
      "A grayscale photograph is nearly low-rank. Remove a share of its pixels at random, then let @lowrank/matrix-completion fill them in from the rest at a chosen rank: Bayesian probabilistic matrix factorisation (BPMF, Salakhutdinov and Mnih 2008, the library's default: a Gibbs sampler that averages its samples, with no regularisation to tune), exact ALS with biases, the alternating minimisation of Jain, Netrapalli and Sanghavi, and the sketched, preconditioned robust alternating minimisation of Gu, Song, Yin and Zhang (2023). The curve is the error on the removed pixels after each iteration (for BPMF, each Gibbs sweep).",
    worker: () => new Worker(new URL("../workers/completion.worker.ts", import.meta.url), { type: "module" }),
  },
  () => {
    const rank = select("rank", "rank", [5, 10, 20, 40], (k) => `rank ${k}`, 10);
    const missing = select("missing", "pixels removed", [0.3, 0.5, 0.7], (f) => `${f * 100}% of pixels removed`, 0.5);
    const gallery = el("div", { class: "gallery", "data-role": "gallery" });
    const table = el("table", { "data-role": "results" });
    const { box, canvas } = chartBox();
    let curves = lineChart(canvas, "RMSE on removed pixels");
    let results: CompletionResult[] = [];
    let dims: [number, number] = [0, 0];
    let baseline = 0;
    return {
      controls: [rank, missing],
      rerunOn: [rank, missing],
      body: [gallery, table, box],
      request: () => ({ base: dataBase(), rank: Number(rank.value), missing: Number(missing.value) }),
      reset() {
        results = [];
        gallery.replaceChildren();
        table.replaceChildren();
        curves.chart.destroy();
        curves = lineChart(canvas, "RMSE on removed pixels");
      },
      handle(m) {
        if (m.type === "images") {
          dims = [m.h, m.w];
          baseline = m.maskedPsnr;
          gallery.append(figure(m.original, m.h, m.w, "original"), figure(m.masked, m.h, m.w, `pixels removed (PSNR ${m.maskedPsnr.toFixed(1)} dB)`));
        } else {
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
      dispose: () => curves.chart.destroy(),
    };
  },
);
