import type { UpdateMethod } from "@lowrank/svd-update";
import { dataBase } from "../data/csr";
import { el, formatMs, type Page } from "../ui/page";
import { fillTable, PageWorker } from "../ui/page-worker";
import { scatterChart } from "../ui/scatter";
import type { SvdUpdateMessage, SvdUpdateRequest } from "../workers/svd-update-protocol";

const METHODS: UpdateMethod[] = ["deng", "zha-simon", "vecharynski", "yamazaki", "deng-gkl", "deng-rpi"];
const ERAS: Array<[string, number, number]> = [["1790-1849", 1790, 1849], ["1850-1899", 1850, 1899], ["1900-1949", 1900, 1949], ["1950-1999", 1950, 1999], ["2000-2021", 2000, 2100]];

/** #/svd-update: the State of the Union corpus streamed year by year into an updatable truncated SVD. */
export const svdUpdatePage: Page = {
  path: "svd-update",
  title: "SVD updating",
  mount(root) {
    root.append(
      el("h2", {}, "An LSA space that keeps up: State of the Union addresses, 1790-2021"),
      el(
        "p",
        {},
        "The tf-idf matrix of every address (rows, in year order) starts as a rank-k truncated SVD of the first half; the rest arrive one year at a time and are folded in by @lowrank/svd-update without recomputing. The map shows each address on singular directions 2 and 3 as the years come in; the table then times every update method over the same stream against one fresh truncated SVD of the final matrix.",
      ),
    );
    const rank = el("select", { "data-role": "rank", "aria-label": "rank" });
    for (const k of [8, 16, 32]) rank.append(el("option", { value: String(k), ...(k === 16 ? { selected: "" } : {}) }, `rank ${k}`));
    const method = el("select", { "data-role": "method", "aria-label": "method drawn" });
    for (const m of METHODS) method.append(el("option", { value: m }, `map: ${m}`));
    const canvasBox = el("div", { class: "chart" });
    const canvas = el("canvas");
    canvasBox.append(canvas);
    const summary = el("p", { "data-role": "summary" });
    const table = el("table", { "data-role": "results" });
    const map = scatterChart(canvas, "s₂ u₂", "s₃ u₃");

    const job = new PageWorker<SvdUpdateRequest, SvdUpdateMessage>(
      root,
      () => new Worker(new URL("../workers/svd-update.worker.ts", import.meta.url), { type: "module" }),
      (m) => {
        if (m.type === "snapshot") {
          map.set(
            ERAS.map(([label, a, b]) => ({ label, points: Array.from(m.years, (y, i) => ({ y, i })).filter(({ y }) => y >= a && y <= b).map(({ i }) => ({ x: m.x[i], y: m.y[i] })) })),
            `${m.rows} addresses, through ${m.year} (${method.value})`,
          );
        } else if (m.type === "methods") {
          summary.textContent = `Start: rank-${rank.value} SVD of the first ${m.startRows} addresses; then ${m.totalRows - m.startRows} more in yearly batches (${m.cols} terms). A fresh truncated SVD of all ${m.totalRows} took ${formatMs(m.freshMs)} (its own largest residual ${m.freshResidual.toExponential(1)}).`;
          fillTable(
            table,
            ["method", "updates", "total update time", "max singular-value error vs fresh", "max residual ‖Av − su‖/s"],
            m.rows.map((r) => [r.method, String(r.updates), formatMs(r.ms), r.svError.toExponential(2), r.residual.toExponential(2)]),
          );
        }
      },
    );
    const controls = el("div", { class: "controls" });
    controls.append(rank, method, job.cancelButton, job.progress);
    root.append(controls, el("div", { "data-role": "status", class: "status" }), canvasBox, summary, table);

    const start = () => {
      table.replaceChildren();
      summary.textContent = "";
      job.start({ base: dataBase(), rank: Number(rank.value), method: method.value as UpdateMethod, compare: METHODS });
    };
    rank.addEventListener("change", start);
    method.addEventListener("change", start);
    start();
    return () => {
      job.stop();
      map.chart.destroy();
    };
  },
};
