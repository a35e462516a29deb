import { cpTensor, trTensor, tuckerTensor } from "@lowrank/datasets";
import { loadImage } from "@lowrank/datasets/node";
import { Rng, type Tensor } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { holdOut, smoothFill } from "../src/auto-completion.js";
import { exactCp, trainRungs, tuckerRungs } from "../src/completion-formats.js";
import { cp, init, reconstruct, relativeError, tensorRing, tensorTrain, tucker } from "../src/index.js";
import { asyncCodeOf, randomTensor, relDiff } from "./helpers.js";
import { neighbourFill, psnr } from "@lowrank/test-utils/image";

type Completion = { completion?: { model: string; rank?: number[]; modes?: number[]; heldOutError: number } };
const formats: [string, (X: Tensor, o: { mask: Uint8Array; backend?: "js" | "wasm" }) => Promise<Completion>][] = [
  ["tucker", (X, o) => tucker(X, o)],
  ["cp", (X, o) => cp(X, o)],
  ["tensorTrain", (X, o) => tensorTrain(X, o)],
  ["tensorRing", (X, o) => tensorRing(X, o)],
];

describe("completion without a rank (the model chosen on a hold-out)", () => {
  beforeAll(async () => {
    await init();
  });

  it("recovers an exact CP-rank-2 tensor from half its entries in every format, choosing rank 2", async () => {
    const { tensor } = cpTensor([9, 10, 11], 2, { seed: 4 });
    const rng = new Rng(8);
    const mask = Uint8Array.from(tensor.data, () => (rng.uniform() < 0.5 ? 1 : 0));
    const X = { shape: tensor.shape, data: tensor.data.map((v, i) => (mask[i] ? v : NaN)) };
    for (const [name, run] of formats) {
      const fit = await run(X, { mask });
      expect(fit.completion!.model, name).toBe("low-rank");
      expect(Math.max(...fit.completion!.rank!), name).toBe(2);
      expect(relativeError(tensor, reconstruct(fit as never)), name).toBeLessThan(1e-6);
    }
  });

  it("recovers multilinear rank [2, 3, 2] (a rank lowered below the rung) and a TR rank 2 stalled from one start, from 30% of the entries", async () => {
    const cases = [
      [tuckerTensor([10, 11, 12], [2, 3, 2], { seed: 1 }).tensor, (X: Tensor, o: { mask: Uint8Array }) => tucker(X, o)],
      [trTensor([8, 9, 10], 2, { seed: 1 }).tensor, (X: Tensor, o: { mask: Uint8Array }) => tensorRing(X, o)],
    ] as const;
    for (const [tensor, run] of cases) {
      const rng = new Rng(5);
      const mask = Uint8Array.from(tensor.data, () => (rng.uniform() < 0.3 ? 1 : 0));
      const fit = await run({ shape: tensor.shape, data: tensor.data.map((v, i) => (mask[i] ? v : NaN)) }, { mask });
      expect(fit.completion!.model).toBe("low-rank");
      expect(relativeError(tensor, reconstruct(fit))).toBeLessThan(1e-6);
    }
  });

  // The airplane photograph downsampled 32x (22 x 32 x 3), half of its pixels missing at random.
  it("fills a photograph better than a 4-neighbour average in every format", async () => {
    const X = loadImage("airplane", { scale: 32 }) as Tensor;
    const [H, W, C] = X.shape;
    const rng = new Rng(5);
    const pixels = Uint8Array.from({ length: H * W }, () => (rng.uniform() < 0.5 ? 1 : 0));
    const mask = Uint8Array.from(X.data, (_, i) => pixels[Math.floor(i / C)]);
    const missing = { shape: X.shape, data: X.data.map((v, i) => (mask[i] ? v : NaN)) };
    const floor = psnr(X, neighbourFill(X, pixels));
    for (const [name, run] of formats) {
      const fit = await run(missing, { mask });
      const Y = reconstruct(fit as never).data;
      expect(psnr(X, Y), name).toBeGreaterThan(floor);
      // The smooth model is held exactly: the observed pixels come back.
      expect(fit.completion!.model, name).toBe("smooth");
      expect(relDiff(Y.filter((_, i) => mask[i]), X.data.filter((_, i) => mask[i])), name).toBeLessThan(1e-8);
    }
  });

  it("the WASM and JS backends choose the same model and agree", async () => {
    // CP rank 2 plus 1% noise: the ladder climbs past rank 2 before it stops.
    const { tensor } = cpTensor([6, 7, 8], 2, { seed: 3 });
    const rng = new Rng(2);
    const X = { shape: tensor.shape, data: tensor.data.map((v) => v * (1 + 0.01 * rng.normal())) };
    const mask = Uint8Array.from(X.data, () => (rng.uniform() < 0.6 ? 1 : 0));
    // tensorTrain left out: it runs the ring's ALS.
    for (const [name, run] of formats.filter(([n]) => n !== "tensorTrain")) {
      const w = await run(X, { mask });
      const j = await run(X, { mask, backend: "js" });
      expect([j.completion!.model, j.completion!.rank, j.completion!.modes], name).toEqual([w.completion!.model, w.completion!.rank, w.completion!.modes]);
      expect(Math.abs(j.completion!.heldOutError - w.completion!.heldOutError), name).toBeLessThan(1e-10);
      expect(relDiff(reconstruct(w as never).data, reconstruct(j as never, { backend: "js" }).data), name).toBeLessThan(1e-8);
    }
  });

  it("smoothFill (first and second differences) interpolates a linear tensor exactly when only interior entries are missing", () => {
    const shape = [6, 7, 5];
    const X = { shape, data: new Float64Array(6 * 7 * 5) };
    const mask = new Uint8Array(X.data.length).fill(1);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        for (let k = 0; k < 5; k++) {
          const f = (i * 7 + j) * 5 + k;
          X.data[f] = 1 + i - 2 * j + 0.5 * k;
          if (i > 0 && i < 5 && j > 0 && j < 6 && k > 0 && k < 4 && (i + j + k) % 2 === 0) mask[f] = 0;
        }
      }
    }
    const missing = { shape, data: X.data.map((v, f) => (mask[f] ? v : NaN)) };
    // Conjugate gradients stop at a residual 1e-5 of the first: second differences are worse conditioned.
    expect(relDiff(smoothFill(missing, mask, [0, 1, 2], 1), X.data)).toBeLessThan(1e-8);
    expect(relDiff(smoothFill(missing, mask, [0, 1, 2], 2), X.data)).toBeLessThan(1e-5);
  });

  it("holds out whole last-mode fibres when the mask does, single entries otherwise", () => {
    const pixels = Uint8Array.from({ length: 200 }, (_, p) => (p % 3 === 0 ? 0 : 1));
    const fibres = Uint8Array.from({ length: 600 }, (_, i) => pixels[Math.floor(i / 3)]);
    const { train, held } = holdOut([10, 20, 3], fibres, 1);
    expect(held.length % 3).toBe(0);
    for (let t = 0; t < held.length; t += 3) expect([held[t + 1] - held[t], held[t + 2] - held[t], held[t] % 3]).toEqual([1, 2, 0]);
    for (let i = 0; i < 600; i++) expect(train[i] + (held.includes(i) ? 1 : 0)).toBe(fibres[i]);
    const entries = Uint8Array.from({ length: 600 }, (_, i) => (i % 7 === 0 ? 0 : 1));
    const h2 = holdOut([10, 20, 3], entries, 1).held;
    expect(h2.length).toBeGreaterThan(20);
    expect(Array.from(h2).some((i, t) => t > 0 && i !== h2[t - 1] + 1)).toBe(true);
  });

  it("exactCp holds a full tensor exactly; tuckerRungs and trainRungs keep every rank within what the unfoldings allow", () => {
    const X = randomTensor([3, 5, 4], 7);
    const c = exactCp(X);
    expect(c.weights.length).toBe(12);
    expect(relativeError(X, reconstruct(c))).toBeLessThan(1e-14);
    expect(tuckerRungs([50, 60, 3], 8)).toEqual([8, 8, 3]);
    expect(tuckerRungs([50, 60, 3], 2)).toEqual([2, 2, 2]);
    expect(tuckerRungs([50, 2, 1], 8)).toEqual([2, 2, 1]);
    expect(trainRungs([50, 60, 3], 8)).toEqual([8, 3]);
    expect(trainRungs([2, 3, 4, 5], 8)).toEqual([2, 6, 5]);
  });

  it("refuses a mask with one observed entry (nothing to hold out) and still needs a rank without a mask", async () => {
    const X = randomTensor([4, 5, 6], 1);
    const one = new Uint8Array(X.data.length);
    one[3] = 1;
    for (const [name, run] of formats) expect(await asyncCodeOf(() => run(X, { mask: one })), name).toBe("EMPTY");
    expect(await asyncCodeOf(() => tucker(X, {} as never))).toBe("INVALID_ARGUMENT");
    expect(await asyncCodeOf(() => cp(X, {} as never))).toBe("INVALID_ARGUMENT");
  });
});
