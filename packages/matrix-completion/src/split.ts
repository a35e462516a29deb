import { opt, Rng } from "@lowrank/linalg";
import { checkObservations, type Observations, type ObservationsInput } from "./observations.js";
import { readOpts } from "./options.js";

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** Share of the observations that go to `test`, in [0, 1] (default 0.2). */
  fraction?: number;
  /** Seed of the draw (default 0). */
  seed?: number;
}

const SPLIT_OPTIONS = { fraction: opt.number({ min: 0, max: 1 }), seed: opt.seed() };

/**
 * A seeded random split of the observations: `test` holds round(fraction ·
 * |obs|) entries drawn uniformly without replacement, `train` the rest, both
 * in their original order. Rows may end up with no training entry (the model
 * then predicts them from biases). O(|obs|).
 *
 * @example
 * const { train, test } = trainTestSplit(ratings, { fraction: 0.2, seed: 42 });
 */
export function trainTestSplit(observations: ObservationsInput, opts: SplitOptions = {}): { train: Observations; test: Observations } {
  const o = readOpts("trainTestSplit", opts, SPLIT_OPTIONS);
  const obs = checkObservations(observations, "trainTestSplit: observations");
  const fraction = o.fraction ?? 0.2;
  const nnz = obs.values.length;
  const perm = new Rng(o.seed ?? 0).shuffle(Int32Array.from({ length: nnz }, (_, q) => q));
  const inTest = new Uint8Array(nnz);
  const nTest = Math.round(fraction * nnz);
  for (let t = 0; t < nTest; t++) inTest[perm[t]] = 1;
  const pick = (want: number): Observations => {
    const size = want ? nTest : nnz - nTest;
    const out = { rows: obs.rows, cols: obs.cols, rowIndex: new Int32Array(size), colIndex: new Int32Array(size), values: new Float64Array(size) };
    for (let q = 0, a = 0; q < nnz; q++) {
      if (inTest[q] !== want) continue;
      out.rowIndex[a] = obs.rowIndex[q];
      out.colIndex[a] = obs.colIndex[q];
      out.values[a++] = obs.values[q];
    }
    return out;
  };
  return { train: pick(0), test: pick(1) };
}
