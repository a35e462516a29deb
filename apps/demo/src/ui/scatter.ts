import { Chart, PointElement, ScatterController } from "chart.js";
import { makeChart, PALETTE } from "./chart";

Chart.register(ScatterController, PointElement);

export interface ScatterSeries {
  label: string;
  points: Array<{ x: number; y: number }>;
}

/** A scatter plot whose series can be replaced in place (no animation), for maps that move. */
export function scatterChart(canvas: HTMLCanvasElement, xTitle: string, yTitle: string): { chart: Chart; set(series: ScatterSeries[], title: string): void } {
  const chart = makeChart(canvas, "scatter", { x: { title: { display: true, text: xTitle } }, y: { title: { display: true, text: yTitle } } }, true);
  return {
    chart: chart as unknown as Chart,
    set(series, title) {
      chart.data.datasets = series.map((s, i) => ({ label: s.label, data: s.points, backgroundColor: PALETTE[i % PALETTE.length], pointRadius: 3 }));
      chart.options.plugins!.title!.text = title;
      chart.update();
    },
  };
}
