import type { Chart } from "chart.js";
import { barChart } from "../ui/chart";
import { el, formatMs, type Page } from "../ui/page";
import { fillTable, PageWorker } from "../ui/page-worker";
import type { BenchMessage, BenchRequest, BenchRow } from "../workers/bench-protocol";

const presets: Record<string, BenchRequest> = {
  small: { gemmSizes: [64, 128], svdShapes: [[200, 40]] },
  medium: { gemmSizes: [128, 256], svdShapes: [[400, 80]] },
  large: { gemmSizes: [256, 512], svdShapes: [[1000, 200]] },
};

/** #/bench: WASM (simd, relaxed-simd) against the TypeScript reference, measured in this browser. */
export const benchPage: Page = {
  path: "bench",
  title: "Benchmarks",
  mount(root) {
    root.append(
      el("h2", {}, "WASM vs TypeScript, in your browser"),
      el("p", {}, "Each case runs the same @lowrank/linalg call with the plain-TypeScript reference and with each WebAssembly variant this browser supports, in a Web Worker. Times are medians after warm-up and include copying data into and out of WASM memory."),
    );
    const select = el("select", { "data-role": "preset", "aria-label": "problem sizes" });
    for (const k of Object.keys(presets)) select.append(el("option", { value: k }, `${k}: gemm ${presets[k].gemmSizes.join(", ")}; svd ${presets[k].svdShapes.map((s) => s.join("×")).join(", ")}`));
    const run = el("button", { "data-role": "run" }, "Run");
    const variantLine = el("p", { "data-role": "variant" });
    const table = el("table", { "data-role": "results" });
    const canvasBox = el("div", { class: "chart" });
    const canvas = el("canvas");
    canvasBox.append(canvas);

    let rows: BenchRow[] = [];
    let chart: Chart | null = null;
    const job = new PageWorker<BenchRequest, BenchMessage>(
      root,
      () => new Worker(new URL("../workers/bench.worker.ts", import.meta.url), { type: "module" }),
      (m) => {
        if (m.type === "variants") variantLine.textContent = `This browser runs the ${m.best} variant (available: ${m.available.join(", ")}).`;
        else if (m.type === "row") {
          rows.push(m.row);
          renderTable(table, rows);
        }
      },
      () => {
        chart = barChart(
          canvas,
          rows.map((r) => `${r.case} ${r.size}`),
          [
            { label: "simd speed-up", data: rows.map((r) => r.js / r.simd) },
            ...(rows.some((r) => r.relaxed !== null) ? [{ label: "relaxed-simd speed-up", data: rows.map((r) => (r.relaxed ? r.js / r.relaxed : 0)) }] : []),
          ],
          "TypeScript time / WASM time",
        );
        return `done: ${rows.length} cases`;
      },
    );
    const controls = el("div", { class: "controls" });
    controls.append(select, run, job.cancelButton, job.progress);
    root.append(controls, el("div", { "data-role": "status", class: "status" }), variantLine, table, canvasBox);

    const start = () => {
      rows = [];
      table.replaceChildren();
      chart?.destroy();
      chart = null;
      job.start(presets[select.value]);
    };
    run.addEventListener("click", start);
    select.addEventListener("change", start);
    start();
    return () => {
      job.stop();
      chart?.destroy();
    };
  },
};

function renderTable(table: HTMLTableElement, rows: BenchRow[]): void {
  fillTable(
    table,
    ["case", "size", "TypeScript", "WASM simd", "WASM relaxed-simd", "best speed-up", "max rel. diff vs TS"],
    rows.map((r) => [r.case, r.size, formatMs(r.js), formatMs(r.simd), r.relaxed === null ? "n/a" : formatMs(r.relaxed), `${(r.js / Math.min(r.simd, r.relaxed ?? Infinity)).toFixed(1)}×`, r.maxRelDiff.toExponential(1)]),
  );
}
