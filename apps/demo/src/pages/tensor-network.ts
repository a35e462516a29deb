import { dataBase } from "../data/csr";
import { el, formatMs, setStatus, type Page } from "../ui/page";
import type { Reconstruction, ShapeRow, TensorMessage } from "../workers/tensor-protocol";

const RATIOS = [5, 10, 20, 40, 80];

/** #/tensor-network: one photograph compressed four ways at a parameter budget chosen with a slider. */
export const tensorNetworkPage: Page = {
  path: "tensor-network",
  title: "Tensor networks",
  mount(root) {
    root.append(
      el("h2", {}, "One photograph, four tensor networks, one parameter budget"),
      el(
        "p",
        {},
        "The photograph (Nagasaki boats, downsampled 4× to an h × w × 3 tensor) is compressed by Tucker, CP, tensor train and tensor ring with @lowrank/tensor-network, each given the same number of parameters. Tucker's core shape comes from the approximately optimal core-shape solvers of Ghadiri et al. (2023).",
      ),
    );
    const slider = el("input", { type: "range", min: "0", max: String(RATIOS.length - 1), step: "1", value: "2", "data-role": "ratio", "aria-label": "compression ratio" });
    const label = el("span", { "data-role": "ratio-label" });
    const cancel = el("button", { "data-role": "cancel" }, "Cancel");
    const progress = el("progress", { max: "1", value: "0" });
    const controls = el("div", { class: "controls" });
    controls.append(el("label", {}, "compression "), slider, label, cancel, progress);
    const gallery = el("div", { class: "gallery", "data-role": "gallery" });
    const table = el("table", { "data-role": "results" });
    const shapes = el("table", { "data-role": "shapes" });
    root.append(controls, el("div", { "data-role": "status", class: "status" }), gallery, el("h3", {}, "Reconstructions"), table, el("h3", {}, "Tucker core shape by solver"), shapes);

    let worker: Worker | null = null;
    const stop = () => {
      worker?.terminate();
      worker = null;
    };
    const start = () => {
      stop();
      const ratio = RATIOS[Number(slider.value)];
      label.textContent = `${ratio}× fewer numbers`;
      gallery.replaceChildren();
      table.replaceChildren();
      shapes.replaceChildren();
      const results: Reconstruction[] = [];
      setStatus(root, "running", "loading the photograph…");
      const w = new Worker(new URL("../workers/tensor.worker.ts", import.meta.url), { type: "module" });
      worker = w;
      w.onmessage = (e: MessageEvent<TensorMessage>) => {
        const m = e.data;
        if (m.type === "image") {
          gallery.append(figure(m.rgba, m.h, m.w, `original (${(m.h * m.w * 3).toLocaleString()} numbers; budget ${m.budget.toLocaleString()})`));
          (gallery as HTMLElement & { dims?: [number, number] }).dims = [m.h, m.w];
        } else if (m.type === "progress") {
          progress.value = m.done / m.total;
          setStatus(root, "running", `${m.label}…`);
        } else if (m.type === "shapes") {
          renderShapes(shapes, m.rows);
        } else if (m.type === "result") {
          const [h, wd] = (gallery as HTMLElement & { dims?: [number, number] }).dims!;
          gallery.append(figure(m.result.rgba, h, wd, `${m.result.method}: PSNR ${m.result.psnr.toFixed(1)} dB`));
          results.push(m.result);
          renderResults(table, results);
        } else if (m.type === "done") {
          progress.value = 1;
          setStatus(root, "done", `done at ${ratio}× compression`);
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
      w.postMessage({ base: dataBase(), ratio });
    };
    slider.addEventListener("change", start);
    cancel.addEventListener("click", () => {
      if (!worker) return;
      stop();
      setStatus(root, "done", "cancelled");
    });
    start();
    return stop;
  },
};

function figure(rgba: Uint8ClampedArray, h: number, w: number, caption: string): HTMLElement {
  const fig = el("figure");
  const canvas = el("canvas", { width: String(w), height: String(h) });
  canvas.getContext("2d")!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  fig.append(canvas, el("figcaption", {}, caption));
  return fig;
}

function renderResults(table: HTMLTableElement, rows: Reconstruction[]): void {
  table.replaceChildren();
  const head = el("tr");
  for (const h of ["method", "structure", "parameters", "compression", "relative error", "PSNR", "time"]) head.append(el("th", {}, h));
  table.append(head);
  for (const r of rows) {
    const tr = el("tr");
    for (const c of [r.method, r.structure, r.parameters.toLocaleString(), `${r.ratio.toFixed(1)}×`, r.error.toFixed(4), `${r.psnr.toFixed(2)} dB`, formatMs(r.ms)]) tr.append(el("td", {}, c));
    table.append(tr);
  }
}

function renderShapes(table: HTMLTableElement, rows: ShapeRow[]): void {
  table.replaceChildren();
  const head = el("tr");
  for (const h of ["solver", "core shape", "parameters", "HOSVD error bound", "time"]) head.append(el("th", {}, h));
  table.append(head);
  for (const r of rows) {
    const tr = el("tr");
    for (const c of [r.solver, `(${r.rank.join(", ")})`, r.parameters.toLocaleString(), r.errorBound.toFixed(4), formatMs(r.ms)]) tr.append(el("td", {}, c));
    table.append(tr);
  }
}
