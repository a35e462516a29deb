// Evaluations to reach the same objective: TnALE, TNLS and greedy ring
// search on synthetic tensor rings of known ranks (orders 4-8, two seeds)
// and one photograph reshaped. Every fit is one evaluation for every method
// (each random start counts); the objective of a fit is parameters / entries
// + lambda * error. For each instance the target is the best objective
// greedy reaches along its path (greedy itself does not minimise the
// objective, it grows ranks until the error target), and each method's
// count is the first evaluation whose objective is within 1e-3 relative of
// it ("-" when it never gets there). Run:
//   npx tsx --experimental-wasm-relaxed-simd packages/tensor-network/bench/structure-search.ts [--quick]
// Writes bench/results/structure-search.md.
import { writeFileSync } from "node:fs";
import { trTensor } from "@lowrank/datasets";
import { init, searchStructure, type SearchStructureOptions, type Tensor } from "../src/index.js";
import { grayBlock } from "./photo.js";

const quick = process.argv.includes("--quick");
const { variant } = await init();

/** A ring's parameters Σ r_k I_k r_{k+1} (modes in the searched order). */
const ringParams = (shape: number[], r: number[]) => shape.reduce((a, n, k) => a + r[k] * n * r[(k + 1) % shape.length], 0);

interface Trace { final: number; best: number; evaluations: number; objectives: number[]; ms: number }

async function trace(X: Tensor, opts: SearchStructureOptions): Promise<Trace> {
  const S = X.data.length, lambda = opts.lambda ?? 200;
  const objectives: number[] = [];
  const t0 = performance.now();
  const res = await searchStructure(X, {
    ...opts,
    onProgress: (p) => objectives.push(ringParams(X.shape, p.ranks) / S + lambda * p.error),
  });
  return { final: res.objective, best: Math.min(...objectives), evaluations: res.evaluations, objectives, ms: performance.now() - t0 };
}

/** First evaluation (1-based) at or below the target, or undefined. */
function reach(t: Trace, target: number): number | undefined {
  const i = t.objectives.findIndex((o) => o <= target * (1 + 1e-3));
  return i < 0 ? undefined : i + 1;
}

const rings: [number[], number[]][] = [
  [[6, 6, 6, 6], [5, 3, 5, 3]],
  [[5, 5, 5, 5, 5], [3, 2, 3, 2, 2]],
  [[4, 4, 4, 4, 4, 4], [3, 2, 3, 2, 3, 2]],
  [[3, 3, 3, 3, 3, 3, 3], [2, 3, 2, 2, 3, 2, 2]],
  [[3, 3, 3, 3, 3, 3, 3, 3], [2, 2, 3, 2, 2, 3, 2, 2]],
];
const cases: { name: string; X: Tensor; lambda: number }[] = [];
for (const [shape, ranks] of quick ? rings.slice(0, 2) : rings) {
  for (const seed of quick ? [1] : [1, 2]) {
    for (const noise of [0]) {
      cases.push({ name: `ring [${shape.join("×")}] ranks [${ranks}] seed ${seed} noise ${noise}`, X: trTensor(shape, ranks, { seed, noise }).tensor, lambda: 200 });
    }
  }
}
// A 64×64 grayscale block of the boats photograph, mean removed, reshaped to 4^6 (as the photograph bench).
const block = grayBlock(64, 0, 0, 4);
const mean = block.data.reduce((a, v) => a + v, 0) / block.data.length;
cases.push({ name: "boats gray 64² block as 4^6 (λ = 1)", X: { shape: [4, 4, 4, 4, 4, 4], data: block.data.map((v) => v - mean) }, lambda: 1 });

// --long: TNLS given room (patience 1000, up to 400 fits), so its count is when it gets there, not where its
// default stopping rule ends it (writes results/structure-search-tnls-long.md).
const long = process.argv.includes("--long");
const methods: [string, Partial<SearchStructureOptions>][] = long
  ? [["greedy", { method: "greedy" }], ["tnls", { method: "tnls", patience: 1000, maxEvaluations: 400 }]]
  : [["greedy", { method: "greedy" }], ["tnale", { method: "tnale" }], ["tnls", { method: "tnls" }]];
const lines: string[] = [];
const summary: Record<string, { reached: number; evals: number[]; ratio: number[] }> = {};
lines.push("| instance | target objective | " + methods.map(([m]) => `${m}: evals to target / total (final objective)`).join(" | ") + " |");
lines.push("| --- | --- | " + methods.map(() => "---").join(" | ") + " |");
for (const c of cases) {
  const traces: Record<string, Trace> = {};
  for (const [m, o] of methods) {
    traces[m] = await trace(c.X, { alsIter: 30, maxEvaluations: 300, seed: 0, lambda: c.lambda, ...o } as SearchStructureOptions);
    console.error(`${c.name} ${m}: ${(traces[m].ms / 1000).toFixed(1)} s`);
  }
  const target = traces.greedy.best;
  const cells = methods.map(([m]) => {
    const t = traces[m], at = reach(t, target);
    const s = (summary[m] ??= { reached: 0, evals: [], ratio: [] });
    if (at !== undefined) {
      s.reached++;
      s.evals.push(at);
    }
    return `${at ?? "–"} / ${t.evaluations} (${t.final.toFixed(4)})`;
  });
  const line = `| ${c.name} | ${target.toFixed(4)} | ${cells.join(" | ")} |`;
  console.log(line);
  lines.push(line);
}
const med = (a: number[]) => {
  const s = a.slice().sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const sum = methods.map(([m]) => `${m}: reached the target on ${summary[m].reached} of ${cases.length}, median ${med(summary[m].evals)} evaluations`);
console.log(sum.join("; "));
const out = [
  "# Structure search: evaluations to reach the same objective",
  "",
  `Generated by \`bench/structure-search.ts\`${quick ? " (--quick)" : ""}${long ? " --long (TNLS: patience 1000, at most 400 fits)" : ""}, WASM ${variant}, one run. ` +
    "Target: the best objective greedy (default targetError 1e-6) reaches on its path; a method's count is its first fit within 1e-3 relative of it (– never). " +
    "Every TR-ALS fit is one evaluation for every method (30 sweeps; TnALE and TNLS fit each candidate from 2 random starts, both counted); " +
    "λ = 200 on the rings (the paper's TR setting), 1 on the photograph; search cap 300 fits, no noise (the papers' setting: exact rings of known ranks). Defaults otherwise.",
  "",
  ...lines,
  "",
  sum.join("; ") + ".",
  "",
];
if (!quick) writeFileSync(new URL(`./results/structure-search${long ? "-tnls-long" : ""}.md`, import.meta.url), out.join("\n"));
