// Compression ratio against relative error on a photograph, for every
// decomposition. Not a timing benchmark (tools/bench runs *.bench.ts only); run it with
//   node --experimental-wasm-relaxed-simd --import tsx packages/tensor-network/bench/image-compression.ts
// and it prints the Markdown tables quoted in the README.
import { loadImage } from "@lowrank/datasets/node";
import {
  compressionRatio, coreShape, cp, init, reconstruct, relativeError, tensorRing, tensorTrain, tucker,
  type Decomposition, type Tensor,
} from "../src/index.js";

await init();
const photo = loadImage("boats", { scale: 2 }) as Tensor; // [409, 512, 3], values in [0, 1]

// The top-left 256 x 256 crop reshaped to 4^8 x 3 (row digits, then column digits, base 4), as TnALE reshapes images.
const crop = new Float64Array(256 * 256 * 3);
for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) for (let c = 0; c < 3; c++) crop[(i * 256 + j) * 3 + c] = photo.data[(i * 512 + j) * 3 + c];
const high: Tensor = { shape: [4, 4, 4, 4, 4, 4, 4, 4, 3], data: crop };

const size = (X: Tensor) => X.data.length;
const lines: string[] = [];
const report = (X: Tensor, method: string, setting: string, d: Decomposition, ms: number) => {
  lines.push(`| ${X.shape.join("×")} | ${method} | ${setting} | ${compressionRatio(d).toFixed(1)} | ${relativeError(X, reconstruct(d)).toFixed(4)} | ${ms.toFixed(0)} |`);
};
const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};

for (const X of [photo, high]) {
  const sumDims = X.shape.reduce((a, b) => a + b, 0);
  for (const ratio of [10, 30, 100]) {
    const budget = Math.floor(size(X) / ratio);
    const [shape, tShape] = await timed(() => coreShape(X, { budget }));
    const [t, tT] = await timed(() => tucker(X, { rank: shape.rank, method: "hooi", maxIter: 10 }));
    report(X, "Tucker (HOOI, coreShape exact)", `budget size/${ratio}: rank [${shape.rank.join(", ")}]`, t, tShape + tT);
    const R = Math.max(1, Math.floor(budget / (1 + sumDims)));
    const [c, tC] = await timed(() => cp(X, { rank: R, maxIter: 100, tol: 1e-6 }));
    report(X, "CP-ALS (100 sweeps at most)", `rank ${R}`, c, tC);
  }
  for (const eps of [0.05, 0.1, 0.2]) {
    const [tt, tTT] = await timed(() => tensorTrain(X, { eps }));
    report(X, "TT-SVD", `eps ${eps}: ranks [${tt.ranks.join(", ")}]`, tt, tTT);
    const [tr, tTR] = await timed(() => tensorRing(X, { eps }));
    report(X, "TR-SVD", `eps ${eps}: ranks [${tr.ranks.join(", ")}]`, tr, tTR);
  }
}
console.log("| tensor | method | setting | compression | relative error | time (ms) |");
console.log("| --- | --- | --- | ---: | ---: | ---: |");
for (const l of lines) console.log(l);

