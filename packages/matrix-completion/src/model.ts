// The fitted model: factors, biases, training record, and predictions.
import { asIndices, checkDim, LowrankError, opt } from "@lowrank/linalg";
import { checkFactor, checkObserved, trusting } from "./model-checks.js";
import { readOpts } from "./options.js";
import { MODEL_FORMAT_VERSION, modelFromBytes, modelFromJSON, modelToBytes, modelToJSON, type CompletionModelJSON, type ModelParts } from "./persist.js";
import { castResult, DTYPE, type AsFloat32, type DenseMatrix, type Dtype, type DtypeOption, type WithDtype } from "@lowrank/linalg";

/** Which algorithm fitted a model. */
export type Method = "als" | "altmin" | "robust-altmin" | "bpmf";

/** One iteration of a run. */
export interface IterationRecord {
  /** 1-based iteration number. */
  iteration: number;
  /**
   * Objective per observation: mean squared training error plus the penalty / |Omega| (als), or the mean squared training
   * error (altmin); bpmf: the sweep's sample's mean squared training error (noise "scaled": each rating's error weighted by
   * its row's and column's noise scales).
   */
  loss: number;
  /** Root-mean-square error on the training observations. */
  trainRmse: number;
  /** RMSE on `options.validation`, when given. */
  validationRmse?: number;
  /** Wall time of the iteration (both half-steps and the loss), ms. */
  ms: number;
  /** robust-altmin: PCG steps per row and half-step, averaged over the rows of both sides (rows solved exactly count 0). */
  innerSteps?: number;
  /** robust-altmin: rows (of both half-steps) whose PCG ran maxInner steps without its residual falling by innerTol. */
  innerUnconverged?: number;
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

/** An index argument: INVALID_ARGUMENT unless a number, INDEX unless an integer in [0, n). */
function checkIndex(v: unknown, n: number, what: string): number {
  if (typeof v !== "number") throw new LowrankError("INVALID_ARGUMENT", `${what} must be a number, got ${v === null ? "null" : typeof v}`);
  if (!Number.isInteger(v) || v < 0 || v >= n) throw new LowrankError("INDEX", `${what} ${v} is outside [0, ${n})`);
  return v;
}

/** How the fit ended: whether the loss criterion (tol) was met before maxIter, and the final training RMSE. */
export interface FitStatus {
  /** True when the training loss improved by less than tol (relative) in the last iteration; false when maxIter stopped the run. */
  converged: boolean;
  /** Root-mean-square error on the training observations after the last iteration. */
  residual: number;
}

/** The original ids of a model's rows and columns, as `parseRatings` returns them. */
export interface ModelIds {
  /** rowIds[i]: the user id of row i. */
  rowIds: readonly string[];
  /** colIds[j]: the item id of column j. */
  colIds: readonly string[];
}

const make = (...a: ModelParts) => new CompletionModel(...a);

/** A model from bpmf's fit: the constructor's checks of kinds and shapes, without the scans of every entry. */
export const fittedModel = (...a: ModelParts): CompletionModel => trusting(() => new CompletionModel(...a));

const METHODS: readonly Method[] = ["als", "altmin", "robust-altmin", "bpmf"];

function modelError(msg: string): LowrankError {
  return new LowrankError("INVALID_ARGUMENT", `CompletionModel: ${msg}`);
}

const RECOMMEND_OPTIONS = { exclude: opt.any<"observed" | "none" | ArrayLike<number>>() };
const DTYPE_OPTIONS = { dtype: DTYPE };

/** What {@link CompletionModel.factors} returns: copies of the model's parts. */
export interface CompletionFactors {
  kind: "completion-factors";
  /** The layout version (1). */
  version: number;
  /** rows x rank. */
  U: DenseMatrix;
  /** cols x rank. */
  V: DenseMatrix;
  rowBias: Float64Array;
  colBias: Float64Array;
  globalMean: number;
  /** Predictions are clamped to [clip[0], clip[1]]. */
  clip: [number, number];
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
    /** Predictions are clamped to [clip[0], clip[1]] (±Number.MAX_VALUE: not clamped). */
    readonly clip: readonly [number, number],
    readonly history: IterationRecord[],
    readonly regularization: ModelRegularization,
    /** Observed columns of each row (CSR pointers and columns), for `recommend`'s default exclusion. */
    readonly observed: { ptr: Int32Array; cols: Int32Array },
    /** The original user and item ids, when attached with `withIds` (kept by toJSON and toBytes); null otherwise. */
    readonly ids: ModelIds | null = null,
    /** How the fit ended; by default (a hand-built model) not converged, with the last history record's training RMSE (NaN without history). */
    status: FitStatus | null = null,
  ) {
    // The model is built by complete() and foldIn(); a hand-built one is held to the same shape, so its methods cannot misread.
    if (!METHODS.includes(method)) throw modelError(`method must be one of ${METHODS.join(", ")}, got ${typeof method === "string" ? JSON.stringify(method) : typeof method}`);
    checkDim(rows, "CompletionModel: rows");
    checkDim(cols, "CompletionModel: cols");
    checkDim(rank, "CompletionModel: rank");
    if (rows === 0 || cols === 0) throw new LowrankError("EMPTY", `CompletionModel: a ${rows} x ${cols} model`);
    checkFactor(U, rows * rank, "U");
    checkFactor(V, cols * rank, "V");
    checkFactor(rowBias, rows, "rowBias");
    checkFactor(colBias, cols, "colBias");
    if (typeof globalMean !== "number" || !Number.isFinite(globalMean)) throw modelError(`globalMean must be a finite number, got ${typeof globalMean === "number" ? globalMean : typeof globalMean}`);
    if (!Array.isArray(clip) || clip.length !== 2 || typeof clip[0] !== "number" || typeof clip[1] !== "number" || !(clip[0] <= clip[1])) {
      throw modelError("clip must be [lo, hi] with lo <= hi (±Number.MAX_VALUE: not clamped)");
    }
    if (!Array.isArray(history)) throw modelError("history must be an array");
    const r = regularization as ModelRegularization | null;
    if (r === null || typeof r !== "object" || !(r.lambda >= 0 && r.lambda < Infinity) || !(r.biasLambda >= 0 && r.biasLambda < Infinity)
      || typeof r.weighted !== "boolean" || typeof r.biases !== "boolean") {
      throw modelError("regularization must be { lambda, biasLambda (finite, >= 0), weighted, biases (booleans) }");
    }
    const o = observed as { ptr: unknown; cols: unknown } | null;
    if (o === null || typeof o !== "object" || !(o.ptr instanceof Int32Array) || !(o.cols instanceof Int32Array) || o.ptr.length !== rows + 1) {
      throw modelError("observed must be { ptr: Int32Array of rows + 1, cols: Int32Array }");
    }
    const { ptr, cols: oc } = observed;
    if (ptr[0] !== 0 || ptr[rows] !== oc.length) throw modelError("observed.ptr must run from 0 to observed.cols.length");
    checkObserved(ptr, oc, rows, cols);
    if (ids !== null && ids !== undefined) {
      const ok = (a: unknown, n: number) => Array.isArray(a) && a.length === n && a.every((x) => typeof x === "string");
      if (typeof ids !== "object" || !ok(ids.rowIds, rows) || !ok(ids.colIds, cols)) {
        throw modelError(`ids must be { rowIds: ${rows} strings, colIds: ${cols} strings }`);
      }
      this.ids = { rowIds: ids.rowIds.slice(), colIds: ids.colIds.slice() };
    } else {
      this.ids = null;
    }
    if (status !== null && status !== undefined) {
      if (typeof status !== "object" || typeof status.converged !== "boolean" || typeof status.residual !== "number" || !(status.residual >= 0 || Number.isNaN(status.residual))) {
        throw modelError("status must be { converged: boolean, residual: a number >= 0 or NaN }");
      }
      this.converged = status.converged;
      this.residual = status.residual;
    } else {
      this.converged = false;
      this.residual = history.length > 0 && typeof history[history.length - 1]?.trainRmse === "number" ? history[history.length - 1].trainRmse : NaN;
    }
  }

