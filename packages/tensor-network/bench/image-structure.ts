// Tensor-ring structure search on a photograph: greedy rank increments
// against TnALE, counting the TR-ALS fits each spends to reach the same
// objective. Not a timing benchmark; run it with
//   node --experimental-wasm-relaxed-simd --import tsx packages/tensor-network/bench/image-structure.ts
// and it prints the Markdown table quoted in the README.
import { loadImage } from "@lowrank/datasets/node";
import type { DenseMatrix } from "@lowrank/linalg";
import { init, searchStructure, type Tensor } from "../src/index.js";

await init();
// Grayscale boats downsampled 4x (204 x 256); the top-left 64 x 64 block, mean removed (else a
// rank-one ring already explains 99% of the norm), reshaped to 4^6.
const gray = loadImage("boats", { grayscale: true, scale: 4 }) as DenseMatrix;
const data = new Float64Array(64 * 64);
for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) data[i * 64 + j] = gray.data[i * gray.cols + j];
const mean = data.reduce((a, b) => a + b, 0) / data.length;
for (let i = 0; i < data.length; i++) data[i] -= mean;
const X: Tensor = { shape: [4, 4, 4, 4, 4, 4], data };
const lambda = 1;
const size = data.length;
const params = (ranks: number[]) => X.shape.reduce((a, n, k) => a + ranks[k] * n * ranks[(k + 1) % X.shape.length], 0);
const objective = (ranks: number[], error: number) => params(ranks) / size + lambda * error;
const row = (name: string, ranks: number[], error: number, fits: number | string, reach: number | string, ms: string) =>
  `| ${name} | [${ranks.join(", ")}] | ${params(ranks)} | ${error.toFixed(4)} | ${objective(ranks, error).toFixed(4)} | ${fits} | ${reach} | ${ms} |`;

console.log("| method | ranks found | parameters | relative error | objective | fits | fits to reach TnALE's objective | time (ms) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
let t0 = performance.now();
const tn = await searchStructure(X, { method: "tnale", lambda, seed: 1, alsIter: 30 });
const tnTime = performance.now() - t0;
console.log(row(`tnale (λ = ${lambda})`, tn.ranks, tn.error, tn.evaluations, tn.evaluations, tnTime.toFixed(0)));
// Greedy grows ranks until its error reaches TnALE's; record when its objective first matches.
let reached: number | null = null;
let best = { objective: Infinity, ranks: [] as number[], error: 0, at: 0 };
t0 = performance.now();
const gr = await searchStructure(X, {
  method: "greedy", targetError: tn.error, seed: 1, alsIter: 30, maxEvaluations: 400,
  onProgress: ({ evaluations, ranks, error }) => {
    const o = objective(ranks, error);
    if (reached === null && o <= tn.objective) reached = evaluations;
    if (o < best.objective) best = { objective: o, ranks, error, at: evaluations };
  },
});
const grTime = performance.now() - t0;
console.log(row("greedy (until TnALE's error)", gr.ranks, gr.error, gr.evaluations, reached ?? "not reached", grTime.toFixed(0)));
console.log(row("greedy, best objective on its path", best.ranks, best.error, `fit ${best.at}`, "", ""));
