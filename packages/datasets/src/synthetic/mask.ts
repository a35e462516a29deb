import { type DenseMatrix, LowrankError, type MatrixLike, Rng, asMatrix, checkSize, opt, readOptions } from "@lowrank/linalg";
import { checkPositiveInt, checkSeed } from "../validate.js";

const MASK_OPTIONS = { seed: opt.seed(), minPerRow: opt.int({ min: 0 }), minPerCol: opt.int({ min: 0 }) };

/**
 * Most observed positions one mask may hold: the positions are kept in a Set
 * while drawing, and a JavaScript Set holds at most 2^24 entries.
 */
const MAX_OBSERVED = 2 ** 24 - 1;

/** Options of {@link observationMask} and {@link observe}. */
export interface MaskOptions {
  /** PRNG seed (default 0). */
  seed?: number;
  /** Every row gets at least this many observed entries (default 0). */
  minPerRow?: number;
  /** Every column gets at least this many observed entries (default 0). */
  minPerCol?: number;
}

/** Observed positions in coordinate form, sorted by row then column, without duplicates. */
export interface ObservationMask {
  rows: number;
  cols: number;
  rowIndex: Int32Array;
  colIndex: Int32Array;
}

/** An {@link ObservationMask} with the observed values: the input of matrix completion. */
export interface Observations extends ObservationMask {
  values: Float64Array;
}

/**
 * A uniformly random set of round(fraction * rows * cols) distinct positions
 * (Floyd's sampling without replacement, so the count is exact and no entry is
 * drawn twice), topped up so that every row / column reaches `minPerRow` /
 * `minPerCol`. The top-up is the only reason the count can exceed the target;
 * completion needs it because a row with no observation cannot be recovered.
 *
 * Complexity: O(k log k) time and O(k) memory for k observed entries; the
 * full rows x cols grid is never materialised.
 *
 * @example
 * const mask = observationMask(1000, 800, 0.05, { seed: 3, minPerRow: 2 });
 * mask.rowIndex.length; // >= 40000
 */
export function observationMask(
  rows: number,
  cols: number,
  fraction: number,
  opts?: MaskOptions,
): ObservationMask {
  const options = readOptions("observationMask", opts, MASK_OPTIONS);
  checkPositiveInt("rows", rows);
  checkPositiveInt("cols", cols);
  opt.number({ above: 0, max: 1 })(fraction, "fraction");
  const minPerRow = options.minPerRow ?? 0;
  const minPerCol = options.minPerCol ?? 0;
  if (minPerRow > cols) throw new LowrankError("INVALID_ARGUMENT", `minPerRow ${minPerRow} exceeds cols ${cols}`);
  if (minPerCol > rows) throw new LowrankError("INVALID_ARGUMENT", `minPerCol ${minPerCol} exceeds rows ${rows}`);
  const total = rows * cols;
  const target = Math.round(fraction * total);
  const most = target + (minPerRow > 0 ? rows * minPerRow : 0) + (minPerCol > 0 ? cols * minPerCol : 0);
  checkSize(most, "observationMask: observed positions", MAX_OBSERVED);
  if (minPerRow > 0) checkSize(rows, "observationMask: row counts");
  if (minPerCol > 0) checkSize(cols, "observationMask: column counts");
  const rng = new Rng(checkSeed(options.seed));
  // Beyond 2^32, Rng.int cannot draw the index; a 53-bit uniform has bias below 2^-20 there.
  const draw = (n: number) => (n <= 4294967296 ? rng.int(n) : Math.floor(rng.uniform() * n));

  const chosen = new Set<number>();
  for (let j = total - target; j < total; j++) {
    const t = draw(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }

  if (minPerRow > 0) {
    const count = new Int32Array(rows);
    for (const key of chosen) count[Math.floor(key / cols)]++;
    for (let i = 0; i < rows; i++) {
      while (count[i] < minPerRow) {
        const key = i * cols + rng.int(cols);
        if (!chosen.has(key)) {
          chosen.add(key);
          count[i]++;
        }
      }
    }
  }
  if (minPerCol > 0) {
    const count = new Int32Array(cols);
    for (const key of chosen) count[key % cols]++;
    for (let j = 0; j < cols; j++) {
      while (count[j] < minPerCol) {
        const key = rng.int(rows) * cols + j;
        if (!chosen.has(key)) {
          chosen.add(key);
          count[j]++;
        }
      }
    }
  }

  const keys = Float64Array.from(chosen).sort();
  const rowIndex = new Int32Array(keys.length);
  const colIndex = new Int32Array(keys.length);
  for (let t = 0; t < keys.length; t++) {
    const i = Math.floor(keys[t] / cols);
    rowIndex[t] = i;
    colIndex[t] = keys[t] - i * cols;
  }
  return { rows, cols, rowIndex, colIndex };
}

/**
 * Samples an {@link observationMask} of `M` and reads the observed values:
 * the `(rowIndex, colIndex, values)` triplets a matrix-completion solver takes.
 *
 * Complexity: that of {@link observationMask}, plus O(k) to gather values.
 *
 * @example
 * const { M } = lowRankMatrix(300, 200, 4, { seed: 1 });
 * const train = observe(M, 0.2, { seed: 2, minPerRow: 4, minPerCol: 4 });
 */
export function observe(matrix: DenseMatrix | MatrixLike, fraction: number, options?: MaskOptions): Observations {
  const M = asMatrix(matrix, "M");
  if (M.rows === 0 || M.cols === 0) throw new LowrankError("EMPTY", `M is empty (${M.rows} x ${M.cols})`);
  const mask = observationMask(M.rows, M.cols, fraction, options);
  const values = new Float64Array(mask.rowIndex.length);
  for (let t = 0; t < values.length; t++) values[t] = M.data[mask.rowIndex[t] * M.cols + mask.colIndex[t]];
  return { ...mask, values };
}
