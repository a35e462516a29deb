// Removes a fraction of a photograph's pixels and fills them in with each
// matrix-completion method, tracking the error on the removed pixels.
import { grayscale, observe } from "@lowrank/datasets";
import { complete } from "@lowrank/matrix-completion";
import { fetchImage, psnr, toRgba } from "../data/image";
import { serve } from "./serve";
import type { CompletionMessage, CompletionMethod, CompletionRequest, CompletionResult } from "./completion-protocol";

// bpmf first: it is complete()'s default, and runs its default number of Gibbs sweeps (scaled to the pixels
// observed); the others run 20 iterations.
const METHODS: CompletionMethod[] = ["bpmf", "als", "altmin", "robust-altmin"];

serve<CompletionRequest, CompletionMessage>(async ({ base, rank, missing }, post) => {
  const Y = grayscale(await fetchImage(base, "boats.jpg", 4));
  const { rows: h, cols: w } = Y;
  const train = observe(Y, 1 - missing, { seed: 7, minPerRow: rank, minPerCol: rank });
  // The removed pixels are the validation set: their RMSE per iteration is the curve drawn.
  const seen = new Uint8Array(h * w);
  for (let t = 0; t < train.rowIndex.length; t++) seen[train.rowIndex[t] * w + train.colIndex[t]] = 1;
  const hidden: number[] = [];
  for (let p = 0; p < h * w; p++) if (!seen[p]) hidden.push(p);
  const validation = {
    rows: h,
    cols: w,
    rowIndex: Int32Array.from(hidden, (p) => Math.floor(p / w)),
    colIndex: Int32Array.from(hidden, (p) => p % w),
    values: Float64Array.from(hidden, (p) => Y.data[p]),
  };
  // The masked image shows removed pixels in mid-grey; its PSNR is the do-nothing baseline.
  const masked = Float64Array.from(Y.data, (v, p) => (seen[p] ? v : 0.5));
  const original = toRgba(Y.data, h, w, 1), maskedRgba = toRgba(masked, h, w, 1);
  post({ type: "images", h, w, original, masked: maskedRgba, maskedPsnr: psnr(masked, Y.data) }, [original.buffer, maskedRgba.buffer]);

  const rowAll = new Int32Array(h * w), colAll = new Int32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    rowAll[p] = Math.floor(p / w);
    colAll[p] = p % w;
  }
  for (const [i, method] of METHODS.entries()) {
    post({ type: "progress", done: i, total: METHODS.length, label: method });
    const t = performance.now();
    const model = await complete(train, { rank, method, maxIter: method === "bpmf" ? undefined : 20, validation, seed: 1 });
    const ms = performance.now() - t;
    // Observed pixels keep their values; only the removed ones are filled.
    const filled = model.predictMany(rowAll, colAll).map((v, p) => (seen[p] ? Y.data[p] : v));
    const rgba = toRgba(filled, h, w, 1);
    const result: CompletionResult = { method, psnr: psnr(filled, Y.data), curve: model.history.map((r) => r.validationRmse ?? NaN), ms, rgba };
    post({ type: "result", result }, [rgba.buffer]);
  }
});
