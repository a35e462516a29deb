import { LowrankError } from "./errors.js";
import { asCsr, asMatrix, checkDim, checkSize } from "./input.js";
import { readOptions, type OptionCheck } from "./options.js";
import type { CsrLike, CsrMatrix, DenseMatrix, MatrixLike } from "./types.js";

/** True when `m` is a CSR matrix (an object with `indptr`) rather than a dense one. */
export function isCsr(m: unknown): m is CsrMatrix {
  return m !== null && typeof m === "object" && (m as { indptr?: unknown }).indptr !== undefined;
}

type Field = "real" | "integer" | "pattern" | "double";
type Symmetry = "general" | "symmetric" | "skew-symmetric";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;
const UINT = /^\d+$/;

function malformed(line: number, what: string): LowrankError {
  return new LowrankError("SHAPE", `Matrix Market line ${line}: ${what}`);
}

function parseNumber(tok: string, line: number, field: Field): number {
  if (NON_FINITE.test(tok)) throw new LowrankError("NON_FINITE", `Matrix Market line ${line}: value ${tok} is not finite`);
  if (!DECIMAL.test(tok)) throw malformed(line, `"${tok.slice(0, 40)}" is not a number`);
  const v = Number(tok);
  if (!Number.isFinite(v)) throw new LowrankError("NON_FINITE", `Matrix Market line ${line}: value ${tok} is beyond the double range`);
  if (field === "integer" && !Number.isInteger(v)) throw malformed(line, `"${tok}" is not an integer (the file declares the integer field)`);
  return v;
}

/** A size-line entry: a plain non-negative integer, refused (TOO_LARGE) past what an array can hold. */
function parseDim(tok: string | undefined, line: number, name: string): number {
  if (tok === undefined || !UINT.test(tok)) throw malformed(line, `${name} "${tok ?? ""}" is not a non-negative integer`);
  return checkDim(Number(tok), `Matrix Market ${name}`);
}

/**
 * Parses a Matrix Market file (NIST format). `array` files become dense
 * matrices (the file is column-major), `coordinate` files become CSR with
 * sorted column indices and duplicate entries summed. Fields real, integer
 * and pattern (pattern entries read as 1); symmetric and skew-symmetric files
 * (lower triangle stored, as the format says) are expanded to both
 * triangles. Complex and hermitian files are rejected. Sizes are checked
 * against the data before anything is allocated, so a header announcing a
 * huge matrix is refused (TOO_LARGE, or SHAPE when the data do not match).
 * O(size of the file + nnz log(nnz per row)).
 * Errors: INVALID_ARGUMENT (not a string; unsupported field or symmetry),
 * SHAPE (malformed header, size or data line; entry counts that do not match),
 * INDEX (an entry outside the matrix or not an integer), NON_FINITE, TOO_LARGE.
 *
 * @example
 * const A = readMatrixMarket("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 3.5\n");
 * // CSR 2 x 2 with A(0, 1) = 3.5
 */
