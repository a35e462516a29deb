// Coreset quality, not speed: objective ratio f(x_coreset) / f(x_full) of l_p regression against the
// expected sample size m, for uniform, leverage, root-leverage, Lewis-weight, exact-sensitivity (small
// data only) and mixed sampling (medians over seeds), on heavy-tailed synthetic designs (n = 1e5, d = 10
// and n = 1e6, d = 50; each seed draws a new design and a new sample) and on the two real regression
// datasets (each seed a new sample); then the rows each scheme needs for ratio <= 1.1 against Woodruff
// and Yasuda's sample-count scaling. Run by tools/bench/run.mjs.
import { heavyTailedRegression } from "@lowrank/datasets";
import { loadBostonHousing, loadCpsWages } from "@lowrank/datasets/node";
import type { DenseMatrix } from "@lowrank/linalg";
import { init, leverageScores, lewisWeights, lpRegression, lpSensitivities, OnlineLewisSampler, sample } from "../src/index.js";
import { coresetRatio, median } from "./coreset-fit.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";

const ALL = ["uniform", "leverage", "root-leverage", "lewis", "sensitivity", "mixed"] as const;
type Scheme = (typeof ALL)[number];

await init({ threads: 1 }); // single-thread timings (bench/threads.bench.ts has the 2-thread rows)

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "fail");
/** Woodruff-Yasuda sample counts for sensitivity sampling (up to ε and log factors): S^(2/p) for p <= 2, S^(2-2/p) for p > 2. */
const theory = (S: number, p: number) => (p <= 2 ? S ** (2 / p) : S ** (2 - 2 / p));

interface GridOptions {
  label: string;
  data: (seed: number) => { A: DenseMatrix; b: Float64Array };
  ps: number[];
  sizes: number[];
  seeds: number[];
  /** Exact sensitivities (small n only): adds the "sensitivity" scheme and the exact total S. */
  exact: boolean;
  /** Oversampling factors c for which to stream [A | b] through OnlineLewisSampler (none: skip). */
  online?: number[];
}

/** Runs the grid and emits one row per (p, m), the m from which each scheme stays at or below 1.1, and the theory row. */
async function grid(o: GridOptions): Promise<void> {
  const schemes = ALL.filter((s) => o.exact || s !== "sensitivity");
  const ratios = new Map<string, number[]>();
  const totals = new Map<number, number[]>();
  const online = new Map<string, number[][]>();
  const key = (p: number, s: Scheme, m: number) => `${p}|${s}|${m}`;
  let shape = "", d = 0;
  // Real data is the same matrix for every seed (only the sample changes): its scores and optimum are computed once.
  const cache = new Map<string, { full: { objective: number }; lewis: Float64Array; sens: Float64Array; total: number }>();
  let lastA: DenseMatrix | null = null, tau: Float64Array = new Float64Array(0);
  for (const seed of o.seeds) {
    const { A, b } = o.data(seed);
    const n = A.rows;
    d = A.cols;
    shape = `${n}×${d}`;
    if (A !== lastA) {
      cache.clear();
      tau = leverageScores(A).scores;
      lastA = A;
    }
    // At n·d >= 1e7 the full-data solves and Lewis weights stop at a relative change of 1e-6 (minutes otherwise).
    const tol = n * d >= 1e7 ? 1e-6 : undefined;
    for (const p of o.ps) {
      let c = cache.get(String(p));
      if (!c) {
        const full = await lpRegression(A, b, p, { tol });
        const lewis = (await lewisWeights(A, p, { tol })).weights;
        let sens = lewis, total = NaN;
        if (o.exact) {
          const es = await lpSensitivities(A, p, { method: "exact" });
          sens = es.sensitivities;
          total = es.total;
        }
        c = { full, lewis, sens, total };
        cache.set(String(p), c);
      }
      const { full, lewis, sens } = c;
      if (o.exact) totals.set(p, [...(totals.get(p) ?? []), c.total]);
      const scores: Record<Scheme, Float64Array> = {
        uniform: new Float64Array(n).fill(1),
        leverage: tau,
        "root-leverage": tau.map((t) => t ** (p / 2)),
        lewis,
        sensitivity: sens,
        mixed: lewis.map((w, i) => w + tau[i]),
      };
      for (const c of o.online ?? []) {
        // Online l_p sensitivity sampling: rows of [A | b] arrive in batches of 5000 and are kept or dropped at once.
        const s = await OnlineLewisSampler.create(d + 1, { p, oversample: c, seed });
        const before = s.memoryBytes;
        const kept: number[] = [], w: number[] = [];
        const row1 = new Float64Array(5000 * (d + 1));
        for (let st = 0; st < n; st += 5000) {
          const cnt = Math.min(5000, n - st);
          for (let i = 0; i < cnt; i++) {
            row1.set(A.data.subarray((st + i) * d, (st + i + 1) * d), i * (d + 1));
            row1[i * (d + 1) + d] = b[st + i];
          }
          const r = s.push({ rows: cnt, cols: d + 1, data: row1.subarray(0, cnt * (d + 1)) });
          kept.push(...r.indices);
          w.push(...r.weights);
        }
        const ratio = await coresetRatio(A, b, p, kept, Float64Array.from(w), full.objective);
        const k = `${p}|${c}`;
        online.set(k, [...(online.get(k) ?? []), [kept.length, ratio, s.memoryBytes, before]]);
      }
      for (const s of schemes) {
        for (const m of o.sizes) {
          const { indices, weights } = sample(scores[s], m, { seed: 1000 * seed + m });
          const ratio = await coresetRatio(A, b, p, indices, weights, full.objective);
          const k = key(p, s, m);
          ratios.set(k, [...(ratios.get(k) ?? []), ratio]);
        }
      }
    }
  }
  for (const p of o.ps) {
    for (const m of o.sizes) {
      const extra: Record<string, string> = {};
      for (const s of schemes) extra[s] = fmt(median(ratios.get(key(p, s, m))!));
      row({ case: `${o.label} p = ${p}`, size: `${shape}, m = ${m}`, extra });
    }
    const need: Record<string, string> = {};
    for (const s of schemes) {
      // The smallest m from which every larger m of the grid stays at or below 1.1 (medians of few seeds are not monotone).
      const ok = o.sizes.map((mm) => median(ratios.get(key(p, s, mm))!) <= 1.1);
      const first = ok.findIndex((_, k) => ok.slice(k).every(Boolean));
      need[s] = first < 0 ? `> ${o.sizes[o.sizes.length - 1]}` : `${o.sizes[first]}`;
    }
    // Total sensitivity: exact where computed, else the Lewis bound (d for p <= 2, d^(p/2) for p > 2).
    const S = o.exact ? median(totals.get(p)!) : p <= 2 ? d : d ** (p / 2);
    need["S (total sensitivity)"] = `${o.exact ? "" : "≤ "}${S.toFixed(1)}`;
    need["theory rows"] = `${o.exact ? "" : "≤ "}${theory(S, p).toFixed(0)}`;
    row({ case: `${o.label} p = ${p}`, size: "m from which ratio <= 1.1", extra: need });
    for (const c of o.online ?? []) {
      const runs = online.get(`${p}|${c}`)!;
      row({
        case: `${o.label} p = ${p}, online Lewis`, size: `${shape}, oversample ${c}`,
        extra: { "rows kept": median(runs.map((r) => r[0])).toFixed(0), "online ratio": fmt(median(runs.map((r) => r[1]))), "sampler memory (bytes)": runs.every((r) => r[2] === r[3]) ? `${runs[0][2]} (constant)` : "grew" },
      });
    }
  }
}

