// PSNR of photograph completion with default options (only the mask) against
// a 4-neighbour fill: the README's table under "Missing entries". Run from
// the repository root:
//   node --no-concurrent-recompilation --import tsx packages/tensor-network/bench/completion-psnr.ts [scale ...] [file:H:W ...]
// (default scales 16 and 12: every photograph downsampled 16x and 12x, half of its pixels missing;
// file:H:W adds an H x W x 3 image stored as little-endian float64 in [0, 1], row-major).
// PSNR is over the whole image with the observed pixels kept, as in the
// tensor-completion papers, the reconstruction's own PSNR in brackets when it
// differs; times are the process's CPU seconds per completion (one thread).
import { IMAGE_NAMES, loadImage } from "@lowrank/datasets/node";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Rng } from "@lowrank/linalg";
import { cp, init, reconstruct, tensorRing, tensorTrain, tucker, type Tensor } from "../src/index.js";
import { neighbourFill, psnr } from "@lowrank/test-utils/image";

await init();
const args = process.argv.slice(2);
const scales = args.length > 0 ? args.filter((a) => !a.includes(":")).map(Number) : [16, 12];
const images: [string, Tensor][] = [];
for (const scale of scales) for (const name of IMAGE_NAMES) images.push([`${name} /${scale}`, loadImage(name, { scale }) as Tensor]);
for (const a of args.filter((a) => a.includes(":"))) {
  const [file, H, W] = a.split(":");
  const bytes = readFileSync(file);
  images.push([basename(file), { shape: [Number(H), Number(W), 3], data: new Float64Array(bytes.buffer, bytes.byteOffset, Number(H) * Number(W) * 3) }]);
}

type Fit = { completion?: { model: string; rank?: number[]; modes?: number[]; order?: number } };
const methods: [string, (X: Tensor, mask: Uint8Array) => Promise<Fit>][] = [
  ["tucker", (X, mask) => tucker(X, { mask })],
  ["cp", (X, mask) => cp(X, { mask })],
  ["tensorTrain", (X, mask) => tensorTrain(X, { mask })],
  ["tensorRing", (X, mask) => tensorRing(X, { mask })],
];
/** Half of X's pixels (all channels of each) missing, seed 3: the same mask for every table. */
function halfMissing(X: Tensor): { pixels: Uint8Array; mask: Uint8Array; missing: Tensor } {
  const [H, W, C] = X.shape;
  const rng = new Rng(3);
  const pixels = Uint8Array.from({ length: H * W }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const mask = Uint8Array.from(X.data, (_, i) => pixels[Math.floor(i / C)]);
  return { pixels, mask, missing: { shape: X.shape, data: X.data.map((v, i) => (mask[i] ? v : NaN)) } };
}

console.log("| image | 4-neighbour fill | tucker | cp | tensorTrain | tensorRing | model chosen | CPU seconds (tucker / cp / TT / TR) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [name, X] of images) {
  const [H, W] = X.shape;
  const { pixels, mask, missing } = halfMissing(X);
  const cells = [`${name} (${H}×${W})`, psnr(X, neighbourFill(X, pixels)).toFixed(2)];
  const chosen = new Set<string>(), secs: string[] = [];
  for (const [, run] of methods) {
    // CPU time, not wall time: completion runs on one thread, and the machine may be shared.
    const t0 = process.cpuUsage();
    const fit = await run(missing, mask);
    const t = process.cpuUsage(t0);
    secs.push(((t.user + t.system) / 1e6).toFixed(1));
    const Y = reconstruct(fit as never).data;
    const kept = Y.map((v, i) => (mask[i] ? X.data[i] : v));
    const c = fit.completion!;
    chosen.add(c.model === "smooth" ? `smooth, order ${c.order}, modes ${c.modes!.join(",")}` : `ranks ${c.rank!.join(",")}`);
    // The reconstruction's own PSNR in brackets when it differs (a low-rank model does not keep the observed pixels).
    const own = psnr(X, Y), all = psnr(X, kept);
    cells.push(Math.abs(own - all) < 0.005 ? all.toFixed(2) : `${all.toFixed(2)} (${own.toFixed(2)})`);
  }
  cells.push([...chosen].join("; "), secs.join(" / "));
  console.log(`| ${cells.join(" | ")} |`);
}

// The ridge at a fixed rank: Tucker [12, 12, 3] and CP rank 12 without a ridge and with
// `lambda: "auto"` (the same masks as above; PSNR with the observed pixels kept).
const RIDGE_RANK = 12;
console.log(`\n| image | tucker [${RIDGE_RANK}, ${RIDGE_RANK}, 3] | with lambda "auto" | cp ${RIDGE_RANK} | with lambda "auto" |`);
console.log("|---|---|---|---|---|");
for (const [name, X] of images) {
  const [H, W] = X.shape;
  const { mask, missing } = halfMissing(X);
  const kept = (fit: object) => psnr(X, reconstruct(fit as never).data.map((v, i) => (mask[i] ? X.data[i] : v))).toFixed(2);
  const cells = [`${name} (${H}×${W})`];
  for (const lambda of [0, "auto"] as const) cells.push(kept(await tucker(missing, { mask, rank: [RIDGE_RANK, RIDGE_RANK, 3], lambda })));
  for (const lambda of [0, "auto"] as const) cells.push(kept(await cp(missing, { mask, rank: RIDGE_RANK, lambda })));
  console.log(`| ${cells.join(" | ")} |`);
}
