import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

/** A grouped bar chart: one group per label, one bar per series. */
export function barChart(canvas: HTMLCanvasElement, labels: string[], series: Array<{ label: string; data: number[] }>, yTitle: string): Chart {
  const colors = ["#0b57d0", "#e8710a", "#188038", "#a142f4"];
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: colors[i % colors.length] })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}
