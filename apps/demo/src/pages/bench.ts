import type { Chart } from "chart.js";
import type { Preset } from "../bench/cases";
import { saveBench, speedUp } from "../bench/store";
import { barChart, chartBox } from "../ui/chart";
import { el, formatMs, select } from "../ui/page";
import { fillTable } from "../ui/page-worker";
import { workerPage } from "../ui/worker-page";
import type { BenchMessage, BenchRequest, BenchRow, Spread } from "../workers/bench-protocol";

const PRESETS: Record<Preset, { runs: number; text: string }> = {
  small: { runs: 5, text: "small problems, 5 runs or more each" },
  medium: { runs: 3, text: "medium problems (about 2× per side), 3 runs or more each" },
};

const spread = (s: Spread) => `${formatMs(s.min)} / ${formatMs(s.median)} / ${formatMs(s.max)}`;

/** #/bench: each package's main algorithm, WASM (simd, relaxed-simd) against the TypeScript twin, measured in this browser. */
export const benchPage = workerPage<BenchRequest, BenchMessage>(
  {
    path: "bench",
    title: "Benchmarks",
    heading: "WASM vs TypeScript, in your browser",
    intro:
      "Each package's main algorithm runs on the same inputs with its plain-TypeScript twin and with each WebAssembly variant this browser supports, on one thread, in a Web Worker. After warm-up, each variant is timed in rounds of one TypeScript run and one WASM run, so that a busy moment slows both alike: at least 5 rounds (3 on medium problems), more for fast cases until 300 ms have passed. Times (min / median / max) include copying data into and out of WASM memory; the speed-up is the median over rounds of the TypeScript time over the WASM time, for the faster variant. The home page shows this browser's last run.",
    worker: () => new Worker(new URL("../workers/bench.worker.ts", import.meta.url), { type: "module" }),
  },
  () => {
    const preset = select<Preset>("preset", "problem sizes", ["small", "medium"], (p) => PRESETS[p].text);
    const run = el("button", { "data-role": "run" }, "Run");
    const variantLine = el("p", { "data-role": "variant" });
    const table = el("table", { "data-role": "results" });
    const { box, canvas } = chartBox();
    let rows: BenchRow[] = [];
    let best = "";
    let chart: Chart | null = null;
    return {
      controls: [preset, run],
      rerunOn: [preset, run],
      body: [variantLine, table, box],
      request: () => ({ preset: preset.value as Preset, runs: PRESETS[preset.value as Preset].runs }),
      reset() {
        rows = [];
        table.replaceChildren();
        chart?.destroy();
        chart = null;
      },
      handle(m) {
        if (m.type === "variants") {
          best = m.best;
          variantLine.textContent = `This browser runs the ${m.best} variant by default (available: ${m.available.join(", ")}).`;
        } else {
          rows.push(m.row);
          fillTable(
            table,
            ["package", "case", "speed-up", "TypeScript min / median / max", "WASM simd", "WASM relaxed-simd", "size", "max rel. diff vs TS"],
            rows.map((r) => [r.pkg, r.case, `${speedUp(r).toFixed(1)}×`, spread(r.js), spread(r.simd), r.relaxed ? spread(r.relaxed) : "n/a", r.size, r.maxRelDiff.toExponential(1)]),
          );
        }
      },
      doneText() {
        saveBench({ when: new Date().toISOString(), variant: best, preset: preset.value, rows });
        chart = barChart(
          canvas,
          rows.map((r) => r.case),
          [
            { label: "simd speed-up", data: rows.map((r) => r.speedUp.simd) },
            ...(rows.some((r) => r.relaxed) ? [{ label: "relaxed-simd speed-up", data: rows.map((r) => r.speedUp.relaxed ?? 0) }] : []),
          ],
          "TypeScript time / WASM time",
        );
        return `done: ${rows.length} cases`;
      },
      dispose: () => chart?.destroy(),
    };
  },
);
