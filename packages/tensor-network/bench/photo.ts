// Shared by the photograph benches (image-*.bench.ts): the tensors they work
// on and how they report. Each photograph case is one table row: its WASM
// time in the column of the variant that ran (init()'s choice), and
// compression, relative error and a detail column; comparisons across rows
// go into the table's notes. So the README's photograph tables come from
// `node tools/bench/run.mjs --filter tensor-network --update-readme`.
import { loadImage } from "@lowrank/datasets/node";
import type { DenseMatrix, WasmVariant } from "@lowrank/linalg";
import { row } from "../../../tools/bench/lib.mjs";
import type { Tensor } from "../src/index.js";

/** The `boats` photograph downsampled 2x: 409 x 512 x 3, values in [0, 1]. */
export function photo(): Tensor {
  return loadImage("boats", { scale: 2 }) as Tensor;
}

/** A top-left h x w crop of an H x W x 3 photograph. */
export function crop(X: Tensor, h: number, w: number): Tensor {
  const W = X.shape[1];
  const data = new Float64Array(h * w * 3);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < 3; c++) data[(i * w + j) * 3 + c] = X.data[(i * W + j) * 3 + c];
  return { shape: [h, w, 3], data };
}

/**
 * A 4^k x 4^k (x 3) image as the order-2k (+1) tensor of its row digits then
 * column digits in base 4, as TnALE reshapes images: in C order the data of
 * the 4^k x 4^k image already is that tensor.
 */
export function quaternary(X: Tensor): Tensor {
  const [h, w] = X.shape;
  const k = Math.round(Math.log(h) / Math.log(4));
  if (4 ** k !== h || h !== w) throw new Error("quaternary: needs a 4^k x 4^k image");
  return { shape: [...new Array(2 * k).fill(4), ...X.shape.slice(2)], data: X.data };
}

/** Grayscale `boats` at full size (819 x 1024), an n x n block from (top, left). */
export function grayBlock(n: number, top: number, left: number, scale = 1): Tensor {
  const g = loadImage("boats", { grayscale: true, scale }) as DenseMatrix;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = g.data[(i + top) * g.cols + j + left];
  return { shape: [n, n], data };
}

export const dims = (X: Tensor) => X.shape.join("×");

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

/** One photograph row: time in the running variant's column, then compression, relative error, detail. */
export function photoRow(variant: WasmVariant, c: string, size: string, ms: number, compression: number | null, error: number | null, detail: string): void {
  row({
    case: c,
    size,
    ts: null,
    simd: variant === "simd" ? ms : null,
    relaxed: variant === "relaxed-simd" ? ms : null,
    extra: {
      compression: compression === null ? "–" : `${compression.toFixed(1)}×`,
      "relative error": error === null ? "–" : error.toFixed(4),
      detail,
    },
  });
}
