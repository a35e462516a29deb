// Compresses one photograph with Tucker, CP, tensor train and tensor ring at
// the same parameter budget, and compares the Tucker core-shape solvers.
import { coreShape, cp, parameterCount, reconstruct, relativeError, tensorRing, tensorTrain, tucker, type Decomposition } from "@lowrank/tensor-network";
import { fetchImage, psnr, toRgba } from "../data/image";
import { serve } from "./serve";
import type { Reconstruction, ShapeRow, TensorMessage, TensorRequest } from "./tensor-protocol";


serve<TensorRequest, TensorMessage>(async ({ base, ratio }, post) => {
  const X = await fetchImage(base, "boats.jpg", 4);
  const [h, w, c] = X.shape;
  const entries = h * w * c;
  const budget = Math.floor(entries / ratio);
  const original = toRgba(X.data, h, w, 3);
  post({ type: "image", h, w, rgba: original, budget }, [original.buffer]);
  const total = 8;
  let step = 0;
  const progress = (label: string) => post({ type: "progress", done: step++, total, label });

  // Tucker's core shape under the budget, by each solver of Ghadiri et al. (2023).
  const shapes: ShapeRow[] = [];
  for (const solver of ["greedy", "bang-for-buck", "exact"] as const) {
    progress(`core shape (${solver})`);
    const t = performance.now();
    const r = await coreShape(X, { budget, solver });
    shapes.push({ solver, rank: r.rank, parameters: r.parameters, errorBound: r.errorBound, ms: performance.now() - t });
  }
  post({ type: "shapes", rows: shapes });

  const fits: Array<[string, () => Promise<Decomposition>, (d: Decomposition) => string]> = [
    ["Tucker (HOOI, exact core shape)", () => tucker(X, { rank: shapes[2].rank, method: "hooi", maxIter: 10 }), () => `(${shapes[2].rank.join(", ")})`],
    ["CP (ALS)", () => cp(X, { rank: Math.max(1, Math.floor(budget / (h + w + c + 1))), maxIter: 30, seed: 1 }), (d) => `rank ${(d as { weights: Float64Array }).weights.length}`],
    ["Tensor train (TT-SVD)", () => largestWithin(budget, (r) => tensorTrain(X, { maxRank: r, eps: 0 })), bondRanks],
    ["Tensor ring (TR-ALS)", () => {
      const r = Math.max(1, Math.floor(Math.sqrt(budget / (h + w + c))));
      return tensorRing(X, { rank: [r, r, r], method: "als", maxIter: 15, seed: 1 });
    }, bondRanks],
  ];
  for (const [method, fit, structure] of fits) {
    progress(method);
    const t = performance.now();
    const d = await fit();
    const ms = performance.now() - t;
    const Y = reconstruct(d);
    const rgba = toRgba(Y.data, h, w, 3);
    const parameters = parameterCount(d);
    const result: Reconstruction = { method, structure: structure(d), parameters, ratio: entries / parameters, error: relativeError(X, Y), psnr: psnr(Y.data, X.data), ms, rgba };
    post({ type: "result", result }, [rgba.buffer]);
  }
});

/** Bond ranks of a TT or TR decomposition, from its cores' first dimensions. */
function bondRanks(d: Decomposition): string {
  const cores = (d as { cores: Array<{ shape: number[] }> }).cores;
  return `ranks (${cores.map((g) => g.shape[0]).join(", ")}, ${cores[cores.length - 1].shape[2]})`;
}

/** The largest maxRank whose decomposition fits the budget (parameter count grows with the rank). */
async function largestWithin(budget: number, fit: (r: number) => Promise<Decomposition>): Promise<Decomposition> {
  let best = await fit(1);
  for (let r = 2; r <= 512; r++) {
    const d = await fit(r);
    if (parameterCount(d) > budget || parameterCount(d) === parameterCount(best)) break;
    best = d;
  }
  return best;
}
