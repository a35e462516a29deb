import { LowrankError, type OptionCheck } from "@lowrank/linalg";
import type { Observations } from "./observations.js";
import { readOpts } from "./options.js";

/** Options of {@link parseRatings}. */
export interface ParseRatingsOptions {
  /** Field separator: a string or RegExp (default: tab, "::", comma or runs of spaces). */
  delimiter?: string | RegExp;
}

const delimiter: OptionCheck<string | RegExp> = (v, path) => {
  if (typeof v === "string" || v instanceof RegExp) return v;
  throw new LowrankError("INVALID_ARGUMENT", `${path} must be a string or a RegExp, got ${v === null ? "null" : typeof v}`);
};

const PARSE_OPTIONS = { delimiter };

/** What {@link parseRatings} returns. */
export interface ParsedRatings {
  observations: Observations;
  /** rowIds[i] is the original user id of row i (in order of first appearance). */
  rowIds: string[];
  /** colIds[j] is the original item id of column j. */
  colIds: string[];
  rowMap: Map<string, number>;
  colMap: Map<string, number>;
  /**
   * The fourth field of each line, in observation order, when every line has
   * a numeric one; null when any line has none (so no NaN stands in for a
   * missing timestamp).
   */
  timestamps: Float64Array | null;
}

/**
 * Reads MovieLens-style `user item rating [timestamp]` lines (ml-100k `u.data`
 * with tabs, ml-1m `::`, CSV with a header) and remaps user and item ids to
 * dense indices in order of first appearance, keeping both maps. Blank lines
 * are skipped, as is a first line whose rating field is not a number (a
 * header). delimiter: a string or RegExp (default: tab, "::", comma or runs of
 * spaces). Errors: SHAPE (a line with fewer than 3 fields), NON_FINITE (a
 * rating that is not a finite number), EMPTY (no ratings). `timestamps` is
 * null unless every line has a numeric fourth field. O(text length).
 *
 * @example
 * const { observations, rowIds } = parseRatings("196\t242\t3\t881250949\n186\t302\t3\t891717742\n");
 * observations.values; // Float64Array [3, 3]
 */
export function parseRatings(text: string, opts: ParseRatingsOptions = {}): ParsedRatings {
  if (typeof text !== "string") throw new LowrankError("INVALID_ARGUMENT", `parseRatings: text must be a string, got ${text === null ? "null" : typeof text}`);
  const o = readOpts("parseRatings", opts, PARSE_OPTIONS);
  const delim = o.delimiter ?? /\t|::|,|\s+/;
  const rowMap = new Map<string, number>(), colMap = new Map<string, number>();
  const rowIds: string[] = [], colIds: string[] = [];
  const ri: number[] = [], ci: number[] = [], vals: number[] = [], ts: number[] = [];
  const lines = text.split(/\r?\n/);
  let first = true;
  let timed = true;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === "") continue;
    const isFirst = first;
    first = false;
    const f = line.split(delim).map((s) => s.trim());
    if (f.length < 3) throw new LowrankError("SHAPE", `parseRatings: line ${ln + 1} has ${f.length} fields, expected user, item, rating[, timestamp]: "${line}"`);
    const v = Number(f[2]);
    if (!Number.isFinite(v) || f[2] === "") {
      if (isFirst) continue;
      throw new LowrankError("NON_FINITE", `parseRatings: line ${ln + 1} has rating "${f[2]}", not a finite number`);
    }
    let i = rowMap.get(f[0]);
    if (i === undefined) {
      rowMap.set(f[0], (i = rowIds.length));
      rowIds.push(f[0]);
    }
    let j = colMap.get(f[1]);
    if (j === undefined) {
      colMap.set(f[1], (j = colIds.length));
      colIds.push(f[1]);
    }
    ri.push(i);
    ci.push(j);
    vals.push(v);
    const t = f.length > 3 && f[3] !== "" ? Number(f[3]) : NaN;
    if (!Number.isFinite(t)) timed = false;
    ts.push(t);
  }
  if (vals.length === 0) throw new LowrankError("EMPTY", "parseRatings: no ratings in the text");
  return {
    observations: {
      rows: rowIds.length, cols: colIds.length,
      rowIndex: Int32Array.from(ri), colIndex: Int32Array.from(ci), values: Float64Array.from(vals),
    },
    rowIds, colIds, rowMap, colMap, timestamps: timed ? Float64Array.from(ts) : null,
  };
}
