import { Chart, LineController, LineElement, LogarithmicScale, PointElement } from "chart.js";
import { makeChart, PALETTE } from "./chart";

Chart.register(LineController, LineElement, PointElement, LogarithmicScale);

/** Curves, one per series, on a log y axis; x defaults to the iteration number 1, 2, .... */
export function lineChart(canvas: HTMLCanvasElement, yTitle: string, xTitle = "iteration"): { chart: Chart; add(label: string, ys: number[], xs?: number[]): void } {
  const chart = makeChart(canvas, "line", {
    x: { type: "linear", title: { display: true, text: xTitle } },
    y: { type: "logarithmic", title: { display: true, text: yTitle } },
  });
  chart.options.parsing = false;
  return {
    chart: chart as unknown as Chart,
    add(label, ys, xs) {
      const c = PALETTE[chart.data.datasets.length % PALETTE.length];
      chart.data.datasets.push({ label, data: ys.map((y, i) => ({ x: xs ? xs[i] : i + 1, y: Number.isFinite(y) ? y : null })) as never, borderColor: c, backgroundColor: c, pointRadius: 2 });
      chart.update();
    },
  };
}
