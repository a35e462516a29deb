import { LowrankError } from "./errors.js";
import type { CsrMatrix, DenseMatrix } from "./types.js";
import { checkCsr, checkDense } from "./validate.js";

/** True when `m` is a CSR matrix rather than a dense one. */
export function isCsr(m: DenseMatrix | CsrMatrix): m is CsrMatrix {
  return (m as CsrMatrix).indptr !== undefined;
}

type Field = "real" | "integer" | "pattern";
type Symmetry = "general" | "symmetric" | "skew-symmetric";

function parseNumber(tok: string, line: number): number {
  if (/^[+-]?(inf|infinity|nan)$/i.test(tok)) {
    throw new LowrankError("NON_FINITE", `Matrix Market line ${line}: value ${tok} is not finite`);
  }
  const v = Number(tok);
  if (tok === "" || Number.isNaN(v)) {
    throw new LowrankError("SHAPE", `Matrix Market line ${line}: "${tok}" is not a number`);
  }
  if (!Number.isFinite(v)) throw new LowrankError("NON_FINITE", `Matrix Market line ${line}: value ${tok} is not finite`);
  return v;
}

/**
 * Parses a Matrix Market file (NIST format). `array` files become dense
 * matrices (the file is column-major), `coordinate` files become CSR with
 * sorted column indices and duplicate entries summed. Fields real, integer
 * and pattern (pattern entries read as 1); symmetric and skew-symmetric files
 * are expanded to both triangles. Complex and hermitian files are rejected.
 * O(size of the file + nnz log(nnz per row)).
 *
 * @example
 * const A = readMatrixMarket("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 3.5\n");
 * // CSR 2 x 2 with A(0, 1) = 3.5
 */
export function readMatrixMarket(text: string): DenseMatrix | CsrMatrix {
  if (typeof text !== "string") throw new LowrankError("INVALID_ARGUMENT", "readMatrixMarket expects the file's text");
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
  if (format === "array" && field === "pattern") throw new LowrankError("SHAPE", "a pattern matrix must be in coordinate format");
  let li = 1;
  while (li < lines.length && (lines[li].startsWith("%") || lines[li].trim() === "")) li++;
  const size = (lines[li] ?? "").trim().split(/\s+/).map(Number);
  const rows = size[0], cols = size[1];
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0)) {
    throw new LowrankError("SHAPE", `Matrix Market line ${li + 1}: bad size line "${lines[li]}"`);
  }
  if (symmetry !== "general" && rows !== cols) throw new LowrankError("SHAPE", `a ${symmetry} matrix must be square, got ${rows} x ${cols}`);
  li++;
  const tokens: string[] = [];
  const tokenLine: number[] = [];
  for (; li < lines.length; li++) {
    const t = lines[li].trim();
    if (t === "" || t.startsWith("%")) continue;
    for (const tok of t.split(/\s+/)) {
      tokens.push(tok);
      tokenLine.push(li + 1);
    }
  }
  const skew = symmetry === "skew-symmetric";
  if (format === "array") {
    const data = new Float64Array(rows * cols);
    // Symmetric array files list only the lower triangle (skew: strictly lower), column by column.
    let t = 0;
    for (let j = 0; j < cols; j++) {
      const start = symmetry === "general" ? 0 : skew ? j + 1 : j;
      for (let i = start; i < rows; i++) {
        if (t >= tokens.length) throw new LowrankError("SHAPE", `Matrix Market array data ends early at entry ${t}`);
        const v = parseNumber(tokens[t], tokenLine[t]);
        t++;
        data[i * cols + j] = v;
        if (symmetry !== "general") data[j * cols + i] = skew ? -v : v;
      }
    }
    if (t !== tokens.length) throw new LowrankError("SHAPE", `Matrix Market array has ${tokens.length - t} entries too many`);
    return { rows, cols, data };
  }
  const nnzDecl = size[2];
  if (!(Number.isInteger(nnzDecl) && nnzDecl >= 0)) throw new LowrankError("SHAPE", "Matrix Market coordinate size line needs rows cols nnz");
  const per = field === "pattern" ? 2 : 3;
  if (tokens.length !== nnzDecl * per) {
    throw new LowrankError("SHAPE", `Matrix Market declares ${nnzDecl} entries but has ${tokens.length / per}`);
  }
  const ri: number[] = [], ci: number[] = [], vs: number[] = [];
  for (let e = 0; e < nnzDecl; e++) {
    const line = tokenLine[e * per];
    const i = Number(tokens[e * per]) - 1, j = Number(tokens[e * per + 1]) - 1;
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < rows && j >= 0 && j < cols)) {
      throw new LowrankError("INDEX", `Matrix Market line ${line}: entry (${i + 1}, ${j + 1}) is outside ${rows} x ${cols}`);
    }
    const v = field === "pattern" ? 1 : parseNumber(tokens[e * per + 2], line);
    ri.push(i); ci.push(j); vs.push(v);
    if (symmetry !== "general" && i !== j) {
      ri.push(j); ci.push(i); vs.push(skew ? -v : v);
    }
  }
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
  return { rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

/**
 * Writes a dense matrix as a Matrix Market `array real general` file and a CSR
 * matrix as `coordinate real general`, with every value in its shortest
 * round-trip decimal form (reading the file back gives identical doubles). O(size).
 *
 * @example
 * const text = writeMatrixMarket({ rows: 1, cols: 2, data: new Float64Array([1, 2]) });
 */
export function writeMatrixMarket(m: DenseMatrix | CsrMatrix, opts: { comment?: string } = {}): string {
  const out: string[] = [];
  const comment = opts.comment ? opts.comment.split(/\r?\n/).map((c) => `% ${c}`) : [];
  if (isCsr(m)) {
    const A = m.rows === 0 || m.cols === 0 ? m : checkCsr(m, "m");
    out.push("%%MatrixMarket matrix coordinate real general", ...comment, `${A.rows} ${A.cols} ${A.indptr[A.rows] ?? 0}`);
    for (let i = 0; i < A.rows; i++) {
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) out.push(`${i + 1} ${A.indices[q] + 1} ${A.data[q]}`);
    }
  } else {
    const A = checkDense(m, "m", { allowEmpty: true });
    out.push("%%MatrixMarket matrix array real general", ...comment, `${A.rows} ${A.cols}`);
    for (let j = 0; j < A.cols; j++) for (let i = 0; i < A.rows; i++) out.push(String(A.data[i * A.cols + j]));
  }
  return out.join("\n") + "\n";
}
