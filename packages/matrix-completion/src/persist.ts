// Saving and loading a CompletionModel: a plain JSON form and a compact
// little-endian binary form. Both are versioned; a reader refuses a format
// newer than it knows, and any malformed, truncated or corrupted input, with
// INVALID_ARGUMENT (never a TypeError or RangeError).
import { LowrankError } from "@lowrank/linalg";
import type { CompletionModel, FitStatus, IterationRecord, Method, ModelIds, ModelRegularization } from "./model.js";

/** The `kind` field of a saved model. */
export const MODEL_KIND = "completion-model";
/** The newest format this version writes and reads (JSON and bytes alike). */
export const MODEL_FORMAT_VERSION = 1;

/** The JSON form of a {@link CompletionModel}: plain data, safe for `JSON.stringify` and `structuredClone`. */
export interface CompletionModelJSON {
  kind: typeof MODEL_KIND;
  version: number;
  method: Method;
  rows: number;
  cols: number;
  rank: number;
  /** rows x rank, row-major. */
  U: number[];
  /** cols x rank, row-major. */
  V: number[];
  rowBias: number[];
  colBias: number[];
  globalMean: number;
  clip: [number, number];
  history: IterationRecord[];
  regularization: ModelRegularization;
  observed: { ptr: number[]; cols: number[] };
  /** The original user and item ids (from `parseRatings`), when the model holds them. */
  ids?: { rowIds: string[]; colIds: string[] };
  /** How the fit ended (absent from older saves and models without a finite residual). */
  status?: FitStatus;
}

/** The constructor's arguments, in order. */
export type ModelParts = ConstructorParameters<typeof CompletionModel>;

function bad(where: string, msg: string): LowrankError {
  return new LowrankError("INVALID_ARGUMENT", `CompletionModel.${where}: ${msg}`);
}

/** Runs the model's own checks on loaded parts; a refusal there means the saved data is damaged. */
function build(where: string, make: (...a: ModelParts) => CompletionModel, parts: ModelParts): CompletionModel {
  try {
    return make(...parts);
  } catch (e) {
    if (e instanceof LowrankError) throw bad(where, `the saved model is not valid (${e.message})`);
    throw e;
  }
}

function tooNew(where: string, version: number): LowrankError {
  return bad(where, `format version ${version} was written by a newer @lowrank/matrix-completion; this version reads format ${MODEL_FORMAT_VERSION} and older. Upgrade the package to load it`);
}

// Minus zero survives the binary form but not JSON text ("-0" parses back, JSON.stringify writes "0"): a zero's sign
// does not change a prediction (it only meets additions with a +0 start), so the JSON form drops it.
function toNumbers(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

function numbers(where: string, x: unknown, what: string, length: number): Float64Array {
  if (!Array.isArray(x) && !(x instanceof Float64Array)) throw bad(where, `${what} must be an array of numbers`);
  if (x.length !== length) throw bad(where, `${what} has ${x.length} entries, expected ${length}`);
  const out = new Float64Array(length);
  for (let q = 0; q < length; q++) {
    const v = x[q];
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(where, `${what}[${q}] is ${v === null ? "null" : typeof v === "number" ? v : typeof v}, not a finite number`);
    out[q] = v;
  }
  return out;
}

function ints(where: string, x: unknown, what: string): Int32Array {
  if (!Array.isArray(x) && !(x instanceof Int32Array)) throw bad(where, `${what} must be an array of integers`);
  const out = new Int32Array(x.length);
  for (let q = 0; q < x.length; q++) {
    const v = x[q];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw bad(where, `${what}[${q}] is not a non-negative 32-bit integer`);
    out[q] = v;
  }
  return out;
}

function count(where: string, x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 1 || x > 2 ** 29) throw bad(where, `${what} must be a positive integer, got ${typeof x === "number" ? x : typeof x}`);
  return x;
}

function strings(where: string, x: unknown, what: string, length: number): string[] {
  if (!Array.isArray(x) || x.length !== length) throw bad(where, `${what} must be an array of ${length} strings`);
  for (let q = 0; q < length; q++) if (typeof x[q] !== "string") throw bad(where, `${what}[${q}] is not a string`);
  return x.slice() as string[];
}

function plainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function readIds(where: string, x: unknown, rows: number, cols: number): ModelIds | null {
  if (x === undefined || x === null) return null;
  if (!plainObject(x)) throw bad(where, "ids must be { rowIds, colIds }");
  return { rowIds: strings(where, x.rowIds, "ids.rowIds", rows), colIds: strings(where, x.colIds, "ids.colIds", cols) };
}

function readHistory(where: string, x: unknown): IterationRecord[] {
  if (!Array.isArray(x)) throw bad(where, "history must be an array");
  return x.map((h, q) => {
    if (!plainObject(h)) throw bad(where, `history[${q}] must be an object`);
    return { ...h } as unknown as IterationRecord;
  });
}

function readRegularization(where: string, x: unknown): ModelRegularization {
  if (!plainObject(x)) throw bad(where, "regularization must be an object");
  const r: ModelRegularization = {
    lambda: x.lambda as number, biasLambda: x.biasLambda as number, weighted: x.weighted as boolean, biases: x.biases as boolean,
  };
  if (x.search !== undefined) {
    if (!Array.isArray(x.search) || !x.search.every((s) => plainObject(s) && typeof s.lambda === "number" && typeof s.rmse === "number")) {
      throw bad(where, "regularization.search must be an array of { lambda, rmse }");
    }
    r.search = x.search.map((s: { lambda: number; rmse: number }) => ({ lambda: s.lambda, rmse: s.rmse }));
  }
  return r;
}

/** The plain JSON form of a model. */
export function modelToJSON(m: CompletionModel): CompletionModelJSON {
  const out: CompletionModelJSON = {
    kind: MODEL_KIND, version: MODEL_FORMAT_VERSION, method: m.method, rows: m.rows, cols: m.cols, rank: m.rank,
    U: toNumbers(m.U), V: toNumbers(m.V), rowBias: toNumbers(m.rowBias), colBias: toNumbers(m.colBias),
    globalMean: m.globalMean, clip: [m.clip[0], m.clip[1]],
    history: m.history.map((h) => ({ ...h })),
    regularization: plainRegularization(m.regularization),
    observed: { ptr: toNumbers(m.observed.ptr), cols: toNumbers(m.observed.cols) },
  };
  if (m.ids) out.ids = { rowIds: m.ids.rowIds.slice(), colIds: m.ids.colIds.slice() };
  const status = statusOf(m);
  if (status) out.status = status;
  return out;
}

/** The model's fit status in plain form, or undefined when its residual is not a finite number (JSON has no NaN). */
function statusOf(m: CompletionModel): FitStatus | undefined {
  return Number.isFinite(m.residual) ? { converged: m.converged, residual: m.residual } : undefined;
}

function readStatus(where: string, x: unknown): FitStatus | null {
  if (x === undefined) return null;
  if (!plainObject(x) || typeof x.converged !== "boolean" || typeof x.residual !== "number" || !(x.residual >= 0 && x.residual < Infinity)) {
    throw bad(where, "status must be { converged: boolean, residual: a finite number >= 0 }");
  }
  return { converged: x.converged, residual: x.residual };
}

function plainRegularization(r: ModelRegularization): ModelRegularization {
  const out: ModelRegularization = { lambda: r.lambda, biasLambda: r.biasLambda, weighted: r.weighted, biases: r.biases };
  if (r.search) out.search = r.search.map((s) => ({ lambda: s.lambda, rmse: s.rmse }));
  return out;
}

