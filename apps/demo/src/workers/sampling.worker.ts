// l_p regression on Boston house prices from a weighted sample of rows:
// which rows each scheme keeps, the fit it gives, and how the objective ratio
// f(x_sample) / f(x_full) falls with the sample size.
import { coreset, lpObjective, lpRegression } from "@lowrank/sensitivity-sampling";
import { LowrankError, type DenseMatrix } from "@lowrank/linalg";
import { serve } from "./serve";
import type { SamplingMessage, SamplingRequest, Scheme } from "./sampling-protocol";

const SCHEMES: Scheme[] = ["uniform", "leverage", "root-leverage", "lewis", "mixed"];
const SIZES = [30, 50, 80, 120, 200];
const SEEDS = [1, 2, 3, 4, 5];


const median = (v: number[]) => [...v].sort((a, c) => a - c)[v.length >> 1];

/**
 * Solves the weighted sample's regression. A small sample can miss every row
 * that varies in some column (Boston's river dummy is 1 for 35 of 506
 * districts), or (sampling each row independently) draw fewer rows than
 * columns, which leaves its design rank-deficient: that sample has no unique
 * fit, and counts as failed (null).
 */
async function fitSample(A: DenseMatrix, b: Float64Array, p: number, m: number, scheme: Scheme, seed: number) {
  const cs = await coreset(A, b, { p, m, scores: scheme, seed });
  try {
    return { indices: cs.indices, x: (await lpRegression(cs.A, cs.b, p, { weights: cs.weights })).x };
  } catch (e) {
    if (e instanceof LowrankError && (e.code === "RANK" || e.code === "SHAPE")) return { indices: cs.indices, x: null };
    throw e;
  }
}

serve<SamplingRequest, SamplingMessage>(async ({ base, p, m }, post) => {
  const res = await fetch(new URL("boston.json", base));
  if (!res.ok) throw new Error(`could not load data/boston.json (HTTP ${res.status})`);
  const raw = (await res.json()) as { rows: number; cols: number; A: number[]; b: number[]; featureNames: string[] };
  const A: DenseMatrix = { rows: raw.rows, cols: raw.cols, data: Float64Array.from(raw.A) };
  const b = Float64Array.from(raw.b);
  const full = await lpRegression(A, b, p);
  const fFull = lpObjective(A, b, full.x, p);
  const fitted = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) fitted[i] += A.data[i * A.cols + j] * full.x[j];
  post({ type: "data", rows: A.rows, cols: A.cols, featureNames: raw.featureNames, fitted, b: b.slice(), xFull: full.x, fFull });

  const total = SCHEMES.length * (SIZES.length * SEEDS.length + 1);
  let done = 0;
  for (const scheme of SCHEMES) {
    post({ type: "progress", done, total, label: `${scheme}: m = ${m}` });
    const pick = await fitSample(A, b, p, m, scheme, 1);
    post({
      type: "picks",
      scheme,
      indices: Int32Array.from(pick.indices),
      x: pick.x ?? new Float64Array(A.cols).fill(NaN),
      ratio: pick.x ? lpObjective(A, b, pick.x, p) / fFull : Infinity,
    });
    done++;
    const ratios: number[] = [];
    for (const size of SIZES) {
      const r: number[] = [];
      for (const seed of SEEDS) {
        const { x } = await fitSample(A, b, p, size, scheme, seed);
        r.push(x ? lpObjective(A, b, x, p) / fFull : Infinity);
        done++;
      }
      const med = median(r);
      ratios.push(Number.isFinite(med) ? med : NaN);
      post({ type: "progress", done, total, label: `${scheme}: m = ${size}` });
    }
    post({ type: "curve", sizes: SIZES, curve: { scheme, ratios } });
  }
});