const seeds = pick([1, 2, 3, 4, 5], [1]);
const [n1, d1] = pick([100000, 10], [3000, 4]);
await grid({
  label: "heavy-tailed", data: (seed) => heavyTailedRegression(n1, d1, { seed }), ps: [1, 1.5, 2, 3],
  sizes: pick([30, 50, 70, 100, 200, 500, 1000, 2000, 5000], [100, 500]), seeds, exact: false, online: [1, 4, 16],
});
const bigSeeds = pick([1, 2, 3], [1]);
const [n2, d2] = pick([1000000, 50], [4000, 6]);
await grid({
  label: "heavy-tailed", data: (seed) => heavyTailedRegression(n2, d2, { seed }), ps: [1, 1.5, 2, 3],
  sizes: pick([100, 200, 300, 500, 1000, 2000, 5000], [100, 500]), seeds: bigSeeds, exact: false,
});
const realSeeds = pick(Array.from({ length: 21 }, (_, i) => i + 1), [1]);
const boston = loadBostonHousing({ intercept: true, standardize: true });
const cps = loadCpsWages({ intercept: true, standardize: true, logWage: true, features: ["education", "experience", "south", "gender", "union", "race", "occupation", "sector", "married"] });
const realSizes = [30, 50, 70, 100, 150, 200, 300];
await grid({ label: "Boston", data: () => boston, ps: [1, 1.5, 2, 3], sizes: realSizes, seeds: realSeeds, exact: true });
await grid({ label: "CPS", data: () => cps, ps: [1, 1.5, 2, 3], sizes: realSizes, seeds: realSeeds, exact: true });
note(
  `Median over seeds of f(x_coreset) / f(x_full), f(x) = ||Ax - b||_p^p. heavy-tailed: heavyTailedRegression(n, d, { seed }), ${seeds.length} seeds at ${n1}×${d1}, ` +
    `${bigSeeds.length} at ${n2}×${d2} (rows = Student t (df 2) scale times a Gaussian direction, noise 0.1), a new design per seed. Boston: loadBostonHousing({ intercept, standardize }), ` +
    `medv. CPS: loadCpsWages({ intercept, standardize, logWage }) without age (collinear with education + experience). Real data: ${realSeeds.length} samples. ` +
    "At n·d >= 1e7 the full-data optimum and the Lewis weights are computed to a relative change of 1e-6 (lpRegression and lewisWeights tol). " +
    "Coreset: sample(scores, m) (independent inclusion, expected size m, weights 1/p_i), solved by lpRegression with those weights; a rank-deficient sample counts as fail. " +
    "sensitivity = exact l_p sensitivities (lpSensitivities method exact; real data only, on the synthetic designs they are proportional to the Lewis bound). mixed = Lewis weights + leverage scores. " +
    "For p = 2 leverage, root-leverage, Lewis weights, sensitivities and mixed coincide. S = total sensitivity (exact, median over samples; synthetic: the Lewis bound d for p <= 2, d^(p/2) above); " +
    "theory rows = S^(2/p) for p <= 2 and S^(2-2/p) for p > 2, Woodruff and Yasuda's sensitivity-sampling counts without their ε and log factors. " +
    "online Lewis: OnlineLewisSampler(d + 1, { p, oversample, seed }) fed the rows of [A | b] in batches of 5000, its kept rows and weights solved by lpRegression; rows kept and ratio are medians over seeds; memory is the sampler's WASM memory, the same before and after the stream.",
);
