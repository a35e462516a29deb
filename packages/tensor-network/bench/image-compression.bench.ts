// Compression ratio against relative error on a photograph for Tucker, CP,
// TT and TR (see photo.ts for how rows are reported). Tucker ranks come from
// coreShape (default, best) at budgets of size/10, size/30, size/100; CP gets the
// rank that fits the same budget; TT and TR take eps.
import { compressionRatio, coreShape, cp, init, reconstruct, relativeError, tensorRing, tensorTrain, tucker, type Tensor } from "../src/index.js";
import { note, pick } from "../../../tools/bench/lib.mjs";
import { crop, dims, photo, photoRow, quaternary, timed } from "./photo.js";

const { variant } = await init();
const boats = photo();
const tensors: [string, Tensor][] = pick(
  [["boats", boats], ["boats 256² crop as 4^8×3", quaternary(crop(boats, 256, 256))]],
  [["boats 16² crop", crop(boats, 16, 16)], ["boats 16² crop as 4^4×3", quaternary(crop(boats, 16, 16))]],
);
const cpSweeps = 30;
for (const [name, X] of tensors) {
  const size = `${dims(X)} ${name}`;
  const sumDims = X.shape.reduce((a, b) => a + b, 0);
  for (const ratio of [10, 30, 100]) {
    const budget = Math.floor(X.data.length / ratio);
    if (budget < 1 + sumDims) continue;
    const [shape, tShape] = await timed(() => coreShape(X, { budget }));
    const [t, tT] = await timed(() => tucker(X, { rank: shape.rank, method: "hooi", maxIter: 10 }));
    photoRow(variant, `Tucker (HOOI, coreShape best), budget size/${ratio}`, size, tShape + tT, compressionRatio(t), relativeError(X, reconstruct(t)), `rank [${shape.rank.join(", ")}]`);
    const R = Math.max(1, Math.floor(budget / (1 + sumDims)));
    const [c, tC] = await timed(() => cp(X, { rank: R, maxIter: cpSweeps, tol: 1e-6 }));
    photoRow(variant, `CP-ALS (${cpSweeps} sweeps at most), budget size/${ratio}`, size, tC, compressionRatio(c), relativeError(X, reconstruct(c)), `rank ${R}`);
  }
  for (const eps of [0.05, 0.1, 0.2]) {
    const [tt, tTT] = await timed(() => tensorTrain(X, { eps }));
    photoRow(variant, `TT-SVD, eps ${eps}`, size, tTT, compressionRatio(tt), relativeError(X, reconstruct(tt)), `ranks [${tt.ranks.join(", ")}]`);
    const [tr, tTR] = await timed(() => tensorRing(X, { eps }));
    photoRow(variant, `TR-SVD, eps ${eps}`, size, tTR, compressionRatio(tr), relativeError(X, reconstruct(tr)), `ranks [${tr.ranks.join(", ")}]`);
  }
}
note(`Photograph rows (compression, relative error, detail): the \`boats\` photograph of @lowrank/datasets downsampled 2x (409×512×3, values in [0, 1]) and its top-left 256×256 crop reshaped to 4^8×3 (row digits, then column digits, base 4, as TnALE reshapes images); one run each, WASM ${variant}, wall clock including coreShape for Tucker. Compression = entries / stored numbers.`);
