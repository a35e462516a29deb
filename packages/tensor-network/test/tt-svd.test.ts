// TT-SVD's run (src/tt-svd.ts): the input pass in WASM (finiteness, scale,
// norm) and the leased workspace reused from one call to the next.
import { ttTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { LowrankError } from "@lowrank/linalg";
import { init, reconstruct, relativeError, tensorTrain, type Tensor } from "../src/index.js";
import { randomTensor } from "./helpers.js";

const backends = ["js", "wasm"] as const;

describe("TT-SVD input pass and leased workspace", () => {
  beforeAll(async () => {
    await init();
  });

  for (const backend of backends) {
    it(`refuses NaN and ±Infinity with the flat index (${backend})`, async () => {
      for (const [bad, at] of [[NaN, 5], [Infinity, 0], [-Infinity, 23]] as const) {
        const X = randomTensor([2, 3, 4], 1);
        X.data[at] = bad;
        const err = await tensorTrain(X, { maxRank: 2, backend }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LowrankError);
        expect((err as LowrankError).code).toBe("NON_FINITE");
        expect((err as LowrankError).message).toContain(`flat index ${at}`);
      }
    });

    it(`gives the same ranks and relative error at 1e300 and 1e-300 as at 1 (${backend})`, async () => {
      const { tensor } = ttTensor([5, 6, 4], [2, 3], { seed: 3 });
      const base = await tensorTrain(tensor, { backend });
      for (const a of [1e300, 1e-300]) {
        const Y: Tensor = { shape: tensor.shape, data: tensor.data.map((v) => v * a) };
        const tt = await tensorTrain(Y, { backend });
        expect(tt.ranks).toEqual(base.ranks);
        expect(relativeError(Y, reconstruct(tt, { backend: "js" }))).toBeLessThan(1e-10);
      }
    });
  }

  it("wasm: calls one after another and side by side give the same bits, and agree with js", async () => {
    const X = randomTensor([7, 8, 9], 4);
    const opts = { maxRank: 4, backend: "wasm" as const };
    const first = await tensorTrain(X, opts);
    // A larger run in between grows the leased instance; a run after it must not see its leftovers.
    await tensorTrain(randomTensor([12, 11, 10], 5), { maxRank: 6, backend: "wasm" });
    const again = await tensorTrain(X, opts);
    const [p, q] = await Promise.all([tensorTrain(X, opts), tensorTrain(X, opts)]);
    for (const tt of [again, p, q]) {
      expect(tt.ranks).toEqual(first.ranks);
      tt.cores.forEach((c, k) => expect(Array.from(c.data)).toEqual(Array.from(first.cores[k].data)));
    }
    const ref = await tensorTrain(X, { ...opts, backend: "js" });
    const e1 = relativeError(X, reconstruct(first, { backend: "js" })), e2 = relativeError(X, reconstruct(ref, { backend: "js" }));
    expect(Math.abs(e1 - e2)).toBeLessThan(1e-12);
  });
});