/** A model from its JSON form (the object, or the JSON text). */
export function modelFromJSON(json: unknown, make: (...a: ModelParts) => CompletionModel): CompletionModel {
  const where = "fromJSON";
  let j = json;
  if (typeof j === "string") {
    try {
      j = JSON.parse(j);
    } catch (e) {
      throw bad(where, `the text is not JSON (${(e as Error).message})`);
    }
  }
  if (!plainObject(j)) throw bad(where, `expected the object from model.toJSON(), got ${j === null ? "null" : Array.isArray(j) ? "an array" : typeof j}`);
  if (j.kind !== MODEL_KIND) throw bad(where, `kind must be "${MODEL_KIND}", got ${typeof j.kind === "string" ? JSON.stringify(j.kind) : typeof j.kind}`);
  const version = j.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw bad(where, "version must be a positive integer");
  if (version > MODEL_FORMAT_VERSION) throw tooNew(where, version);
  const rows = count(where, j.rows, "rows"), cols = count(where, j.cols, "cols"), rank = count(where, j.rank, "rank");
  if (rows * rank > 2 ** 29 || cols * rank > 2 ** 29) throw bad(where, "the factors are larger than any model this package fits");
  const clip = j.clip;
  if (!Array.isArray(clip) || clip.length !== 2) throw bad(where, "clip must be [lo, hi]");
  const observed = j.observed;
  if (!plainObject(observed)) throw bad(where, "observed must be { ptr, cols }");
  return build(where, make, [
    j.method as Method, rows, cols, rank,
    numbers(where, j.U, "U", rows * rank), numbers(where, j.V, "V", cols * rank),
    numbers(where, j.rowBias, "rowBias", rows), numbers(where, j.colBias, "colBias", cols),
    j.globalMean as number, [clip[0], clip[1]], readHistory(where, j.history), readRegularization(where, j.regularization),
    { ptr: ints(where, observed.ptr, "observed.ptr"), cols: ints(where, observed.cols, "observed.cols") },
    readIds(where, j.ids, rows, cols), readStatus(where, j.status),
  ]);
}

// ---- The binary form ----
//
// All little-endian. Header (40 bytes):
//   0  magic "LRCM"        4  u16 format version   6  u16 flags (bit 0: ids present)
//   8  u32 rows            12 u32 cols              16 u32 rank
//   20 u32 observed count  24 u32 metadata bytes    28 u32 ids bytes
//   32 u32 total length    36 u32 CRC-32 of every byte after the header
// Body: f64 globalMean, clip lo, clip hi; f64 U (rows x rank), V (cols x rank), rowBias, colBias;
// i32 observed.ptr (rows + 1), observed.cols; UTF-8 JSON metadata { method, history, regularization, status? };
// UTF-8 JSON ids { rowIds, colIds } when flag bit 0 is set.

const MAGIC = [0x4c, 0x52, 0x43, 0x4d]; // "LRCM"
const HEADER = 40;
const FLAG_IDS = 1;

let crcTable: Uint32Array | null = null;