  /** Always "completion-model". */
  readonly kind = "completion-model" as const;
  /** The model's format version: what toJSON and toBytes write (MODEL_FORMAT_VERSION). */
  readonly version: number = MODEL_FORMAT_VERSION;
  /** Whether the fit met its tolerance before maxIter (see {@link FitStatus}). */
  readonly converged: boolean;
  /** The final training RMSE (see {@link FitStatus}). */
  readonly residual: number;

  /**
   * The same model with the original user and item ids attached (e.g. the
   * `rowIds` and `colIds` of `parseRatings`), so that toJSON and toBytes keep
   * them. INVALID_ARGUMENT unless there is one string per row and per column.
   *
   * @example
   * const parsed = parseRatings(text);
   * const model = (await complete(parsed.observations, { rank: 10 })).withIds(parsed);
   */
  withIds(ids: ModelIds): CompletionModel {
    if (ids === null || typeof ids !== "object") throw modelError("withIds: expected { rowIds, colIds }");
    return new CompletionModel(
      this.method, this.rows, this.cols, this.rank, this.U, this.V, this.rowBias, this.colBias, this.globalMean, this.clip,
      this.history, this.regularization, this.observed, { rowIds: ids.rowIds, colIds: ids.colIds },
      { converged: this.converged, residual: this.residual },
    );
  }

