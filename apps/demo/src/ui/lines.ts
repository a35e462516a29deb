import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Title, Tooltip } from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Title, Tooltip);

/** Curves, one per series, on a log y axis; x defaults to the iteration number 1, 2, .... */
export function lineChart(canvas: HTMLCanvasElement, yTitle: string, xTitle = "iteration"): { chart: Chart; add(label: string, ys: number[], xs?: number[]): void } {
  const colors = ["#9aa0a6", "#0b57d0", "#e8710a", "#188038", "#a142f4", "#d93025"];
  const chart = new Chart(canvas, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: "linear", title: { display: true, text: xTitle } },
        y: { type: "logarithmic", title: { display: true, text: yTitle } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
  return {
    chart,
    add(label, ys, xs) {
      const c = colors[chart.data.datasets.length % colors.length];
      chart.data.datasets.push({ label, data: ys.map((y, i) => ({ x: xs ? xs[i] : i + 1, y: Number.isFinite(y) ? y : null })), borderColor: c, backgroundColor: c, pointRadius: 2 });
      chart.update();
    },
  };
}