export function readMatrixMarket(text: string): DenseMatrix | CsrMatrix {
  if (typeof text !== "string") throw new LowrankError("INVALID_ARGUMENT", "readMatrixMarket expects the file's text (a string)");
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").trim().toLowerCase().split(/\s+/);
  if (header[0] !== "%%matrixmarket" || header[1] !== "matrix") {
    throw new LowrankError("SHAPE", "not a Matrix Market file: the first line must start with %%MatrixMarket matrix");
  }
  const format = header[2];
  const field = header[3] as Field;
  const symmetry = header[4] as Symmetry;
  if (format !== "coordinate" && format !== "array") throw new LowrankError("SHAPE", `Matrix Market format "${format}" is not coordinate or array`);
  if (!["real", "integer", "pattern", "double"].includes(field)) {
    throw new LowrankError("INVALID_ARGUMENT", `Matrix Market field "${field}" is not supported (real, integer, pattern)`);
  }
  if (!["general", "symmetric", "skew-symmetric"].includes(symmetry)) {
    throw new LowrankError("INVALID_ARGUMENT", `Matrix Market symmetry "${symmetry}" is not supported (general, symmetric, skew-symmetric)`);
  }
  if (header.length > 5) throw new LowrankError("SHAPE", `Matrix Market header has extra words: "${lines[0].slice(0, 80)}"`);
  if (format === "array" && field === "pattern") throw new LowrankError("SHAPE", "a pattern matrix must be in coordinate format");
  let li = 1;
  while (li < lines.length && (lines[li].startsWith("%") || lines[li].trim() === "")) li++;
  if (li >= lines.length) throw new LowrankError("SHAPE", "Matrix Market file has no size line");
  const sizeLine = li + 1;
  const size = lines[li].trim().split(/\s+/);
  const want = format === "array" ? 2 : 3;
  if (size.length !== want) throw malformed(sizeLine, `the size line must hold ${want === 2 ? "rows cols" : "rows cols nnz"}, got "${lines[li].slice(0, 80)}"`);
  const rows = parseDim(size[0], sizeLine, "rows");
  const cols = parseDim(size[1], sizeLine, "cols");
  if (symmetry !== "general" && rows !== cols) throw new LowrankError("SHAPE", `a ${symmetry} matrix must be square, got ${rows} x ${cols}`);
  const skew = symmetry === "skew-symmetric";
  li++;
  if (format === "array") {
    // Symmetric array files list only the lower triangle (skew: strictly lower), column by column.
    const count = symmetry === "general" ? rows * cols : skew ? (rows * (rows - 1)) / 2 : (rows * (rows + 1)) / 2;
    checkSize(rows * cols, "Matrix Market array");
    const tokens: string[] = [];
    const tokenLine: number[] = [];
    for (; li < lines.length; li++) {
      const t = lines[li].trim();
      if (t === "" || t.startsWith("%")) continue;
      for (const tok of t.split(/\s+/)) {
        if (tokens.length === count) throw new LowrankError("SHAPE", `Matrix Market array has more than the ${count} entries its size line declares (line ${li + 1})`);
        tokens.push(tok);
        tokenLine.push(li + 1);
      }
    }
    if (tokens.length !== count) throw new LowrankError("SHAPE", `Matrix Market array data ends early: ${tokens.length} of ${count} entries`);
    const data = new Float64Array(rows * cols);
    let t = 0;
    for (let j = 0; j < cols; j++) {
      const start = symmetry === "general" ? 0 : skew ? j + 1 : j;
      for (let i = start; i < rows; i++) {
        const v = parseNumber(tokens[t], tokenLine[t], field);
        t++;
        data[i * cols + j] = v;
        if (symmetry !== "general") data[j * cols + i] = skew ? -v : v;
      }
    }
    return { rows, cols, data };
  }
  const nnzDecl = parseDim(size[2], sizeLine, "nnz");
  checkSize(symmetry === "general" ? nnzDecl : 2 * nnzDecl, "Matrix Market entries");
  const per = field === "pattern" ? 2 : 3;
  const ri: number[] = [], ci: number[] = [], vs: number[] = [];
  let entries = 0;
  for (; li < lines.length; li++) {
    const t = lines[li].trim();
    if (t === "" || t.startsWith("%")) continue;
    const line = li + 1;
    if (entries === nnzDecl) throw new LowrankError("SHAPE", `Matrix Market declares ${nnzDecl} entries but has more (line ${line})`);
    const tok = t.split(/\s+/);
    if (tok.length !== per) throw malformed(line, `an entry needs ${per === 2 ? "row col" : "row col value"}, got "${t.slice(0, 80)}"`);
    if (!UINT.test(tok[0]) || !UINT.test(tok[1])) {
      throw new LowrankError("INDEX", `Matrix Market line ${line}: indices "${tok[0]} ${tok[1]}" are not positive integers`);
    }
    const i = Number(tok[0]) - 1, j = Number(tok[1]) - 1;
    if (!(i >= 0 && i < rows && j >= 0 && j < cols)) {
      throw new LowrankError("INDEX", `Matrix Market line ${line}: entry (${i + 1}, ${j + 1}) is outside ${rows} x ${cols}`);
    }
    if (symmetry !== "general" && i < j) {
      throw new LowrankError("INDEX", `Matrix Market line ${line}: entry (${i + 1}, ${j + 1}) is above the diagonal; a ${symmetry} file stores the lower triangle`);
    }
    const v = field === "pattern" ? 1 : parseNumber(tok[2], line, field);
    if (skew && i === j && v !== 0) {
      throw new LowrankError("SHAPE", `Matrix Market line ${line}: a skew-symmetric matrix has a zero diagonal, got ${v} at (${i + 1}, ${i + 1})`);
    }
    entries++;
    ri.push(i); ci.push(j); vs.push(v);
    if (symmetry !== "general" && i !== j) {
      ri.push(j); ci.push(i); vs.push(skew ? -v : v);
    }
  }
  if (entries !== nnzDecl) throw new LowrankError("SHAPE", `Matrix Market declares ${nnzDecl} entries but has ${entries}`);
  return cooToCsr(rows, cols, ri, ci, vs);
}

