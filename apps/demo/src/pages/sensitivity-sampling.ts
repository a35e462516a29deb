import { dataBase } from "../data/csr";
import { lineChart } from "../ui/lines";
import { el, type Page } from "../ui/page";
import { fillTable, PageWorker } from "../ui/page-worker";
import { scatterChart } from "../ui/scatter";
import type { SamplingMessage, SamplingRequest, Scheme } from "../workers/sampling-protocol";

/** #/sensitivity-sampling: l_p regression on Boston house prices from weighted samples of its rows. */
export const sensitivitySamplingPage: Page = {
  path: "sensitivity-sampling",
  title: "Sensitivity sampling",
  mount(root) {
    root.append(
      el("h2", {}, "Regression from a few weighted rows: Boston house prices"),
      el(
        "p",
        {},
        "Fit median house value on 13 standardised features by l_p regression, once on all 506 districts and once on a weighted sample of m rows chosen by @lowrank/sensitivity-sampling: uniformly, by leverage scores, root leverage scores (Woodruff and Yasuda 2023, p < 2), l_p Lewis weights (Cohen and Peng), or the Lewis-leverage mixture. The scatter shows which districts a scheme keeps; the curve is the median over 5 seeds of f(x_sample) / f(x_full), the full data's objective at the sample's solution.",
      ),
    );
    const pSel = el("select", { "data-role": "p", "aria-label": "p" });
    for (const p of [1, 1.5, 2, 3]) pSel.append(el("option", { value: String(p) }, `p = ${p}`));
    const mSel = el("select", { "data-role": "m", "aria-label": "sample size" });
    for (const m of [30, 50, 80]) mSel.append(el("option", { value: String(m), ...(m === 50 ? { selected: "" } : {}) }, `picks at m = ${m}`));
    const schemeSel = el("select", { "data-role": "scheme", "aria-label": "scheme drawn" });
    for (const s of ["lewis", "leverage", "root-leverage", "mixed", "uniform"]) schemeSel.append(el("option", { value: s }, `show ${s}`));
    const picksBox = el("div", { class: "chart" });
    const picksCanvas = el("canvas");
    picksBox.append(picksCanvas);
    const curveBox = el("div", { class: "chart" });
    const curveCanvas = el("canvas");
    curveBox.append(curveCanvas);
    const coef = el("table", { "data-role": "coefficients" });
    const picksMap = scatterChart(picksCanvas, "fitted value (all rows)", "median value ($1000s)");
    let curves = lineChart(curveCanvas, "f(x_sample) / f(x_full)", "rows sampled (m)");

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

    const job = new PageWorker<SamplingRequest, SamplingMessage>(
      root,
      () => new Worker(new URL("../workers/sampling.worker.ts", import.meta.url), { type: "module" }),
      (m) => {
        if (m.type === "data") {
          ({ fitted, b, xFull } = m);
          names = m.featureNames;
        } else if (m.type === "picks") {
          picks.set(m.scheme, { indices: m.indices, x: m.x, ratio: m.ratio });
          drawPicks();
          drawCoefficients();
        } else if (m.type === "curve") {
          curves.add(m.curve.scheme, m.curve.ratios, m.sizes);
        }
      },
    );
    const controls = el("div", { class: "controls" });
    controls.append(pSel, mSel, schemeSel, job.cancelButton, job.progress);
    root.append(controls, el("div", { "data-role": "status", class: "status" }), picksBox, el("h3", {}, "Objective ratio against sample size"), curveBox, el("h3", {}, "Coefficients"), coef);

    const start = () => {
      picks.clear();
      coef.replaceChildren();
      curves.chart.destroy();
      curves = lineChart(curveCanvas, "f(x_sample) / f(x_full)", "rows sampled (m)");
      job.start({ base: dataBase(), p: Number(pSel.value), m: Number(mSel.value) });
    };
    pSel.addEventListener("change", start);
    mSel.addEventListener("change", start);
    schemeSel.addEventListener("change", drawPicks);
    start();
    return () => {
      job.stop();
      picksMap.chart.destroy();
      curves.chart.destroy();
    };
  },
};
