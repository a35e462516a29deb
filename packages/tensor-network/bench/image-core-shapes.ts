// The Tucker core shape each coreShape solver picks on a photograph at one
// budget, with the true HOSVD error of the shape and the solver's time,
// against the slow refit baseline rre-greedy. Not a timing benchmark; run
//   node --experimental-wasm-relaxed-simd --import tsx packages/tensor-network/bench/image-core-shapes.ts
// and it prints the Markdown table quoted in the README.
import { loadImage } from "@lowrank/datasets/node";
import { coreShape, init, reconstruct, relativeError, tucker, type Tensor } from "../src/index.js";

await init();
const photo = loadImage("boats", { scale: 2 }) as Tensor; // [409, 512, 3], values in [0, 1]
// The top-left 256 x 256 crop reshaped to 4^8 x 3, as in image-compression.ts.
const crop = new Float64Array(256 * 256 * 3);
for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) for (let c = 0; c < 3; c++) crop[(i * 256 + j) * 3 + c] = photo.data[(i * 512 + j) * 3 + c];
const high: Tensor = { shape: [4, 4, 4, 4, 4, 4, 4, 4, 3], data: crop };
const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};
console.log("| tensor | budget | solver | rank | parameters | error bound | HOSVD error | solver time (ms) |");
console.log("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |");
for (const X of [photo, high]) {
  const budget = Math.floor(X.data.length / 30);
  for (const solver of ["greedy", "bang-for-buck", "exact", "rre-greedy"] as const) {
    const [s, ms] = await timed(() => coreShape(X, { budget, solver }));
    const h = await tucker(X, { rank: s.rank });
    const fits = s.fits === undefined ? "" : ` (${s.fits} fits)`;
    console.log(`| ${X.shape.join("×")} | ${budget} | ${solver} | [${s.rank.join(", ")}] | ${s.parameters} | ${s.errorBound.toFixed(4)} | ${relativeError(X, reconstruct(h)).toFixed(4)} | ${ms.toFixed(0)}${fits} |`);
  }
}
