import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip, type ChartConfiguration, type ChartType } from "chart.js";
import { el } from "./page";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

/** Series colours, in order. */
export const PALETTE = ["#9aa0a6", "#0b57d0", "#e8710a", "#188038", "#a142f4", "#d93025"];

/** A chart's box (it sets the height; the canvas follows its width) and canvas. */
export function chartBox(): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = el("div", { class: "chart" });
  const canvas = el("canvas");
  box.append(canvas);
  return { box, canvas };
}

/** A chart with the demo's common settings: no animation, the box's height, legend below. */
export function makeChart<T extends ChartType>(canvas: HTMLCanvasElement, type: T, scales: Record<string, object>, title = false): Chart<T> {
  const config = {
    type,
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales,
      plugins: { legend: { position: "bottom" }, ...(title ? { title: { display: true, text: "" } } : {}) },
    },
  } as unknown as ChartConfiguration<T>;
  return new Chart(canvas, config);
}

/** A grouped bar chart: one group per label, one bar per series. */
export function barChart(canvas: HTMLCanvasElement, labels: string[], series: Array<{ label: string; data: number[] }>, yTitle: string): Chart {
  const chart = makeChart(canvas, "bar", { y: { beginAtZero: true, title: { display: true, text: yTitle } } });
  chart.data.labels = labels;
  chart.data.datasets = series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: PALETTE[(i + 1) % PALETTE.length] }));
  chart.update();
  return chart as unknown as Chart;
}