  /**
   * The model as plain data (`kind: "completion-model"`, a format `version`,
   * factors and biases as number arrays, ids when held), so that
   * `JSON.stringify(model)` saves it and `structuredClone` copies it.
   * `CompletionModel.fromJSON` loads it back; predictions are bit-identical.
   *
   * @example
   * const text = JSON.stringify(model);
   * const again = CompletionModel.fromJSON(text);
   */
  toJSON(): CompletionModelJSON {
    return modelToJSON(this);
  }

  /**
   * A model from `toJSON()`'s object or its JSON text. INVALID_ARGUMENT for
   * anything else, a damaged form, or a format version newer than this package reads.
   */
  static fromJSON(json: CompletionModelJSON | string): CompletionModel {
    return modelFromJSON(json, make);
  }

  /**
   * The model in a compact binary form: a header (magic "LRCM", format
   * version, flags, sizes, a CRC-32), then Float64 factors and biases
   * little-endian, the observed pattern and, when held, the ids.
   *
   * @example
   * fs.writeFileSync("model.bin", model.toBytes());
   */
  toBytes(): Uint8Array {
    return modelToBytes(this);
  }

  /**
   * A model from `toBytes()`'s output (a Uint8Array, Node Buffer or
   * ArrayBuffer). INVALID_ARGUMENT for a truncated or corrupted buffer, or a
   * format version newer than this package reads.
   *
   * @example
   * const model = CompletionModel.fromBytes(fs.readFileSync("model.bin"));
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer): CompletionModel {
    return modelFromBytes(bytes, make);
  }

  /**
   * Predicted value of entry (i, j). O(k).
   *
   * @example
   * model.predict(0, 42); // e.g. 3.81 stars
   */
  predict(i: number, j: number): number {
    checkIndex(i, this.rows, "predict: row");
    checkIndex(j, this.cols, "predict: column");
    return this.#at(i, j);
  }

