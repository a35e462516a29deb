// How the sample size needed for a good coreset grows with d: for d = 10, 20, 40 and
// p = 1, 1.5, the smallest m (on a grid of multiples of d) from which the median
// objective ratio f(x_coreset) / f(x_full) stays at or below 1.1, per sampling
// scheme. Compares with the S^(2/p) (sensitivity) and d (root leverage) sample
// counts of Woodruff and Yasuda. Quality, not speed. Run by tools/bench/run.mjs.
import { heavyTailedRegression } from "@lowrank/datasets";
import { init, leverageScores, lewisWeights, lpRegression, sample } from "../src/index.js";
import { coresetRatio, median } from "./coreset-fit.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";

const schemes = ["uniform", "leverage", "root-leverage", "lewis"] as const;
const n = pick(100000, 2000);
const dims = pick([10, 20, 40], [4]);
const seeds = pick([1, 2, 3], [1]);
const mults = pick([2, 3, 5, 7, 10, 20, 50], [5, 20]);

await init({ threads: 1 }); // single-thread timings (bench/threads.bench.ts has the 2-thread rows)

for (const d of dims) {
  const ratios = new Map<string, number[]>();
  for (const seed of seeds) {
    const { A, b } = heavyTailedRegression(n, d, { seed });
    const tau = leverageScores(A).scores;
    for (const p of [1, 1.5]) {
      const full = await lpRegression(A, b, p);
      const scores = {
        uniform: new Float64Array(n).fill(1),
        leverage: tau,
        "root-leverage": tau.map((t) => t ** (p / 2)),
        lewis: (await lewisWeights(A, p)).weights,
      };
      for (const s of schemes) {
        for (const k of mults) {
          const m = k * d;
          const { indices, weights } = sample(scores[s], m, { seed: 1000 * seed + m });
          const ratio = await coresetRatio(A, b, p, indices, weights, full.objective);
          const key = `${p}|${s}|${k}`;
          ratios.set(key, [...(ratios.get(key) ?? []), ratio]);
        }
      }
    }
  }
  for (const p of [1, 1.5]) {
    const extra: Record<string, string> = {};
    for (const s of schemes) {
      const ok = mults.map((k) => median(ratios.get(`${p}|${s}|${k}`)!) <= 1.1);
      const first = ok.findIndex((_, i) => ok.slice(i).every(Boolean));
      extra[s] = first < 0 ? `> ${mults[mults.length - 1]}d` : `${mults[first]}d`;
    }
    row({ case: `m for ratio <= 1.1, p = ${p}`, size: `${n}×${d}`, extra });
  }
}
note(
  `Scaling with d: heavyTailedRegression(${n}, d, { seed }) for ${seeds.length} seeds; m on the grid {${mults.join(", ")}} x d; ` +
    "each entry is the smallest m from which every larger grid point has median ratio <= 1.1.",
);