/** Builds CSR from coordinates: rows bucketed, columns sorted within a row, duplicates summed. O(nnz log). */
function cooToCsr(rows: number, cols: number, ri: number[], ci: number[], vs: number[]): CsrMatrix {
  const count = new Int32Array(rows + 1);
  for (const i of ri) count[i + 1]++;
  for (let i = 0; i < rows; i++) count[i + 1] += count[i];
  const order = new Int32Array(ri.length);
  const fill = count.slice(0, rows);
  for (let e = 0; e < ri.length; e++) order[fill[ri[e]]++] = e;
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [], data: number[] = [];
  for (let i = 0; i < rows; i++) {
    const seg = Array.from(order.subarray(count[i], count[i + 1])).sort((a, b) => ci[a] - ci[b]);
    for (const e of seg) {
      if (indices.length > indptr[i] && indices[indices.length - 1] === ci[e]) data[data.length - 1] += vs[e];
      else {
        indices.push(ci[e]);
        data.push(vs[e]);
      }
    }
    indptr[i + 1] = indices.length;
  }
  for (let q = 0; q < data.length; q++) {
    if (!Number.isFinite(data[q])) throw new LowrankError("NON_FINITE", `Matrix Market: duplicate entries of row ${rowOf(indptr, q) + 1} sum beyond the double range`);
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

function rowOf(indptr: Int32Array, q: number): number {
  let i = 0;
  while (indptr[i + 1] <= q) i++;
  return i;
}

const WRITE_OPTIONS = {
  comment: ((v, path) => {
    if (typeof v !== "string") throw new LowrankError("INVALID_ARGUMENT", `${path} must be a string`);
    return v;
  }) as OptionCheck<string>,
};

/** Shortest round-trip decimal, keeping the sign of -0. */
function num(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/**
 * Writes a dense matrix (any form `asMatrix` accepts) as a Matrix Market
 * `array real general` file and a CSR matrix as `coordinate real general`,
 * with every value in its shortest round-trip decimal form (reading the file
 * back gives identical doubles). Inputs are checked as by the other entry
 * points (CSR indices integral and in range, values finite). O(size).
 *
 * @example
 * const text = writeMatrixMarket({ rows: 1, cols: 2, data: new Float64Array([1, 2]) });
 */
export function writeMatrixMarket(m: MatrixLike | CsrMatrix | CsrLike, opts?: { comment?: string }): string {
  const o = readOptions("writeMatrixMarket", opts, WRITE_OPTIONS);
  const out: string[] = [];
  const comment = o.comment ? o.comment.split(/\r?\n|\r/).map((c) => `% ${c}`) : [];
  if (isCsr(m)) {
    const A = asCsr(m, "m", { allowEmpty: true });
    out.push("%%MatrixMarket matrix coordinate real general", ...comment, `${A.rows} ${A.cols} ${A.indptr[A.rows]}`);
    for (let i = 0; i < A.rows; i++) {
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) out.push(`${i + 1} ${A.indices[q] + 1} ${num(A.data[q])}`);
    }
  } else {
    const A = asMatrix(m, "m", { allowEmpty: true });
    out.push("%%MatrixMarket matrix array real general", ...comment, `${A.rows} ${A.cols}`);
    for (let j = 0; j < A.cols; j++) for (let i = 0; i < A.rows; i++) out.push(num(A.data[i * A.cols + j]));
  }
  return out.join("\n") + "\n";
}
