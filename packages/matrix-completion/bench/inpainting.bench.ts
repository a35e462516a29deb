// Image inpainting: a real photograph from @lowrank/datasets (grayscale,
// values in [0, 1]), half of its pixels removed at random, filled in by
// `als` (default lambda: "auto", biases on) at several ranks. Reports PSNR of
// the filled image against the original over all pixels and over the missing
// ones, plus the time of the whole complete() call. Run by tools/bench/run.mjs.
import { loadImage, observe } from "@lowrank/datasets/node";
import { complete, init } from "../src/index.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";

const Y = loadImage("boats", { grayscale: true, scale: pick(4, 16) });
const obs = observe(Y, 0.5, { seed: 1 });
const seen = new Uint8Array(Y.rows * Y.cols);
for (let q = 0; q < obs.values.length; q++) seen[obs.rowIndex[q] * Y.cols + obs.colIndex[q]] = 1;
const { variant } = await init({ threads: 1 }); // one thread: threads.bench.ts compares 1 and 2

const psnr = (sse: number, count: number) => 10 * Math.log10(1 / (sse / count));

for (const rank of pick([5, 10, 20, 40], [5])) {
  const t0 = performance.now();
  const model = await complete(obs, { rank, lambda: "auto" });
  const ms = performance.now() - t0;
  let all = 0, missing = 0;
  for (let i = 0; i < Y.rows; i++) {
    for (let j = 0; j < Y.cols; j++) {
      const e = (model.predict(i, j) - Y.data[i * Y.cols + j]) ** 2;
      all += e;
      if (!seen[i * Y.cols + j]) missing += e;
    }
  }
  const nMissing = Y.rows * Y.cols - obs.values.length;
  row({
    case: "inpainting (als, defaults)",
    size: `boats ${Y.rows}×${Y.cols}, 50% missing, k = ${rank}`,
    simd: variant === "simd" ? ms : null,
    relaxed: variant === "relaxed-simd" ? ms : null,
    extra: {
      "PSNR all pixels (dB)": +psnr(all, Y.rows * Y.cols).toFixed(2),
      "PSNR missing pixels (dB)": +psnr(missing, nMissing).toFixed(2),
      "lambda chosen": +model.regularization.lambda.toFixed(3),
    },
  });
}

note(
  "Inpainting: loadImage(\"boats\", { grayscale: true, scale: 4 }), a uniformly random half of the pixels kept (observe, seed 1), " +
    "complete(obs, { rank, lambda: \"auto\" }) (als) with every other option at its default; PSNR = 10 log10(1 / MSE) for values in [0, 1]; the time is the " +
    "whole call including the lambda search.",
);
