import { Chart, Legend, LinearScale, PointElement, ScatterController, Title, Tooltip } from "chart.js";

Chart.register(ScatterController, PointElement, LinearScale, Legend, Title, Tooltip);

export interface ScatterSeries {
  label: string;
  points: Array<{ x: number; y: number }>;
}

/** A scatter plot whose series can be replaced in place (no animation), for maps that move. */
export function scatterChart(canvas: HTMLCanvasElement, xTitle: string, yTitle: string): { chart: Chart; set(series: ScatterSeries[], title: string): void } {
  const colors = ["#9aa0a6", "#0b57d0", "#e8710a", "#188038", "#a142f4", "#d93025"];
  const chart = new Chart(canvas, {
    type: "scatter",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: xTitle } }, y: { title: { display: true, text: yTitle } } },
      plugins: { legend: { position: "bottom" }, title: { display: true, text: "" } },
    },
  });
  return {
    chart,
    set(series, title) {
      chart.data.datasets = series.map((s, i) => ({ label: s.label, data: s.points, backgroundColor: colors[i % colors.length], pointRadius: 3 }));
      chart.options.plugins!.title!.text = title;
      chart.update();
    },
  };
}
