import type { UpdateMethod } from "@lowrank/svd-update";
import { dataBase } from "../data/csr";
import { chartBox } from "../ui/chart";
import { el, formatMs, select } from "../ui/page";
import { fillTable } from "../ui/page-worker";
import { scatterChart } from "../ui/scatter";
import { workerPage } from "../ui/worker-page";
import type { SvdUpdateMessage, SvdUpdateRequest } from "../workers/svd-update-protocol";

const METHODS: UpdateMethod[] = ["deng", "zha-simon", "vecharynski", "yamazaki", "deng-gkl", "deng-rpi"];
const ERAS: Array<[string, number, number]> = [["1790-1849", 1790, 1849], ["1850-1899", 1850, 1899], ["1900-1949", 1900, 1949], ["1950-1999", 1950, 1999], ["2000-2021", 2000, 2100]];

/** #/svd-update: the State of the Union corpus streamed year by year into an updatable truncated SVD. */
export const svdUpdatePage = workerPage<SvdUpdateRequest, SvdUpdateMessage>(
  {
    path: "svd-update",
    title: "SVD updating",
    heading: "An LSA space that keeps up: State of the Union addresses, 1790-2021",
    intro:
      "The tf-idf matrix of every address (rows, in year order) starts as a rank-k truncated SVD of the first half; the rest arrive one year at a time and are folded in by @lowrank/svd-update without recomputing. The map shows each address on singular directions 2 and 3 as the years come in; the table then times every update method over the same stream, and auto (which picks a method or a recompute per batch by a cost model), against one recompute: a fresh truncated SVD of the final matrix by the package's default Lanczos method, accurate to its residual shown below.",
    worker: () => new Worker(new URL("../workers/svd-update.worker.ts", import.meta.url), { type: "module" }),
  },
  () => {
    const rank = select("rank", "rank", [8, 16, 32], (k) => `rank ${k}`, 16);
    const method = select("method", "method drawn", METHODS, (m) => `map: ${m}`);
    const { box, canvas } = chartBox();
    const summary = el("p", { "data-role": "summary" });
    const table = el("table", { "data-role": "results" });
    const why = el(
      "p",
      { "data-role": "why" },
      "Why the update methods agree: each folds a year's rows into the rank-k factors it already has, so all of them compute the same rank-k SVD of the same updated matrix (the rank-k approximation kept so far, the new rows below it) up to rounding, and their shared error against the recompute is what truncating to rank k threw away, not a fault of any one method. They differ in time, and the approximate methods (deng-gkl, deng-rpi, vecharynski, yamazaki) would differ in error only on batches with more rows than their approximation rank (default k); these yearly batches have one or two.",
    );
    const map = scatterChart(canvas, "s₂ u₂", "s₃ u₃");
    return {
      controls: [rank, method],
      rerunOn: [rank, method],
      body: [box, summary, table, why],
      request: () => ({ base: dataBase(), rank: Number(rank.value), method: method.value as UpdateMethod, compare: [...METHODS, "auto"] }),
      reset() {
        table.replaceChildren();
        summary.textContent = "";
      },
      handle(m) {
        if (m.type === "snapshot") {
          map.set(
            ERAS.map(([label, a, b]) => ({ label, points: Array.from(m.years, (y, i) => ({ y, i })).filter(({ y }) => y >= a && y <= b).map(({ i }) => ({ x: m.x[i], y: m.y[i] })) })),
            `${m.rows} addresses, through ${m.year} (${method.value})`,
          );
        } else {
          const f = m.freshCheck;
          summary.textContent = `Start: rank-${rank.value} SVD of the first ${m.startRows} addresses; then ${m.totalRows - m.startRows} more in yearly batches (${m.cols} terms), each method over the same stream. The recompute is truncatedSvd's default method (${f.method}, ${f.iterations} restart${f.iterations === 1 ? "" : "s"}): its largest residual is ${f.residual.toExponential(1)} s₁, so it is the exact rank-${rank.value} SVD to that accuracy.`;
          fillTable(
            table,
            ["method", "updates", "total time", "max singular-value error vs recompute", "max residual ‖Av − su‖/s"],
            [
              ...m.rows.map((r) => [r.note ? `${r.method} (${r.note})` : r.method, String(r.updates), formatMs(r.ms), r.svError.toExponential(2), r.residual.toExponential(2)]),
              [`recompute: fresh truncated SVD (${m.freshCheck.method}) of the final matrix`, "0", formatMs(m.freshMs), "0 (the reference)", m.freshResidual.toExponential(2)],
            ],
          );
        }
      },
      dispose: () => map.chart.destroy(),
    };
  },
);
