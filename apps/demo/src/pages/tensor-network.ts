import { dataBase } from "../data/csr";
import { el, formatMs } from "../ui/page";
import { figure, fillTable } from "../ui/page-worker";
import { workerPage } from "../ui/worker-page";
import type { Reconstruction, TensorMessage, TensorRequest } from "../workers/tensor-protocol";

const RATIOS = [5, 10, 20, 40, 80];

/** #/tensor-network: one photograph compressed four ways at a parameter budget chosen with a slider. */
export const tensorNetworkPage = workerPage<TensorRequest, TensorMessage>(
  {
    path: "tensor-network",
    title: "Tensor networks",
    heading: "One photograph, four tensor networks, one parameter budget",
    intro:
      "The photograph (Nagasaki boats, downsampled 4× to an h × w × 3 tensor) is compressed by Tucker, CP, tensor train and tensor ring with @lowrank/tensor-network, each given the same number of parameters. Tucker's core shape comes from the approximately optimal core-shape solvers of Ghadiri et al. (2023).",
    worker: () => new Worker(new URL("../workers/tensor.worker.ts", import.meta.url), { type: "module" }),
  },
  () => {
    const slider = el("input", { type: "range", min: "0", max: String(RATIOS.length - 1), step: "1", value: "2", "data-role": "ratio", "aria-label": "compression ratio" });
    const label = el("span", { "data-role": "ratio-label" });
    const gallery = el("div", { class: "gallery", "data-role": "gallery" });
    const table = el("table", { "data-role": "results" });
    const shapes = el("table", { "data-role": "shapes" });
    const ratio = () => RATIOS[Number(slider.value)];
    let results: Reconstruction[] = [];
    let dims: [number, number] = [0, 0];
    return {
      controls: [el("label", {}, "compression "), slider, label],
      rerunOn: [slider],
      body: [gallery, el("h3", {}, "Reconstructions"), table, el("h3", {}, "Tucker core shape by solver"), shapes],
      request: () => ({ base: dataBase(), ratio: ratio() }),
      reset() {
        label.textContent = `${ratio()}× fewer numbers`;
        results = [];
        gallery.replaceChildren();
        table.replaceChildren();
        shapes.replaceChildren();
      },
      handle(m) {
        if (m.type === "image") {
          dims = [m.h, m.w];
          gallery.append(figure(m.rgba, m.h, m.w, `original (${(m.h * m.w * 3).toLocaleString()} numbers; budget ${m.budget.toLocaleString()})`));
        } else if (m.type === "shapes") {
          fillTable(shapes, ["solver", "core shape", "parameters", "HOSVD error bound", "time"], m.rows.map((r) => [r.solver, `(${r.rank.join(", ")})`, r.parameters.toLocaleString(), r.errorBound.toFixed(4), formatMs(r.ms)]));
        } else {
          const r = m.result;
          gallery.append(figure(r.rgba, dims[0], dims[1], `${r.method}: PSNR ${r.psnr.toFixed(1)} dB`));
          results.push(r);
          fillTable(
            table,
            ["method", "structure", "parameters", "compression", "relative error", "PSNR", "time"],
            results.map((x) => [x.method, x.structure, x.parameters.toLocaleString(), `${x.ratio.toFixed(1)}×`, x.error.toFixed(4), `${x.psnr.toFixed(2)} dB`, formatMs(x.ms)]),
          );
        }
      },
      doneText: () => `done at ${ratio()}× compression`,
    };
  },
);
