// The home page's thumbnails: each page's result in miniature, computed here
// at build time from the same data the pages use, so that the home page shows
// pictures without running anything. Written to public/data/thumbs.json.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeImage, grayscale, observe } from "@lowrank/datasets";
import { init } from "@lowrank/linalg";
import { complete } from "@lowrank/matrix-completion";
import { coreset, lpRegression } from "@lowrank/sensitivity-sampling";
import { truncatedSvd } from "@lowrank/svd-update";
import { parameterCount, reconstruct, tucker } from "@lowrank/tensor-network";

const bytes = (values) => Buffer.from(Uint8Array.from(values, (v) => Math.round(255 * Math.min(1, Math.max(0, v))))).toString("base64");
const round = (v) => Math.round(v * 1000) / 1000;

/** A photograph with half its pixels removed, filled in at rank 10 by ALS: left half as removed, right half as filled. */
async function completionThumb(jpeg) {
  const Y = grayscale(decodeImage(jpeg, { scale: 8 }));
  const { rows: h, cols: w } = Y;
  const train = observe(Y, 0.5, { seed: 7, minPerRow: 10, minPerCol: 10 });
  const seen = new Uint8Array(h * w);
  for (let t = 0; t < train.rowIndex.length; t++) seen[train.rowIndex[t] * w + train.colIndex[t]] = 1;
  const model = await complete(train, { rank: 10, seed: 1 }); // the default method, bpmf
  const all = Int32Array.from({ length: h * w }, (_, p) => p);
  const filled = model.predictMany(all.map((p) => Math.floor(p / w)), all.map((p) => p % w));
  const split = Array.from(Y.data, (v, p) => (seen[p] ? v : p % w < w / 2 ? 0.5 : filled[p]));
  return { h, w, gray: bytes(split) };
}

/** The photograph in colour, right half as a Tucker decomposition (HOOI) with about 15x fewer numbers. */
async function tensorThumb(jpeg) {
  const X = decodeImage(jpeg, { scale: 8 });
  const [h, w] = X.shape;
  const d = await tucker(X, { rank: [Math.round(h / 12), Math.round(w / 12), 3], method: "hooi", maxIter: 5 });
  const R = reconstruct(d).data;
  const split = Array.from(X.data, (v, i) => (Math.floor(i / 3) % w < w / 2 ? v : R[i]));
  return { h, w, rgb: bytes(split), ratio: Math.round(X.data.length / parameterCount(d)) };
}

/** Every address on singular directions 2 and 3 of the tf-idf matrix, with its year. */
async function lsaThumb(dataDir) {
  const meta = JSON.parse(readFileSync(join(dataDir, "sotu.json"), "utf8"));
  const buf = readFileSync(join(dataDir, "sotu.bin"));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const { rows, cols, nnz } = meta;
  const A = { rows, cols, indptr: new Int32Array(ab, 0, rows + 1), indices: new Int32Array(ab, (rows + 1) * 4, nnz), data: new Float64Array(ab.slice((rows + 1 + nnz) * 4)) };
  const { U, s } = await truncatedSvd(A, { rank: 8 });
  const k = U.cols;
  return { years: meta.years, x: Array.from({ length: rows }, (_, i) => round(s[1] * U.data[i * k + 1])), y: Array.from({ length: rows }, (_, i) => round(s[2] * U.data[i * k + 2])) };
}

/** Boston districts (fitted value, price) and the 50 an l_1 Lewis-weight sample keeps. */
async function samplingThumb(boston) {
  const full = await lpRegression(boston.A, boston.b, 1);
  const { rows, cols, data } = boston.A;
  const fitted = Array.from({ length: rows }, (_, i) => {
    let f = 0;
    for (let j = 0; j < cols; j++) f += data[i * cols + j] * full.x[j];
    return round(f);
  });
  const cs = await coreset(boston.A, boston.b, { p: 1, m: 50, scores: "lewis", seed: 1 });
  return { fitted, price: Array.from(boston.b, round), kept: Array.from(cs.indices) };
}

/** Writes thumbs.json into the data folder (after the data files it reads are there). */
export async function writeThumbs(dataDir, boston) {
  // One thread: these problems are small, and a build script should start no worker pool.
  await init({ threads: 1 });
  const jpeg = new Uint8Array(readFileSync(join(dataDir, "boats.jpg")));
  const thumbs = {
    "matrix-completion": await completionThumb(jpeg),
    "svd-update": await lsaThumb(dataDir),
    "tensor-network": await tensorThumb(jpeg),
    "sensitivity-sampling": await samplingThumb(boston),
  };
  const text = JSON.stringify(thumbs);
  writeFileSync(join(dataDir, "thumbs.json"), text);
  return `thumbs.json: ${text.length} bytes`;
}
