import { dataBase } from "../data/csr";
import { chartBox } from "../ui/chart";
import { lineChart } from "../ui/lines";
import { el, select } from "../ui/page";
import { fillTable } from "../ui/page-worker";
import { scatterChart } from "../ui/scatter";
import { workerPage } from "../ui/worker-page";
import type { SamplingMessage, SamplingRequest, Scheme } from "../workers/sampling-protocol";

/** #/sensitivity-sampling: l_p regression on Boston house prices from weighted samples of its rows. */
export const sensitivitySamplingPage = workerPage<SamplingRequest, SamplingMessage>(
  {
    path: "sensitivity-sampling",
    title: "Sensitivity sampling",
    heading: "Regression from a few weighted rows: Boston house prices",
    intro:
      "Fit median house value on 13 standardised features by l_p regression, once on all 506 districts and once on a weighted sample of m rows chosen by @lowrank/sensitivity-sampling: uniformly, by leverage scores, root leverage scores (Woodruff and Yasuda 2023, p < 2), l_p Lewis weights (Cohen and Peng), or the Lewis-leverage mixture. The scatter shows which districts a scheme keeps; the curve is the median over 5 seeds of f(x_sample) / f(x_full), the full data's objective at the sample's solution.",
    worker: () => new Worker(new URL("../workers/sampling.worker.ts", import.meta.url), { type: "module" }),
  },
  () => {
    const pSel = select("p", "p", [1, 1.5, 2, 3], (p) => `p = ${p}`);
    const mSel = select("m", "sample size", [30, 50, 80], (m) => `picks at m = ${m}`, 50);
    const schemeSel = select("scheme", "scheme drawn", ["lewis", "leverage", "root-leverage", "mixed", "uniform"], (s) => `show ${s}`);
    const picksChart = chartBox(), curveChart = chartBox();
    const coef = el("table", { "data-role": "coefficients" });
    const picksMap = scatterChart(picksChart.canvas, "fitted value (all rows)", "median value ($1000s)");
    let curves = lineChart(curveChart.canvas, "f(x_sample) / f(x_full)", "rows sampled (m)");

    let fitted: Float64Array = new Float64Array(0), b: Float64Array = new Float64Array(0), xFull: Float64Array = new Float64Array(0);
    let names: string[] = [];
    const picks = new Map<Scheme, { indices: Int32Array; x: Float64Array; ratio: number }>();
    const drawPicks = () => {
      const chosen = picks.get(schemeSel.value as Scheme);
      const kept = new Set(chosen?.indices ?? []);
      const all = Array.from(fitted, (f, i) => ({ x: f, y: b[i], i }));
      picksMap.set(
        [
          { label: "not sampled", points: all.filter((q) => !kept.has(q.i)) },
          { label: `kept by ${schemeSel.value}`, points: all.filter((q) => kept.has(q.i)) },
        ],
        chosen ? `${kept.size} districts kept by ${schemeSel.value}; objective ratio ${chosen.ratio.toFixed(3)}` : "",
      );
    };
    const drawCoefficients = () => {
      const schemes = [...picks.keys()];
      fillTable(coef, ["coefficient", "all rows", ...schemes.map((s) => `${s} (m = ${mSel.value})`)], names.map((n, j) => [n, xFull[j].toFixed(3), ...schemes.map((s) => (Number.isNaN(picks.get(s)!.x[j]) ? "no unique fit" : picks.get(s)!.x[j].toFixed(3)))]));
    };
    schemeSel.addEventListener("change", drawPicks);
    return {
      controls: [pSel, mSel, schemeSel],
      rerunOn: [pSel, mSel],
      body: [picksChart.box, el("h3", {}, "Objective ratio against sample size"), curveChart.box, el("h3", {}, "Coefficients"), coef],
      request: () => ({ base: dataBase(), p: Number(pSel.value), m: Number(mSel.value) }),
      reset() {
        picks.clear();
        coef.replaceChildren();
        curves.chart.destroy();
        curves = lineChart(curveChart.canvas, "f(x_sample) / f(x_full)", "rows sampled (m)");
      },
      handle(m) {
        if (m.type === "data") {
          ({ fitted, b, xFull } = m);
          names = m.featureNames;
        } else if (m.type === "picks") {
          picks.set(m.scheme, { indices: m.indices, x: m.x, ratio: m.ratio });
          drawPicks();
          drawCoefficients();
        } else {
          curves.add(m.curve.scheme, m.curve.ratios, m.sizes);
        }
      },
      dispose() {
        picksMap.chart.destroy();
        curves.chart.destroy();
      },
    };
  },
);
