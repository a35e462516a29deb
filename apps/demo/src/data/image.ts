import { decodeImage } from "@lowrank/datasets";
import type { Tensor } from "@lowrank/linalg";

/** Fetches a JPEG from the data folder and decodes it to an [h, w, 3] tensor in [0, 1], downsampled by `scale`. */
export async function fetchImage(base: string, name: string, scale: number): Promise<Tensor> {
  const res = await fetch(new URL(name, base));
  if (!res.ok) throw new Error(`could not load data/${name} (HTTP ${res.status})`);
  return decodeImage(new Uint8Array(await res.arrayBuffer()), { scale });
}

/** An [h, w, 3] tensor (or h x w grayscale data) as RGBA bytes for a canvas, clamped to [0, 1]. */
export function toRgba(data: Float64Array, h: number, w: number, channels: 1 | 3): Uint8ClampedArray {
  const out = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = Math.round(255 * (channels === 3 ? data[3 * p + c] : data[p]));
    out[4 * p + 3] = 255;
  }
  return out;
}

/** Peak signal-to-noise ratio in dB for signals in [0, 1]. */
export function psnr(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.min(1, Math.max(0, a[i])) - b[i];
    s += d * d;
  }
  return 10 * Math.log10(1 / (s / a.length));
}
