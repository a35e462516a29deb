import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Title, Tooltip } from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Title, Tooltip);

/** Curves against iteration number, one per series, on a log y axis. */
export function lineChart(canvas: HTMLCanvasElement, yTitle: string): { chart: Chart; add(label: string, ys: number[]): void } {
  const colors = ["#0b57d0", "#e8710a", "#188038", "#a142f4"];
  const chart = new Chart(canvas, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: "linear", title: { display: true, text: "iteration" } },
        y: { type: "logarithmic", title: { display: true, text: yTitle } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
  return {
    chart,
    add(label, ys) {
      const c = colors[chart.data.datasets.length % colors.length];
      chart.data.datasets.push({ label, data: ys.map((y, i) => ({ x: i + 1, y })), borderColor: c, backgroundColor: c, pointRadius: 2 });
      chart.update();
    },
  };
}
