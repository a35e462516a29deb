// The fitted model: factors, biases, training record, and predictions.
import { LowrankError } from "@lowrank/linalg";

/** Which algorithm fitted a model. */
export type Method = "als" | "altmin" | "robust-altmin";

/** One iteration of a run. */
export interface IterationRecord {
  /** 1-based iteration number. */
  iter: number;
  /** Objective per observation: mean squared training error plus the penalty / |Omega| (als), or the mean squared training error (altmin). */
  loss: number;
  /** Root-mean-square error on the training observations. */
  trainRmse: number;
  /** RMSE on `options.validation`, when given. */
  validationRmse?: number;
  /** Wall time of the iteration (both half-steps and the loss), ms. */
  ms: number;
  /** robust-altmin: PCG steps per row and half-step, averaged over the rows of both sides (rows solved exactly count 0). */
  innerSteps?: number;
}

/** What `recommend` returns: the best columns first. */
export interface Recommendation {
  items: Int32Array;
  scores: Float64Array;
}

/** The regularisation a model was fitted with, reused by `foldIn`. */
export interface ModelRegularization {
  lambda: number;
  biasLambda: number;
  /** lambda multiplied by each row's observation count (ALS-WR). */
  weighted: boolean;
  biases: boolean;
  /** With lambda "auto": each lambda tried and its hold-out RMSE, in the order tried. */
  search?: { lambda: number; rmse: number }[];
}

function checkIndex(v: number, n: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= n) throw new LowrankError("INDEX", `${what} ${v} is outside [0, ${n})`);
}

/**
 * A completed matrix in factored form: entry (i, j) is predicted as
 * globalMean + rowBias[i] + colBias[j] + U_i · V_j, clamped to `clip`.
 */
export class CompletionModel {
  constructor(
    readonly method: Method,
    readonly rows: number,
    readonly cols: number,
    readonly rank: number,
    /** rows x rank, row-major. */
    readonly U: Float64Array,
    /** cols x rank, row-major. */
    readonly V: Float64Array,
    readonly rowBias: Float64Array,
    readonly colBias: Float64Array,
    readonly globalMean: number,
    /** Predictions are clamped to [clip[0], clip[1]] (±Infinity: not clamped). */
    readonly clip: readonly [number, number],
    readonly history: IterationRecord[],
    readonly regularization: ModelRegularization,
    /** Observed columns of each row (CSR pointers and columns), for `recommend`'s default exclusion. */
    readonly observed: { ptr: Int32Array; cols: Int32Array },
  ) {}

  /**
   * Predicted value of entry (i, j). O(k).
   *
   * @example
   * model.predict(0, 42); // e.g. 3.81 stars
   */
  predict(i: number, j: number): number {
    checkIndex(i, this.rows, "row");
    checkIndex(j, this.cols, "column");
    return this.at(i, j);
  }

  private at(i: number, j: number): number {
    const k = this.rank, U = this.U, V = this.V;
    let s = 0;
    for (let t = 0; t < k; t++) s += U[i * k + t] * V[j * k + t];
    const p = this.globalMean + this.rowBias[i] + this.colBias[j] + s;
    return p < this.clip[0] ? this.clip[0] : p > this.clip[1] ? this.clip[1] : p;
  }

  /**
   * Predictions at the positions (rowIndex[q], colIndex[q]). O(n k).
   *
   * @example
   * model.predictMany(test.rowIndex, test.colIndex); // Float64Array, one per position
   */
  predictMany(rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>): Float64Array {
    if (rowIndex.length !== colIndex.length) {
      throw new LowrankError("SHAPE", `rowIndex and colIndex must have the same length (got ${rowIndex.length} and ${colIndex.length})`);
    }
    const out = new Float64Array(rowIndex.length);
    for (let q = 0; q < out.length; q++) {
      const i = rowIndex[q], j = colIndex[q];
      checkIndex(i, this.rows, `rowIndex[${q}] =`);
      checkIndex(j, this.cols, `colIndex[${q}] =`);
      out[q] = this.at(i, j);
    }
    return out;
  }

  /**
   * The n columns with the highest predicted values in row i, best first.
   * `exclude`: "observed" (default: the row's training entries), "none", or a
   * list of columns. O(cols k + cols log n).
   *
   * @example
   * const { items, scores } = model.recommend(7, 10); // 10 unseen items for user 7
   */
  recommend(i: number, n: number, opts: { exclude?: "observed" | "none" | ArrayLike<number> } = {}): Recommendation {
    checkIndex(i, this.rows, "row");
    if (!Number.isInteger(n) || n < 0) throw new LowrankError("INVALID_ARGUMENT", `recommend: n must be a non-negative integer, got ${n}`);
    const skip = new Uint8Array(this.cols);
    const ex = opts.exclude ?? "observed";
    if (ex === "observed") {
      const { ptr, cols } = this.observed;
      if (i + 1 < ptr.length) for (let q = ptr[i]; q < ptr[i + 1]; q++) skip[cols[q]] = 1;
    } else if (ex !== "none") {
      for (let q = 0; q < ex.length; q++) {
        checkIndex(ex[q], this.cols, `exclude[${q}] =`);
        skip[ex[q]] = 1;
      }
    }
    // A size-n min-heap of (score, column): O(cols log n), ties broken towards the smaller column.
    const hs: number[] = [], hc: number[] = [];
    const worse = (a: number, b: number) => hs[a] < hs[b] || (hs[a] === hs[b] && hc[a] > hc[b]);
    const swap = (a: number, b: number) => {
      [hs[a], hs[b]] = [hs[b], hs[a]];
      [hc[a], hc[b]] = [hc[b], hc[a]];
    };
    for (let j = 0; j < this.cols && n > 0; j++) {
      if (skip[j]) continue;
      const s = this.at(i, j);
      if (hs.length < n) {
        hs.push(s);
        hc.push(j);
        for (let c = hs.length - 1; c > 0 && worse(c, (c - 1) >> 1); c = (c - 1) >> 1) swap(c, (c - 1) >> 1);
      } else if (s > hs[0]) {
        hs[0] = s;
        hc[0] = j;
        for (let c = 0; ;) {
          const a = 2 * c + 1, b = a + 1;
          let w = c;
          if (a < hs.length && worse(a, w)) w = a;
          if (b < hs.length && worse(b, w)) w = b;
          if (w === c) break;
          swap(c, w);
          c = w;
        }
      }
    }
    const order = hs.map((_, t) => t).sort((a, b) => hs[b] - hs[a] || hc[a] - hc[b]);
    return { items: Int32Array.from(order, (t) => hc[t]), scores: Float64Array.from(order, (t) => hs[t]) };
  }
}
