// SVD updating benchmarks: every method (and auto), TS reference vs the two
// WASM variants, on a synthetic sparse matrix streamed in small row batches
// (the setting of Deng et al. 2024, Sec. 5). Accuracy columns compare the
// final factors with a fresh truncatedSvd of the final matrix. The paper's
// grid on real corpora is spam-assassin.bench.ts. Run by tools/bench/run.mjs.
import { hasRelaxedSimd, Rng, type CsrMatrix, type WasmVariant } from "@lowrank/linalg";
import { EvolvingSvd, init, residualMetric, singularValueError, truncatedSvd, type UpdateMethod } from "../src/index.js";
import { note, pick, quick, row } from "../../../tools/bench/lib.mjs";
import { rowSlice } from "./rows.js";

const methods: (UpdateMethod | "auto")[] = ["deng", "deng-gkl", "deng-rpi", "zha-simon", "vecharynski", "yamazaki", "auto"];
const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];

/** A seeded m x n sparse matrix, about density m n nonzeros, standard normal values, column indices uniform. */
function sparse(m: number, n: number, density: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const perRow = density * n;
  const indptr = new Int32Array(m + 1), idx: number[] = [], val: number[] = [];
  for (let i = 0; i < m; i++) {
    // Poisson-like count: perRow on average, at least one entry so no row is empty.
    const c = Math.max(1, Math.round(perRow * 2 * rng.uniform()));
    const seen = new Set<number>();
    while (seen.size < c) seen.add(rng.int(n));
    for (const j of seen) {
      idx.push(j);
      val.push(rng.normal());
    }
    indptr[i + 1] = idx.length;
  }
  return { rows: m, cols: n, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) };
}

interface Run {
  ms: number;
  svErr: number;
  residual: number;
}

/** Creates (untimed), applies every batch (timed), and measures accuracy against `fresh`. */
async function stream(
  A: CsrMatrix, start: number, batches: CsrMatrix[], method: UpdateMethod | "auto", k: number, backend: "js" | "wasm",
  fresh: { s: Float64Array }, full: CsrMatrix,
): Promise<Run> {
  const es = await EvolvingSvd.create(rowSlice(A, 0, start), { rank: k, method, seed: 1, backend });
  const t0 = performance.now();
  for (const b of batches) es.addRows(b);
  const ms = performance.now() - t0;
  const f = es.factors();
  return {
    ms,
    svErr: Math.max(...singularValueError(f.s, fresh.s)),
    residual: Math.max(...residualMetric(full, f.U, f.s, f.V, { backend: "js" })),
  };
}

/** Applies the first few batches to a fresh EvolvingSvd, untimed, so V8 has optimised the update path (JS and WASM) first. */
async function warm(A: CsrMatrix, start: number, batches: CsrMatrix[], method: UpdateMethod | "auto", k: number, backend: "js" | "wasm"): Promise<void> {
  if (quick) return;
  const es = await EvolvingSvd.create(rowSlice(A, 0, start), { rank: k, method, seed: 1, backend });
  for (const b of batches.slice(0, 20)) es.addRows(b);
}

/** The run of median time. */
function medianRun(runs: Run[]): Run {
  const sorted = runs.slice().sort((a, b) => a.ms - b.ms);
  return sorted[sorted.length >> 1];
}

async function suite(label: string, A: CsrMatrix, start: number, nb: number, k: number, reps: number): Promise<void> {
  // φ batches of as equal a size as the rows allow.
  const bounds = Array.from({ length: nb + 1 }, (_, i) => start + Math.round((i * (A.rows - start)) / nb));
  const batches = bounds.slice(1).map((r1, i) => rowSlice(A, bounds[i], r1));
  const per = ((A.rows - start) / nb).toFixed((A.rows - start) % nb === 0 ? 0 : 1);
  await init();
  const t0 = performance.now();
  await truncatedSvd(A, { rank: k, seed: 2 });
  const freshMs = performance.now() - t0;
  // The accuracy reference: 20 power iterations, so its own error is far below the updates'.
  const fresh = await truncatedSvd(A, { rank: k, seed: 2, powerIters: 20 });
  const size = `${A.rows}×${A.cols}, nnz ${A.indptr[A.rows]}, k ${k}, ${nb} batches × ${per} rows`;
  note(`${label}: starting from ${start} rows.`);
  for (const method of methods) {
    await warm(A, start, batches, method, k, "js");
    for (const v of variants) {
      await init({ variant: v });
      await warm(A, start, batches, method, k, "wasm");
    }
    // TS and each WASM variant alternate, one stream each per round (each a fresh EvolvingSvd: a whole
    // stream is too long to repeat inside one sample), so a change in machine load hits all of them.
    const tsRuns: Run[] = [], wRuns: Partial<Record<WasmVariant, Run[]>> = {};
    for (let r = 0; r < reps; r++) {
      tsRuns.push(await stream(A, start, batches, method, k, "js", fresh, A));
      for (const v of variants) {
        await init({ variant: v });
        (wRuns[v] ??= []).push(await stream(A, start, batches, method, k, "wasm", fresh, A));
      }
    }
    const ts = medianRun(tsRuns);
    const w: Partial<Record<WasmVariant, Run>> = {};
    for (const v of variants) w[v] = medianRun(wRuns[v]!);
    const best = w["relaxed-simd"] ?? w.simd!;
    row({
      case: `${label}: ${method}`,
      size,
      ts: ts.ms,
      simd: w.simd?.ms,
      relaxed: w["relaxed-simd"]?.ms ?? null,
      extra: { "max sv rel. err": best.svErr.toExponential(1), "max residual": best.residual.toExponential(1), "fresh truncatedSvd ms": freshMs.toFixed(0) },
    });
  }
}

// Synthetic: Deng et al.'s setting (our ALGORITHMS.md measurement of their code: 0.16 s deng, 2.19 s Zha-Simon).
const [m, n, density, nb] = pick([20000, 5000, 0.001, 200], [400, 200, 0.02, 4]);
await suite("synthetic", sparse(m, n, density, 1), m - nb * 10, nb, pick(16, 4), pick(5, 1));

note(
  "Times are the whole stream of updates (creation and the initial truncatedSvd excluded), median of 5 rounds in which the TS reference " +
    "and each WASM variant run one stream each, alternating, after an untimed warm-up stream of 20 batches per method and backend, " +
    "each run on a fresh EvolvingSvd; approximate-space methods use their defaults (l = k, 2 power iterations for the rpi ones). " +
    "Accuracy (best WASM variant) is against a truncatedSvd of the final matrix with 20 power iterations: " +
    "max over i of |s_i - s_i(ref)| / s_i(ref), and max over i of ||A v_i - s_i u_i|| / s_i for the updated factors. " +
    "'fresh truncatedSvd ms' is the cost of recomputing instead (WASM, default 4 power iterations, oversample 10).",
);
