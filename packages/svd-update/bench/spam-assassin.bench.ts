// The paper's grid (Deng et al. 2024, Sec. 5) on the two corpora we ship:
// SpamAssassin (tf-idf, terms in at least 3 messages, 6046 x 23869) and the
// State of the Union split into paragraphs (tf-idf, terms in at least 5
// paragraphs, 10585 x 10569; 233 addresses are too few for φ = 1000 batches).
// Start from the first 50% of the documents, add the rest in φ = 10, 100 and
// 1000 batches, k = 16 and 64, every method and `auto`. Best WASM variant
// only, one run per cell (after a short untimed warm-up). Reported: the
// stream's time, singular-value error and residual against a 20-iteration
// truncatedSvd of the final matrix, the time of a fresh truncatedSvd, and
// nearest-document retrieval agreement (P@10). Cells the cost model prices
// above BUDGET_S are skipped (and listed). Run by tools/bench/run.mjs.
import { hasRelaxedSimd, type CsrMatrix } from "@lowrank/linalg";
import { loadSotu, loadSpamAssassin } from "@lowrank/datasets/node";
import { autoCostModel, EvolvingSvd, init, residualMetric, singularValueError, truncatedSvd, type AutoChoice, type UpdateMethod } from "../src/index.js";
import { estimate } from "../src/auto.js";
import { defaultBasisSize } from "@lowrank/linalg/internal";
import { note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";
import { retrievalAgreement } from "./retrieval.js";
import { rowSlice } from "./rows.js";

/** Cells whose predicted stream time passes this many seconds are skipped (bench time on a shared 2-core machine). */
const BUDGET_S = 30;
// GRID_METHODS=deng,zha-simon,auto runs only those (the ones auto's table needs).
const methods = (process.env.GRID_METHODS?.split(",") ?? ["deng", "deng-gkl", "deng-rpi", "zha-simon", "vecharynski", "yamazaki", "auto"]) as (UpdateMethod | "auto")[];

const relaxed = hasRelaxedSimd();
await init({ variant: relaxed ? "relaxed-simd" : "simd" });

/**
 * Predicted seconds of a stream from the cost model: deng's estimate for the
 * deng family and auto, zha-simon's for the dense methods, with the batch
 * capped at l = k for the approximate-space methods (their core matrix is
 * (k + s) x (k + l)).
 */
function predict(A: CsrMatrix, bounds: number[], k: number, method: UpdateMethod | "auto"): number {
  let ms = 0;
  const approx = method === "deng-gkl" || method === "deng-rpi" || method === "vecharynski" || method === "yamazaki";
  for (let i = 0; i + 1 < bounds.length; i++) {
    const r0 = bounds[i], r1 = bounds[i + 1], s = approx ? Math.min(k, r1 - r0) : r1 - r0;
    const p = Math.min(A.indptr[r1] - A.indptr[r0], A.cols);
    const e = estimate({
      k, s, p, basisDim: A.cols, growDim: r0, twoSided: false, nnzA: A.indptr[r1], rowsA: r1, colsA: A.cols,
      l: Math.min(k + 10, r1, A.cols), q: 4, basis: Math.min(defaultBasisSize(k), r1, A.cols), js: false,
    });
    ms += method.startsWith("deng") || method === "auto" ? e.deng : e["zha-simon"];
  }
  return ms / 1000;
}

/** Milliseconds of one recomputation as auto runs it (in the instance, on the kept matrix) at the final size. */
async function recomputeMs(A: CsrMatrix, k: number): Promise<number> {
  const saved = { ...autoCostModel };
  try {
    const es = await EvolvingSvd.create(rowSlice(A, 0, A.rows - 2), { rank: k, method: "auto", seed: 1 });
    autoCostModel.dengSupport = autoCostModel.zhaRotate = 1e12;
    es.addRows(rowSlice(A, A.rows - 2, A.rows - 1));
    es.addRows(rowSlice(A, A.rows - 1, A.rows));
    return es.lastDecision!.ms;
  } finally {
    Object.assign(autoCostModel, saved);
  }
}

/** "deng ×97, recompute ×3" */
function picks(es: EvolvingSvd): string {
  const n: Partial<Record<AutoChoice, number>> = {};
  for (const d of es.history) n[d.choice] = (n[d.choice] ?? 0) + 1;
  return Object.entries(n).map(([c, t]) => `${c} ×${t}`).join(", ");
}

async function grid(name: string, A: CsrMatrix, ks: number[], phis: number[]): Promise<void> {
  const start = Math.floor(A.rows / 2);
  for (const k of ks) {
    const t0 = performance.now();
    // The fresh SVD (default Lanczos, residuals within 1e-10 σ_1) is also the reference; the randomized one's agreement beside it.
    const ref = await truncatedSvd(A, { rank: k, seed: 2 });
    const freshMs = performance.now() - t0;
    const freshAgreement = retrievalAgreement(await truncatedSvd(A, { rank: k, seed: 2, method: "randomized" }), ref);
    const rcMs = await recomputeMs(A, k);
    for (const phi of phis) {
      const bounds = Array.from({ length: phi + 1 }, (_, i) => start + Math.round((i * (A.rows - start)) / phi));
      const batches = bounds.slice(1).map((r1, i) => rowSlice(A, bounds[i], r1));
      const cell = `${name} k=${k} φ=${phi}`;
      const times: Partial<Record<UpdateMethod, number>> = {};
      for (const method of methods) {
        const predicted = predict(A, bounds, k, method);
        if (!quick && predicted > BUDGET_S) {
          skip(`${cell}: ${method}`, `the cost model predicts ${predicted.toFixed(0)} s for the stream, over this bench's ${BUDGET_S} s per cell`);
          continue;
        }
        if (!quick) {
          // Untimed warm-up on a few batches so V8 has optimised the update path.
          const w = await EvolvingSvd.create(rowSlice(A, 0, start), { rank: k, method, seed: 1 });
          for (const b of batches.slice(0, Math.min(20, Math.ceil(phi / 10)))) w.addRows(b);
        }
        const es = await EvolvingSvd.create(rowSlice(A, 0, start), { rank: k, method, seed: 1 });
        const t = performance.now();
        for (const b of batches) es.addRows(b);
        const ms = performance.now() - t;
        if (method !== "auto") times[method] = ms;
        const f = es.factors();
        const extra: Record<string, string> = {
          "max sv rel. err": Math.max(...singularValueError(f.s, ref.s)).toExponential(1),
          "max residual": Math.max(...residualMetric(A, f.U, f.s, f.V)).toExponential(1),
          "fresh truncatedSvd ms": freshMs.toFixed(0),
          "retrieval P@10 (fresh)": `${retrievalAgreement(f, ref).toFixed(2)} (${freshAgreement.toFixed(2)})`,
        };
        if (method === "auto") {
          // The fastest exact option per batch, measured: a deng or zha-simon batch (stream / φ) or one recomputation
          // of the final matrix as auto runs it (an upper bound: earlier batches recompute a smaller matrix).
          const opts: [string, number][] = [["deng", (times.deng ?? Infinity) / phi], ["zha-simon", (times["zha-simon"] ?? Infinity) / phi], ["recompute", rcMs]];
          opts.sort((a, b) => a[1] - b[1]);
          extra["auto picked"] = picks(es);
          extra["fastest exact per batch (ms)"] = opts.filter((o) => Number.isFinite(o[1])).map((o) => `${o[0]} ${o[1] < 10 ? o[1].toFixed(2) : o[1].toFixed(0)}`).join(" < ");
        }
        row({
          case: `${cell}: ${method}`,
          size: `${A.rows}×${A.cols}, nnz ${A.indptr[A.rows]}, from ${start} rows`,
          ts: null,
          simd: relaxed ? null : ms,
          relaxed: relaxed ? ms : null,
          extra,
        });
      }
    }
  }
}

const spam = loadSpamAssassin({ weighting: "tfidf", normalize: true, minDocumentFrequency: 3 }).matrix;
await grid("SpamAssassin", quick ? rowSlice(spam, 0, 60) : spam, pick([16, 64], [4]), pick([10, 100, 1000], [5]));
const sotu = loadSotu({ unit: "paragraph", weighting: "tfidf", normalize: true, minDocumentFrequency: 5 }).matrix;
await grid("SOTU paragraphs", quick ? rowSlice(sotu, 0, 60) : sotu, pick([16, 64], [4]), pick([10, 100, 1000], [5]));

note(
  "Paper grid (SpamAssassin, SOTU paragraphs): one run of the whole update stream per cell on the best WASM variant (after an untimed warm-up of min(20, φ/10) batches), no TS reference. " +
    "Accuracy against the default truncatedSvd of the final matrix (Lanczos, residuals within 1e-10 σ_1); 'fresh truncatedSvd ms' is its time. " +
    "Retrieval P@10: for every 60th document, the share of its 10 nearest documents (cosine of the rows of U diag(s)) that are also nearest under the reference; in parentheses the same for the randomized truncatedSvd (4 power iterations). " +
    "SOTU paragraphs: loadSotu({ unit: \"paragraph\" }), runs of whole sentences of at least 150 words (the 233 addresses are too few for φ = 1000). " +
    "auto rows: what method: \"auto\" picked per batch, and the measured fastest exact option per batch in that cell (deng or zha-simon stream / φ, or one recomputation of the final matrix as auto runs it: in its instance, on the kept matrix).",
);