function crc32(b: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let t = 0; t < 8; t++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let q = from; q < to; q++) c = crcTable[(c ^ b[q]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The compact binary form of a model. */
export function modelToBytes(m: CompletionModel): Uint8Array {
  const enc = new TextEncoder();
  const meta = enc.encode(JSON.stringify({ method: m.method, history: m.history, regularization: plainRegularization(m.regularization), status: statusOf(m) }));
  const ids = m.ids ? enc.encode(JSON.stringify({ rowIds: m.ids.rowIds, colIds: m.ids.colIds })) : new Uint8Array(0);
  const { rows, cols, rank } = m, nnz = m.observed.cols.length;
  const doubles = 3 + (rows + cols) * rank + rows + cols;
  const total = HEADER + 8 * doubles + 4 * (rows + 1 + nnz) + meta.length + ids.length;
  if (total > 2 ** 32 - 1) throw new LowrankError("TOO_LARGE", `CompletionModel.toBytes: the model needs ${total} bytes; the binary form holds up to 4 GiB. Use toJSON`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(4, MODEL_FORMAT_VERSION, true);
  dv.setUint16(6, m.ids ? FLAG_IDS : 0, true);
  dv.setUint32(8, rows, true);
  dv.setUint32(12, cols, true);
  dv.setUint32(16, rank, true);
  dv.setUint32(20, nnz, true);
  dv.setUint32(24, meta.length, true);
  dv.setUint32(28, ids.length, true);
  dv.setUint32(32, total, true);
  let p = HEADER;
  const f64 = (x: number) => {
    dv.setFloat64(p, x, true);
    p += 8;
  };
  f64(m.globalMean);
  f64(m.clip[0]);
  f64(m.clip[1]);
  for (const a of [m.U, m.V, m.rowBias, m.colBias]) for (let q = 0; q < a.length; q++) f64(a[q]);
  for (const a of [m.observed.ptr, m.observed.cols]) {
    for (let q = 0; q < a.length; q++) {
      dv.setInt32(p, a[q], true);
      p += 4;
    }
  }
  out.set(meta, p);
  out.set(ids, p + meta.length);
  dv.setUint32(36, crc32(out, HEADER, total), true);
  return out;
}

/** A model from its binary form. */
export function modelFromBytes(bytes: unknown, make: (...a: ModelParts) => CompletionModel): CompletionModel {
  const where = "fromBytes";
  let b: Uint8Array;
  if (bytes instanceof Uint8Array) b = bytes;
  else if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes);
  else throw bad(where, `expected the Uint8Array from model.toBytes(), got ${bytes === null ? "null" : typeof bytes === "object" ? (bytes as object).constructor?.name ?? "an object" : typeof bytes}`);
  if (b.length < 8 || MAGIC.some((c, q) => b[q] !== c)) throw bad(where, "not a saved CompletionModel (the bytes do not start with its magic \"LRCM\")");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = dv.getUint16(4, true);
  if (version === 0) throw bad(where, "format version 0 is not a valid version: the bytes are corrupted");
  if (version > MODEL_FORMAT_VERSION) throw tooNew(where, version);
  if (b.length < HEADER) throw bad(where, `truncated: ${b.length} bytes, shorter than the ${HEADER}-byte header`);
  const flags = dv.getUint16(6, true);
  const rows = dv.getUint32(8, true), cols = dv.getUint32(12, true), rank = dv.getUint32(16, true), nnz = dv.getUint32(20, true);
  const metaLen = dv.getUint32(24, true), idsLen = dv.getUint32(28, true), total = dv.getUint32(32, true);
  if (total !== b.length) {
    throw bad(where, total > b.length ? `truncated: ${b.length} bytes of the ${total} written` : `${b.length} bytes where ${total} were written (trailing or corrupted data)`);
  }
  if (dv.getUint32(36, true) !== crc32(b, HEADER, total)) throw bad(where, "the checksum does not match: the bytes are corrupted");
  if ((flags & ~FLAG_IDS) !== 0 || ((flags & FLAG_IDS) === 0) !== (idsLen === 0)) throw bad(where, `unknown flags ${flags}: the bytes are corrupted`);
  count(where, rows, "rows");
  count(where, cols, "cols");
  count(where, rank, "rank");
  const doubles = 3 + (rows + cols) * rank + rows + cols;
  if (HEADER + 8 * doubles + 4 * (rows + 1 + nnz) + metaLen + idsLen !== total) throw bad(where, "the header's sizes do not add up to its length: the bytes are corrupted");
  let p = HEADER;
  const f64s = (n: number) => {
    const a = new Float64Array(n);
    for (let q = 0; q < n; q++, p += 8) a[q] = dv.getFloat64(p, true);
    return a;
  };
  const i32s = (n: number) => {
    const a = new Int32Array(n);
    for (let q = 0; q < n; q++, p += 4) a[q] = dv.getInt32(p, true);
    return a;
  };
  const head = f64s(3);
  const U = f64s(rows * rank), V = f64s(cols * rank), rowBias = f64s(rows), colBias = f64s(cols);
  const ptr = i32s(rows + 1), oc = i32s(nnz);
  const dec = new TextDecoder("utf-8", { fatal: true });
  const json = (from: number, len: number, what: string): unknown => {
    try {
      return JSON.parse(dec.decode(b.subarray(from, from + len)));
    } catch {
      throw bad(where, `the ${what} section is not valid UTF-8 JSON: the bytes are corrupted`);
    }
  };
  const meta = json(p, metaLen, "metadata");
  if (!plainObject(meta)) throw bad(where, "the metadata section is not an object: the bytes are corrupted");
  const ids = idsLen > 0 ? readIds(where, json(p + metaLen, idsLen, "ids"), rows, cols) : null;
  return build(where, make, [
    meta.method as Method, rows, cols, rank, U, V, rowBias, colBias, head[0], [head[1], head[2]],
    readHistory(where, meta.history), readRegularization(where, meta.regularization), { ptr, cols: oc }, ids, readStatus(where, meta.status),
  ]);
}
