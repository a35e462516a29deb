// Coreset quality, not speed: objective ratio f(x_coreset) / f(x_full) of l_p
// regression against the expected sample size m, for uniform, leverage,
// root-leverage and Lewis-weight sampling (medians over seeds), on a
// heavy-tailed synthetic design (each seed draws a new design and a new
// sample) and on the two real regression datasets (each seed a new sample).
// Run by tools/bench/run.mjs.
import { heavyTailedRegression } from "@lowrank/datasets";
import { loadBostonHousing, loadCpsWages } from "@lowrank/datasets/node";
import type { DenseMatrix } from "@lowrank/linalg";
import { init, leverageScores, lewisWeights, lpObjective, lpRegression, sample } from "../src/index.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";

const schemes = ["uniform", "leverage", "root-leverage", "lewis", "mixed"] as const;
type Scheme = (typeof schemes)[number];

await init();


const median = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "fail");

/** Runs the grid and emits one row per (p, m) plus the m from which each scheme stays at or below 1.1. */
async function grid(label: string, data: (seed: number) => { A: DenseMatrix; b: Float64Array }, ps: number[], sizes: number[], seeds: number[]): Promise<void> {
  const ratios = new Map<string, number[]>();
  const key = (p: number, s: Scheme, m: number) => `${p}|${s}|${m}`;
  let shape = "";
  for (const seed of seeds) {
    const { A, b } = data(seed);
    const n = A.rows, d = A.cols;
    shape = `${n}×${d}`;
    const tau = leverageScores(A).scores;
    for (const p of ps) {
      const full = await lpRegression(A, b, p);
      const lewis = (await lewisWeights(A, p)).weights;
      const scores: Record<Scheme, Float64Array> = {
        uniform: new Float64Array(n).fill(1),
        leverage: tau,
        "root-leverage": tau.map((t) => t ** (p / 2)),
        lewis,
        mixed: lewis.map((w, i) => w + tau[i]),
      };
      for (const s of schemes) {
        for (const m of sizes) {
          const { indices, weights } = sample(scores[s], m, { seed: 1000 * seed + m });
          const sub = new Float64Array(indices.length * d), sb = new Float64Array(indices.length);
          indices.forEach((i, k) => {
            sub.set(A.data.subarray(i * d, i * d + d), k * d);
            sb[k] = b[i];
          });
          let ratio = Infinity;
          try {
            const fit = await lpRegression({ rows: indices.length, cols: d, data: sub }, sb, p, { weights });
            ratio = lpObjective(A, b, fit.x, p) / full.objective;
          } catch {
            // A sample too small to determine x (rank-deficient) counts as a failure: ratio Infinity.
          }
          const k = key(p, s, m);
          ratios.set(k, [...(ratios.get(k) ?? []), ratio]);
        }
      }
    }
  }
  for (const p of ps) {
    for (const m of sizes) {
      const extra: Record<string, string> = {};
      for (const s of schemes) extra[s] = fmt(median(ratios.get(key(p, s, m))!));
      row({ case: `${label} p = ${p}`, size: `${shape}, m = ${m}`, extra });
    }
    const need: Record<string, string> = {};
    for (const s of schemes) {
      // The smallest m from which every larger m of the grid stays at or below 1.1 (medians of few seeds are not monotone).
      const ok = sizes.map((mm) => median(ratios.get(key(p, s, mm))!) <= 1.1);
      const first = ok.findIndex((_, k) => ok.slice(k).every(Boolean));
      need[s] = first < 0 ? `> ${sizes[sizes.length - 1]}` : `${sizes[first]}`;
    }
    row({ case: `${label} p = ${p}`, size: "m from which ratio <= 1.1", extra: need });
  }
}

const [n, d] = pick([100000, 10], [3000, 4]);
const seeds = pick([1, 2, 3, 4, 5], [1]);
await grid("heavy-tailed", (seed) => heavyTailedRegression(n, d, { seed }), [1, 1.5, 2, 3], pick([30, 50, 70, 100, 200, 500, 1000, 2000, 5000], [100, 500]), seeds);
const realSeeds = pick(Array.from({ length: 21 }, (_, i) => i + 1), [1]);
const boston = loadBostonHousing({ intercept: true, standardize: true });
const cps = loadCpsWages({ intercept: true, standardize: true, logWage: true, features: ["education", "experience", "south", "gender", "union", "race", "occupation", "sector", "married"] });
await grid("Boston", () => boston, [1, 2], [50, 100, 200], realSeeds);
await grid("CPS", () => cps, [1, 2], [50, 100, 200], realSeeds);
note(
  `Median over seeds of f(x_coreset) / f(x_full), f(x) = ||Ax - b||_p^p. heavy-tailed: heavyTailedRegression(${n}, ${d}, { seed }) for ${seeds.length} seeds ` +
    "(rows = Student t (df 2) scale times a Gaussian direction, noise 0.1), a new design per seed. Boston: loadBostonHousing({ intercept, standardize }), " +
    `medv. CPS: loadCpsWages({ intercept, standardize, logWage }) without age (collinear with education + experience). Real data: ${realSeeds.length} samples. ` +
    "Coreset: sample(scores, m) (independent inclusion, expected size m, weights 1/p_i), solved by lpRegression with those weights; a rank-deficient sample counts as fail. " +
    "mixed = Lewis weights + leverage scores (an even mixture). For p = 2 leverage, root-leverage, Lewis weights and mixed coincide.",
);
