import type { UpdateMethod } from "@lowrank/svd-update";
import { dataBase } from "../data/csr";
import { el, formatMs, setStatus, type Page } from "../ui/page";
import { scatterChart } from "../ui/scatter";
import type { MethodRow, SvdUpdateMessage } from "../workers/svd-update-protocol";

const METHODS: UpdateMethod[] = ["deng", "zha-simon", "vecharynski", "yamazaki", "deng-gkl", "deng-rpi"];

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
    const cancel = el("button", { "data-role": "cancel" }, "Cancel");
    const progress = el("progress", { max: "1", value: "0" });
    const controls = el("div", { class: "controls" });
    controls.append(rank, method, cancel, progress);
    const canvasBox = el("div", { class: "chart" });
    const canvas = el("canvas");
    canvasBox.append(canvas);
    const summary = el("p", { "data-role": "summary" });
    const table = el("table", { "data-role": "results" });
    root.append(controls, el("div", { "data-role": "status", class: "status" }), canvasBox, summary, table);
    const map = scatterChart(canvas, "s₂ u₂", "s₃ u₃");

    let worker: Worker | null = null;
    const stop = () => {
      worker?.terminate();
      worker = null;
    };
    const start = () => {
      stop();
      table.replaceChildren();
      summary.textContent = "";
      setStatus(root, "running", "loading…");
      const w = new Worker(new URL("../workers/svd-update.worker.ts", import.meta.url), { type: "module" });
      worker = w;
      w.onmessage = (e: MessageEvent<SvdUpdateMessage>) => {
        const m = e.data;
        if (m.type === "progress") {
          progress.value = m.done / m.total;
          setStatus(root, "running", `${m.label}…`);
        } else if (m.type === "snapshot") {
          const eras: Array<[string, number, number]> = [["1790-1849", 1790, 1849], ["1850-1899", 1850, 1899], ["1900-1949", 1900, 1949], ["1950-1999", 1950, 1999], ["2000-2021", 2000, 2100]];
          map.set(
            eras.map(([label, a, b]) => ({ label, points: Array.from(m.years, (y, i) => ({ y, i })).filter(({ y }) => y >= a && y <= b).map(({ i }) => ({ x: m.x[i], y: m.y[i] })) })),
            `${m.rows} addresses, through ${m.year} (${method.value})`,
          );
        } else if (m.type === "methods") {
          summary.textContent = `Start: rank-${rank.value} SVD of the first ${m.startRows} addresses; then ${m.totalRows - m.startRows} more in yearly batches (${m.cols} terms). A fresh truncated SVD of all ${m.totalRows} took ${formatMs(m.freshMs)} (its own largest residual ${m.freshResidual.toExponential(1)}).`;
          renderTable(table, m.rows);
        } else if (m.type === "done") {
          progress.value = 1;
          setStatus(root, "done", "done");
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
      w.postMessage({ base: dataBase(), rank: Number(rank.value), method: method.value, compare: METHODS });
    };
    rank.addEventListener("change", start);
    method.addEventListener("change", start);
    cancel.addEventListener("click", () => {
      if (!worker) return;
      stop();
      setStatus(root, "done", "cancelled");
    });
    start();
    return () => {
      stop();
      map.chart.destroy();
    };
  },
};

function renderTable(table: HTMLTableElement, rows: MethodRow[]): void {
  table.replaceChildren();
  const head = el("tr");
  for (const h of ["method", "updates", "total update time", "max singular-value error vs fresh", "max residual ‖Av − su‖/s"]) head.append(el("th", {}, h));
  table.append(head);
  for (const r of rows) {
    const tr = el("tr");
    for (const c of [r.method, String(r.updates), formatMs(r.ms), r.svError.toExponential(2), r.residual.toExponential(2)]) tr.append(el("td", {}, c));
    table.append(tr);
  }
}
