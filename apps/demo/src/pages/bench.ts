import type { Chart } from "chart.js";
import { barChart } from "../ui/chart";
import { el, formatMs, setStatus, type Page } from "../ui/page";
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
    const cancel = el("button", { "data-role": "cancel" }, "Cancel");
    const progress = el("progress", { max: "1", value: "0" });
    root.append(el("div", { class: "controls" }), el("div", { "data-role": "status", class: "status" }));
    root.querySelector(".controls")!.append(select, run, cancel, progress);
    const variantLine = el("p", { "data-role": "variant" });
    const table = el("table", { "data-role": "results" });
    const canvasBox = el("div", { class: "chart" });
    const canvas = el("canvas");
    canvasBox.append(canvas);
    root.append(variantLine, table, canvasBox);

    let worker: Worker | null = null;
    let chart: Chart | null = null;

    const stop = () => {
      worker?.terminate();
      worker = null;
    };

    const start = () => {
      stop();
      const rows: BenchRow[] = [];
      table.replaceChildren();
      chart?.destroy();
      chart = null;
      progress.value = 0;
      setStatus(root, "running", "starting…");
      const w = new Worker(new URL("../workers/bench.worker.ts", import.meta.url), { type: "module" });
      worker = w;
      w.onmessage = (e: MessageEvent<BenchMessage>) => {
        const m = e.data;
        if (m.type === "variants") {
          variantLine.textContent = `This browser runs the ${m.best} variant (available: ${m.available.join(", ")}).`;
        } else if (m.type === "progress") {
          progress.value = m.done / m.total;
          setStatus(root, "running", `running ${m.label} (${m.done + 1} of ${m.total})…`);
        } else if (m.type === "row") {
          rows.push(m.row);
          renderTable(table, rows);
        } else if (m.type === "done") {
          progress.value = 1;
          chart = barChart(
            canvas,
            rows.map((r) => `${r.case} ${r.size}`),
            [
              { label: "simd speed-up", data: rows.map((r) => r.js / r.simd) },
              ...(rows.some((r) => r.relaxed !== null) ? [{ label: "relaxed-simd speed-up", data: rows.map((r) => (r.relaxed ? r.js / r.relaxed : 0)) }] : []),
            ],
            "TypeScript time / WASM time",
          );
          setStatus(root, "done", `done: ${rows.length} cases`);
          stop();
        } else if (m.type === "error") {
          setStatus(root, "error", m.message);
          stop();
        }
      };
      w.onerror = (e) => {
        setStatus(root, "error", `worker failed: ${e.message}`);
        stop();
      };
      w.postMessage(presets[select.value]);
    };

    run.addEventListener("click", start);
    select.addEventListener("change", start);
    cancel.addEventListener("click", () => {
      if (!worker) return;
      stop();
      setStatus(root, "done", "cancelled");
    });
    start();
    return () => {
      stop();
      chart?.destroy();
    };
  },
};

function renderTable(table: HTMLTableElement, rows: BenchRow[]): void {
  const head = ["case", "size", "TypeScript", "WASM simd", "WASM relaxed-simd", "best speed-up", "max rel. diff vs TS"];
  table.replaceChildren();
  const tr = el("tr");
  for (const h of head) tr.append(el("th", {}, h));
  table.append(tr);
  for (const r of rows) {
    const best = Math.min(r.simd, r.relaxed ?? Infinity);
    const cells = [r.case, r.size, formatMs(r.js), formatMs(r.simd), r.relaxed === null ? "n/a" : formatMs(r.relaxed), `${(r.js / best).toFixed(1)}×`, r.maxRelDiff.toExponential(1)];
    const row = el("tr");
    for (const c of cells) row.append(el("td", {}, c));
    table.append(row);
  }
}
