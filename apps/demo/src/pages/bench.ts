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

/** The table's cells of one row; `n` is the threads of the pool (1: no pool here). */
function cells(r: BenchRow, n: number): string[] {
  const t = r.threads;
  const pending = n > 1 ? "…" : "n/a";
  return [
    r.pkg, r.case, `${speedUp(r).toFixed(1)}×`, t ? `${t.gain.toFixed(2)}×` : pending, t ? `${t.speedUp.toFixed(1)}×` : pending,
    spread(r.js), spread(r.simd), r.relaxed ? spread(r.relaxed) : "n/a", t ? spread(t.time) : pending,
    r.size, Math.max(r.maxRelDiff, t?.maxRelDiff ?? 0).toExponential(1), t ? (t.sameBits ? "yes" : "no") : pending,
  ];
}

/** #/bench: each package's main algorithm, WASM (simd, relaxed-simd; one thread, then the pool) against the TypeScript twin, measured in this browser. */
export const benchPage = workerPage<BenchRequest, BenchMessage>(
  {
    path: "bench",
    title: "Benchmarks",
    heading: "WASM vs TypeScript, in your browser",
    intro:
      "Each package's main algorithm runs on the same inputs with its plain-TypeScript twin and with each WebAssembly variant this browser supports on one thread, then with the default variant on every thread this page may use (a pool of Web Workers, where the page is cross-origin isolated), in a Web Worker. After warm-up, each variant is timed in rounds of one TypeScript run and one WASM run, so that a busy moment slows both alike: at least 5 rounds (3 on medium problems), more for fast cases until 300 ms have passed. Times (min / median / max) include copying data into and out of WASM memory; a speed-up is the median over rounds of the TypeScript time over the WASM time (one thread: the faster variant), and N threads vs 1 is the default variant's median one-thread time over its median N-thread time. Small problems, and steps that do not split across threads, run on one thread even with a pool; results are the same bits at any thread count. The home page shows this browser's last run.",
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
    let n = 1;
    let chart: Chart | null = null;
    const draw = () =>
      fillTable(
        table,
        [
          "package", "case", "speed-up, 1 thread", `${n} threads vs 1`, `speed-up, ${n} threads`, "TypeScript min / median / max", "WASM simd, 1 thread",
          "WASM relaxed-simd, 1 thread", `WASM ${best}, ${n} threads`, "size", "max rel. diff vs TS", `same bits at ${n} threads as at 1`,
        ],
        rows.map((r) => cells(r, n)),
      );
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
          n = m.threads;
          const threads = m.threads > 1 ? `, and ${m.threads} threads` : `, on one thread (${m.note ?? "this machine has one core"})`;
          variantLine.textContent = `This browser runs the ${m.best} variant by default (available: ${m.available.join(", ")})${threads}.`;
        } else if (m.type === "row") {
          rows.push(m.row);
          draw();
        } else {
          rows[m.index] = { ...rows[m.index], threads: m.threads };
          draw();
        }
      },
      doneText() {
        saveBench({ when: new Date().toISOString(), variant: best, threads: n, preset: preset.value, rows });
        chart = barChart(
          canvas,
          rows.map((r) => r.case),
          [
            { label: "simd speed-up", data: rows.map((r) => r.speedUp.simd) },
            ...(rows.some((r) => r.relaxed) ? [{ label: "relaxed-simd speed-up", data: rows.map((r) => r.speedUp.relaxed ?? 0) }] : []),
            ...(n > 1 ? [{ label: `${best} speed-up, ${n} threads`, data: rows.map((r) => r.threads?.speedUp ?? 0) }] : []),
          ],
          "TypeScript time / WASM time",
        );
        return `done: ${rows.length} cases`;
      },
      dispose: () => chart?.destroy(),
    };
  },
);