  #at(i: number, j: number): number {
    const k = this.rank, U = this.U, V = this.V;
    let s = 0;
    for (let t = 0; t < k; t++) s += U[i * k + t] * V[j * k + t];
    const p = this.globalMean + this.rowBias[i] + this.colBias[j] + s;
    if (p - p !== 0) {
      // Only factors near the top of double range overflow here. A sum that overflowed to ±Infinity is truly beyond
      // a finite clamp bound, so it is that bound; otherwise the prediction is not representable.
      if (p === Infinity && this.clip[1] < Number.MAX_VALUE) return this.clip[1];
      if (p === -Infinity && this.clip[0] > -Number.MAX_VALUE) return this.clip[0];
      throw new LowrankError("NON_FINITE", `the prediction at (${i}, ${j}) is ${p}: this model's factors overflow double range`);
    }
    return p < this.clip[0] ? this.clip[0] : p > this.clip[1] ? this.clip[1] : p;
  }

  /**
   * Predictions at the positions (rowIndex[q], colIndex[q]). O(n k).
   * `{ dtype: "float32" }` returns them as a Float32Array (each the nearest
   * float32 to the f64 prediction), for TensorFlow.js or WebGL.
   *
   * @example
   * model.predictMany(test.rowIndex, test.colIndex); // Float64Array, one per position
   */
  predictMany<D extends Dtype = "float64">(rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, opts?: DtypeOption<D>): WithDtype<Float64Array, D>;
  predictMany(rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, opts?: DtypeOption): Float64Array | Float32Array {
    const { dtype } = readOpts("predictMany", opts, DTYPE_OPTIONS);
    const ri = asIndices(rowIndex, "predictMany: rowIndex", this.rows);
    const ci = asIndices(colIndex, "predictMany: colIndex", this.cols);
    if (ri.length !== ci.length) {
      throw new LowrankError("SHAPE", `predictMany: rowIndex and colIndex must have the same length (got ${ri.length} and ${ci.length})`);
    }
    const out = new Float64Array(ri.length);
    for (let q = 0; q < out.length; q++) out[q] = this.#at(ri[q], ci[q]);
    return castResult(out, dtype, "predictMany");
  }

  /**
   * Copies of the factors and biases, the model's parts for scoring on a GPU:
   * prediction(i, j) = globalMean + rowBias[i] + colBias[j] + (U Vᵀ)_ij,
   * clamped to `clip`. `{ dtype: "float32" }` returns Float32Arrays (each entry
   * rounded to the nearest float32), ready for TensorFlow.js or WebGL. O((rows + cols) rank).
   *
   * @example
   * const { U, V } = model.factors({ dtype: "float32" }); // U.data: Float32Array, rows x rank
   */
  factors<D extends Dtype = "float64">(opts?: DtypeOption<D>): WithDtype<CompletionFactors, D>;
  factors(opts?: DtypeOption): CompletionFactors | AsFloat32<CompletionFactors> {
    const { dtype } = readOpts("factors", opts, DTYPE_OPTIONS);
    const parts: CompletionFactors = {
      kind: "completion-factors", version: MODEL_FORMAT_VERSION,
      U: { rows: this.rows, cols: this.rank, data: this.U.slice() }, V: { rows: this.cols, cols: this.rank, data: this.V.slice() },
      rowBias: this.rowBias.slice(), colBias: this.colBias.slice(), globalMean: this.globalMean, clip: [this.clip[0], this.clip[1]],
    };
    return castResult(parts, dtype, "factors");
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
    checkIndex(i, this.rows, "recommend: row");
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new LowrankError("INVALID_ARGUMENT", `recommend: n must be a non-negative integer, got ${typeof n === "number" ? n : typeof n}`);
    }
    const o = readOpts("recommend", opts, RECOMMEND_OPTIONS);
    const skip = new Uint8Array(this.cols);
    if (o.exclude === null) throw new LowrankError("INVALID_ARGUMENT", `recommend: exclude must be "observed", "none" or a list of columns, got null`);
    const ex = o.exclude ?? "observed";
    if (ex === "observed") {
      const { ptr, cols } = this.observed;
      for (let q = ptr[i]; q < ptr[i + 1]; q++) skip[cols[q]] = 1;
    } else if (ex !== "none") {
      if (typeof ex === "string") throw new LowrankError("INVALID_ARGUMENT", `recommend: exclude must be "observed", "none" or a list of columns, got ${JSON.stringify(ex)}`);
      const list = asIndices(ex, "recommend: exclude", this.cols);
      for (let q = 0; q < list.length; q++) skip[list[q]] = 1;
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
      const s = this.#at(i, j);
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
