import { type DenseMatrix, LowrankError, checkSize, opt, readOptions } from "@lowrank/linalg";

/** How string-valued (categorical) fields become columns. */
export type CategoricalCoding = "dummy" | "codes";

/** Options of {@link regressionDesign} and the regression loaders. */
export interface RegressionDesignOptions {
  /** Prepend a column of ones named "(intercept)" (default false). */
  intercept?: boolean;
  /** Centre every non-intercept column and divide by its sample standard deviation (n - 1) (default false). */
  standardize?: boolean;
  /**
   * "dummy" (default): a categorical field with k levels becomes k - 1
   * indicator columns "field=level"; the alphabetically first level is the
   * reference, so A keeps full column rank next to an intercept. "codes": one
   * column holding the level's index in alphabetical order (0, 1, ...).
   */
  categorical?: CategoricalCoding;
}

/** A least-squares problem A x ~ b with named columns. */
export interface RegressionDesign {
  A: DenseMatrix;
  b: Float64Array;
  featureNames: string[];
  targetName: string;
  /** Column means subtracted when `standardize` (0 for the intercept), else undefined. */
  means?: Float64Array;
  /** Column standard deviations divided by when `standardize` (1 for the intercept), else undefined. */
  scales?: Float64Array;
}

type Row = Record<string, unknown>;

/** A categorical field's value as its level name: strings, and numbers or booleans mixed in, by their text. */
function level(v: unknown, field: string, record: number): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || v === undefined || v === null) return String(v);
  throw new LowrankError("INVALID_ARGUMENT", `regressionDesign: field "${field}" of record ${record} is a ${typeof v}, not a category name`);
}

/** The options of {@link regressionDesign}. */
export const DESIGN_OPTIONS = {
  intercept: opt.boolean(),
  standardize: opt.boolean(),
  categorical: opt.oneOf(["dummy", "codes"] as const),
};

/**
 * Turns records into a design matrix: numeric fields are copied, string fields
 * are coded by `categorical`, then columns are optionally standardised and an
 * intercept prepended. Browser-safe; the Boston and CPS loaders call it.
 *
 * Complexity: O(rows * columns).
 *
 * @example
 * const { A, b } = regressionDesign([{ x: 1, g: "a", y: 2 }, { x: 3, g: "b", y: 5 }], ["x", "g"], "y", { intercept: true });
 * // A is 2 x 3: (intercept), x, g=b
 */
export function regressionDesign(
  records: readonly Row[],
  features: readonly string[],
  target: string,
  opts?: RegressionDesignOptions,
): RegressionDesign {
  const options = readOptions("regressionDesign", opts, DESIGN_OPTIONS);
  if (!Array.isArray(records)) throw new LowrankError("INVALID_ARGUMENT", "regressionDesign: records must be an array of objects");
  if (records.length === 0) throw new LowrankError("EMPTY", "no records");
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r === null || typeof r !== "object") throw new LowrankError("INVALID_ARGUMENT", `regressionDesign: records[${i}] is not an object`);
  }
  if (!Array.isArray(features)) throw new LowrankError("INVALID_ARGUMENT", "regressionDesign: features must be an array of field names");
  for (let j = 0; j < features.length; j++) {
    if (typeof features[j] !== "string") throw new LowrankError("INVALID_ARGUMENT", `regressionDesign: features[${j}] is not a string`);
  }
  if (typeof target !== "string") throw new LowrankError("INVALID_ARGUMENT", "regressionDesign: target must be a field name (a string)");
  if (features.length === 0) throw new LowrankError("EMPTY", "no features");
  const coding = options.categorical ?? "dummy";
  const n = records.length;
  const columns: { name: string; value: (r: Row) => number }[] = [];
  for (const f of features) {
    const first = Object.hasOwn(records[0], f) ? records[0][f] : undefined;
    if (typeof first === "string") {
      const levels = [...new Set(records.map((r, i) => level(r[f], f, i)))].sort();
      checkSize(n * (coding === "codes" ? 1 : levels.length - 1 + columns.length + 1), "regressionDesign: A");
      if (coding === "codes") {
        const code = new Map(levels.map((l, i) => [l, i]));
        columns.push({ name: f, value: (r) => code.get(level(r[f], f, 0))! });
      } else {
        for (const level of levels.slice(1)) columns.push({ name: `${f}=${level}`, value: (r) => (r[f] === level ? 1 : 0) });
      }
    } else if (typeof first === "number") {
      columns.push({ name: f, value: (r) => (typeof r[f] === "number" ? (r[f] as number) : NaN) });
    } else {
      throw new LowrankError("INVALID_ARGUMENT", `feature "${f}" is missing or neither a number nor a string`);
    }
  }
  const offset = options.intercept ? 1 : 0;
  const p = columns.length + offset;
  checkSize(n * p, "regressionDesign: A");
  const data = new Float64Array(n * p);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (offset) data[i * p] = 1;
    for (let j = 0; j < columns.length; j++) data[i * p + offset + j] = columns[j].value(r);
    const y = r[target];
    b[i] = typeof y === "number" ? y : NaN;
  }
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t])) {
      throw new LowrankError("NON_FINITE", `record ${Math.floor(t / p)}, column ${t % p} is not a finite number`);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(b[i])) throw new LowrankError("NON_FINITE", `target "${target}" of record ${i} is not a finite number`);
  }

  const featureNames = [...(offset ? ["(intercept)"] : []), ...columns.map((c) => c.name)];
  if (!options.standardize) return { A: { rows: n, cols: p, data }, b, featureNames, targetName: target };
  if (n < 2) throw new LowrankError("SHAPE", "standardising needs at least 2 records");
  const means = new Float64Array(p);
  const scales = new Float64Array(p).fill(1);
  for (let j = offset; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * p + j];
    const mean = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * p + j] - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    if (!(sd > 0)) throw new LowrankError("RANK", `column "${featureNames[j]}" is constant and cannot be standardised`);
    for (let i = 0; i < n; i++) data[i * p + j] = (data[i * p + j] - mean) / sd;
    means[j] = mean;
    scales[j] = sd;
  }
  // Values near the double range overflow the mean or the variance: refuse rather than return NaN.
  for (const [arr, what] of [[data, "the standardised design"], [means, "a column mean"], [scales, "a column scale"]] as const) {
    for (let t = 0; t < arr.length; t++) {
      if (!Number.isFinite(arr[t])) throw new LowrankError("NON_FINITE", `standardising overflows the double range (${what}); rescale the records first`);
    }
  }
  return { A: { rows: n, cols: p, data }, b, featureNames, targetName: target, means, scales };
}
