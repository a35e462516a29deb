// Held-out RMSE and fit time of method "bpmf" (the default) against ALS on
// synthetic explicit ratings (80/20 splits): ALS with the hold-out lambda
// (lambda "auto", the default before bpmf), ALS with the lambda that is best
// on the test set itself (an oracle no user has, over a grid at rank 10 and
// 20), ALS at a fixed lambda 0.1 (one fit, the cost of a fit without any
// search), and bpmf with its defaults. Sets: MovieLens-100K-like ratings calibrated so that tuned ALS
// lands near 0.92 (three seeds), the four rating sets of test/als.test.ts, and
// noisy rank-4 data (not ratings). Times are one call each, side by side in
// one process (the machine's load is in the note). Run by tools/bench/run.mjs.
import { lowRankMatrix, observe } from "@lowrank/datasets";
import { complete, init, rmse, trainTestSplit, type CompleteOptions, type Observations } from "../src/index.js";
import { syntheticRatings, type RatingsOptions } from "../test/synthetic-ratings.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";
import { loadavg } from "node:os";

await init();

interface Set_ {
  name: string;
  split: () => { train: Observations; test: Observations };
}

const ratings = (name: string, o: RatingsOptions): Set_ => ({
  name,
  split: () => trainTestSplit(syntheticRatings(o).observations, { fraction: 0.2, seed: o.seed }),
});

const ML = { rank: 15, taste: 0.6, noise: 0.88 };
const sets: Set_[] = pick(
  [
    ratings("MovieLens-like, seed 1", { ...ML, seed: 1 }),
    ratings("MovieLens-like, seed 2", { ...ML, seed: 2 }),
    ratings("MovieLens-like, seed 3", { ...ML, seed: 3 }),
    ratings("ratings (als test), seed 41", { seed: 41 }),
    ratings("ratings (als test), seed 42", { seed: 42, taste: 0.7, noise: 0.8, rank: 10 }),
    ratings("600 x 1000, 50k, seed 81", { seed: 81, users: 600, items: 1000, ratings: 50_000, noise: 0.9 }),
    ratings("1500 x 2500, 150k, seed 82", { seed: 82, users: 1500, items: 2500, ratings: 150_000, taste: 0.6, noise: 0.9 }),
    ratings("200 x 300, 8k, seed 5", { users: 200, items: 300, ratings: 8000, seed: 5 }),
    ratings("200 x 300, 8k, seed 7", { users: 200, items: 300, ratings: 8000, seed: 7 }),
    {
      name: "rank-4 300 x 200, noise 0.3, 30% observed",
      split: () => trainTestSplit(observe(lowRankMatrix(300, 200, 4, { seed: 31, noise: 0.3 }).M, 0.3, { seed: 32 }), { fraction: 0.2, seed: 33 }),
    },
  ],
  [ratings("ratings 200 x 300, 8k", { users: 200, items: 300, ratings: 8000, seed: 5 })],
);
const grid = pick([0.03, 0.05, 0.07, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3], [0.1]);

async function timed(train: Observations, opts: CompleteOptions) {
  const t0 = performance.now();
  const model = await complete(train, opts);
  return { model, ms: performance.now() - t0 };
}

const load = loadavg()[0].toFixed(1);
for (const s of sets) {
  const { train, test } = s.split();
  // Each fit once before timing, so that every path runs optimised code.
  await complete(train, { lambda: 0.1, maxIter: 2 });
  await complete(train, { method: "bpmf", maxIter: 3 });
  const def = await timed(train, { lambda: "auto" });
  const fixed = await timed(train, { lambda: 0.1 });
  const bayes = await timed(train, {});
  let best = Infinity, bestAt = "";
  for (const rank of [10, 20]) {
    for (const lambda of grid) {
      const e = rmse(await complete(train, { rank, lambda }), test);
      if (e < best) [best, bestAt] = [e, `λ ${lambda}, k ${rank}`];
    }
  }
  row({
    case: s.name,
    size: `${train.rows}×${train.cols}, ${train.values.length} train`,
    extra: {
      "als, λ auto": +rmse(def.model, test).toFixed(4),
      "als, best λ on test": `${best.toFixed(4)} (${bestAt})`,
      "bpmf (default)": +rmse(bayes.model, test).toFixed(4),
      "ms als λ auto": Math.round(def.ms),
      "ms als λ 0.1": Math.round(fixed.ms),
      "ms bpmf": Math.round(bayes.ms),
    },
  });
}
note(
  `Held-out RMSE on 20% of each set; bpmf and ALS at rank 10 with every other option at its default; "best λ on test" picks ALS's ` +
    `lambda (ALS-WR) and rank 10 or 20 by the test RMSE itself. Times: one call each on the pool's threads, load average ${load} when started.`,
);
