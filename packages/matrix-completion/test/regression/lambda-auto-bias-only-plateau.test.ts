// Regression: lambda "auto" used to start its ladder at 0.1 and walk towards
// the lower hold-out RMSE. On data with small values (a grayscale photograph
// in [0, 1]) every lambda above about 0.05 shrinks the factors to zero, so the
// first rungs sat on a flat plateau of bias-only models; the walk went the
// wrong way on a tie and the default ALS filled a photograph 4 dB worse than
// AltMin. The ladder is now scanned coarsely first.
import { lowRankMatrix, observe } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { complete, init, rmse, trainTestSplit } from "../../src/index.js";

beforeAll(async () => {
  await init();
});

describe("lambda auto on small-valued data", () => {
  for (const seed of [3, 8]) {
    it(`finds a small lambda and fits far better than a bias-only model (seed ${seed})`, async () => {
      // Rank-8 data scaled to entries of about 0.05 (RMS), with 5% noise, like an image's pixels.
      const { M } = lowRankMatrix(240, 180, 8, { seed, noise: 0.05 });
      for (let i = 0; i < M.data.length; i++) M.data[i] = 0.5 + 0.05 * M.data[i];
      const { train, test } = trainTestSplit(observe(M, 0.5, { seed: seed + 1, minPerRow: 8, minPerCol: 8 }), { fraction: 0.2, seed });
      const auto = await complete(train, { rank: 8 });
      const biasOnly = await complete(train, { rank: 8, lambda: 1e6, maxIter: 1 });
      expect(auto.regularization.lambda).toBeLessThan(0.05);
      expect(rmse(auto, test)).toBeLessThan(0.5 * rmse(biasOnly, test));
    });
  }
});
