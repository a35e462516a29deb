// PSNR of photograph completion against a 4-neighbour fill: the README's
// table under "Missing entries". Run from the repository root:
//   node --import tsx packages/tensor-network/bench/completion-psnr.ts [scale] [rank]
// (defaults 16 and 5: the photographs downsampled 16x, TR ranks [r, r, 3], TT maxRank r).
import { IMAGE_NAMES, loadImage } from "@lowrank/datasets/node";
import { Rng } from "@lowrank/linalg";
import { init, reconstruct, tensorRing, tensorTrain, type Tensor } from "../src/index.js";

await init();
const scale = Number(process.argv[2] ?? 16), r = Number(process.argv[3] ?? 5);

/** PSNR (peak 1) of Y clipped to [0, 1] against X. */
function psnr(X: Tensor, Y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < Y.length; i++) s += (Math.min(1, Math.max(0, Y[i])) - X.data[i]) ** 2;
  return 10 * Math.log10(Y.length / s);
}

/** Each missing pixel the mean of its observed (or already filled) 4-neighbours, a ring at a time until all are filled. */
function neighbourFill(X: Tensor, known0: Uint8Array): Float64Array {
  const [H, W, C] = X.shape;
  const Y = Float64Array.from(X.data, (v, i) => (known0[Math.floor(i / C)] ? v : 0));
  const known = Uint8Array.from(known0);
  for (let left = 1; left > 0; ) {
    left = 0;
    const filled: [number, number[]][] = [];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        if (known[i * W + j]) continue;
        const s = new Array<number>(C).fill(0);
        let n = 0;
        for (const [a, b] of [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]]) {
          if (a < 0 || a >= H || b < 0 || b >= W || !known[a * W + b]) continue;
          n++;
          for (let c = 0; c < C; c++) s[c] += Y[(a * W + b) * C + c];
        }
        if (n > 0) filled.push([i * W + j, s.map((v) => v / n)]);
        else left++;
      }
    }
    for (const [p, s] of filled) {
      known[p] = 1;
      for (let c = 0; c < s.length; c++) Y[p * s.length + c] = s[c];
    }
  }
  return Y;
}

console.log(`| method | ${IMAGE_NAMES.join(" | ")} |`);
const rows = new Map<string, string[]>();
for (const name of IMAGE_NAMES) {
  const X = loadImage(name, { scale }) as Tensor;
  const [H, W, C] = X.shape;
  const rng = new Rng(3);
  const pixels = Uint8Array.from({ length: H * W }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const mask = Uint8Array.from(X.data, (_, i) => pixels[Math.floor(i / C)]);
  const missing = { shape: X.shape, data: X.data.map((v, i) => (mask[i] ? v : NaN)) };
  const add = (label: string, v: number) => rows.set(label, [...(rows.get(label) ?? []), `${v.toFixed(1)} dB`]);
  add("4-neighbour fill", psnr(X, neighbourFill(X, pixels)));
  for (const lambda of [0, "auto"] as const) {
    const o = { mask, maxIter: 60, tol: 1e-6, lambda };
    add(`tensorRing [${r}, ${r}, 3], lambda ${lambda}`, psnr(X, reconstruct(await tensorRing(missing, { ...o, method: "als", rank: [r, r, 3] })).data));
    add(`tensorTrain maxRank ${r}, lambda ${lambda}`, psnr(X, reconstruct(await tensorTrain(missing, { ...o, maxRank: r })).data));
  }
}
for (const [label, cells] of rows) console.log(`| ${label} | ${cells.join(" | ")} |`);
