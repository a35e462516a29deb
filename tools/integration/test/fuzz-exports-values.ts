// Values for the export fuzz (fuzz-exports.test.ts): a seeded generator, valid
// inputs in every accepted form, and pools of hostile values per kind of slot.
// "Invalid" pools hold only values that no entry point may accept; "odd" pools
// hold values that are legal or arguable (-0, 1e308, null options, empty data,
// an onProgress that throws): those may be accepted or refused, but never with
// another exception or non-finite output.
import { Matrix } from "ml-matrix";
import ndarray from "ndarray";

/** mulberry32: a small seeded generator independent of the library's own Rng. */
export class Gen {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  uniform(): number {
    return this.u32() / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.u32() % xs.length];
  }
  chance(p: number): boolean {
    return this.uniform() < p;
  }
  normal(): number {
    const u = 1 - this.uniform(), v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Finite values at the edges of the double range, mixed into valid inputs now and then. */
export const EXTREMES = [0, -0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1e-310, 1e300, 1e-300];

/** Entries: mostly normals, sometimes an extreme finite value (`extreme` probability). */
export function entries(g: Gen, n: number, extreme = 0.1): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = g.normal();
  if (n > 0 && g.chance(extreme)) for (let t = g.int(1, 2); t > 0; t--) d[g.int(0, n - 1)] = g.pick(EXTREMES);
  return d;
}

export interface Plain { rows: number; cols: number; data: Float64Array }

export function plainMatrix(g: Gen, rows: number, cols: number, extreme = 0.1): Plain {
  return { rows, cols, data: entries(g, rows * cols, extreme) };
}

function nested(A: Plain): number[][] {
  return Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
}

/** One of the accepted forms of a dense matrix (same entries up to the element type's rounding). */
export function matrixForm(g: Gen, A: Plain): unknown {
  switch (g.int(0, 9)) {
    case 0: return nested(A);
    case 1: return new Matrix(nested(A));
    case 2: {
      // A transposed ndarray view: strides not in C order.
      const t = new Float64Array(A.rows * A.cols);
      for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) t[j * A.rows + i] = A.data[i * A.cols + j];
      return ndarray(t, [A.cols, A.rows]).transpose(1, 0);
    }
    case 3: {
      // A duck-typed ndarray with an offset and padded rows.
      const ld = A.cols + 2, data = new Float64Array(3 + A.rows * ld).fill(7);
      for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) data[3 + i * ld + j] = A.data[i * A.cols + j];
      return { shape: [A.rows, A.cols], stride: [ld, 1], offset: 3, data };
    }
    case 4: return { rows: A.rows, cols: A.cols, data: Float32Array.from(A.data, (v) => Math.max(-1e30, Math.min(1e30, v))) };
    case 5: return { rows: A.rows, cols: A.cols, data: Array.from(A.data) };
    default: return A;
  }
}

export function matrix(g: Gen, rows: number, cols: number, extreme = 0.1): unknown {
  return matrixForm(g, plainMatrix(g, rows, cols, extreme));
}

export function tensor(g: Gen, shape: number[], extreme = 0.05): unknown {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = entries(g, size, extreme);
  switch (g.int(0, 5)) {
    case 0: {
      // A reversed-axes ndarray view of the transposed storage.
      const perm = shape.map((_, i) => shape.length - 1 - i);
      const tshape = perm.map((p) => shape[p]);
      const view = ndarray(new Float64Array(size), tshape).transpose(...perm);
      const idx = new Array<number>(shape.length).fill(0);
      for (let q = 0; q < size; q++) {
        view.set(...idx, data[q]);
        for (let a = shape.length - 1; a >= 0; a--) { if (++idx[a] < shape[a]) break; idx[a] = 0; }
      }
      return view;
    }
    case 1: return { shape: [...shape], data: Array.from(data) };
    default: return { shape: [...shape], data };
  }
}

export function csr(g: Gen, rows: number, cols: number, density = 0.5): { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; data: Float64Array } {
  const indptr = new Int32Array(rows + 1), indices: number[] = [], data: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (g.chance(density)) { indices.push(j); data.push(g.normal()); }
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

const f64 = (n: number) => new Float64Array(n).fill(0.5);
function withEntry(v: number): Plain {
  const d = Float64Array.of(1, 2, 3, 4, 5, 6);
  d[4] = v;
  return { rows: 2, cols: 3, data: d };
}

/** Values that are not a matrix, or a matrix no entry point may accept. */
export const BAD_MATRICES: readonly unknown[] = [
  null, undefined, 0, "x", true, {}, [[1, 2], [3]], [[1, "2"]], [[1, NaN]], Symbol("m"), () => 1,
  new Map(), new Date(0), new ArrayBuffer(16), new DataView(new ArrayBuffer(8)),
  { rows: 2, cols: 2 }, { rows: 2, cols: 2, data: new BigInt64Array(4) }, { rows: 2, cols: 2, data: { length: 1e12 } },
  { rows: 2, cols: 2, data: "abcd" }, { rows: 2, cols: 3, data: f64(5) }, { rows: 2, cols: 3, data: f64(7) },
  { rows: 1e9, cols: 1e9, data: f64(4) }, { rows: 2 ** 32 + 1, cols: 1, data: f64(1) }, { rows: 1.5, cols: 2, data: f64(3) },
  { rows: -2, cols: -3, data: f64(6) }, { rows: NaN, cols: 2, data: f64(4) }, { rows: "2", cols: 2, data: f64(4) },
  withEntry(NaN), withEntry(Infinity), withEntry(-Infinity),
  { rows: 2, cols: 2, data: [1, 2, 3, "4"] }, { rows: 2, cols: 2, data: Float32Array.of(1, 2, NaN, 4) },
  { shape: [2, 2], stride: [100, 1], offset: 0, data: f64(4) }, { shape: [2, 2], stride: [2, 1], offset: -1, data: f64(4) },
  { shape: [2, 2], stride: [2, 1.5], offset: 0, data: f64(4) }, { shape: [2, 2], stride: [2, 1], offset: 0, data: new BigInt64Array(4) },
  { rows: 2, columns: 2, get: () => NaN }, { rows: 2, columns: -1, get: () => 1 },
];

/** Values that are not a tensor, or a tensor no entry point may accept. */
export const BAD_TENSORS: readonly unknown[] = [
  null, undefined, 0, "x", {}, [], Symbol("t"), new Map(), { shape: [2, 2] }, { shape: "22", data: f64(4) },
  { shape: [2, 2, 2], data: new BigInt64Array(8) }, { shape: [2, 2, 2], data: { length: 1e12 } },
  { shape: [2, -2, 2], data: f64(8) }, { shape: [2, 1.5, 2], data: f64(6) }, { shape: [2, 2, 2], data: f64(7) },
  { shape: [1e9, 1e9, 1e9], data: f64(8) }, { shape: [2 ** 32 + 1, 1, 1], data: f64(1) },
  { shape: [2, 2, 2], data: Float64Array.of(1, 2, 3, 4, 5, 6, NaN, 8) }, { shape: [2, 2, 2], data: Float64Array.of(1, 2, 3, 4, 5, Infinity, 7, 8) },
  { shape: [2, 2, 2], stride: [100, 2, 1], offset: 0, data: f64(8) }, [[[1, 2], [3]], [[4, 5], [6, 7]]], [[[1, "2"]]],
];

/** Values that are not a vector of numbers. */
export const BAD_VECTORS: readonly unknown[] = [
  null, undefined, "x", {}, Symbol("v"), new BigInt64Array(3), { length: 1e12 }, { length: -1 }, [1, NaN, 3], [1, Infinity, 3],
  [1, "2", 3], [[1], [2]], Float64Array.of(1, NaN, 3), new Map(),
];

/** Values that are not a CSR matrix, or a broken one. */
export const BAD_CSR: readonly unknown[] = [
  null, undefined, "x", {}, { rows: 2, cols: 2, indptr: [0, 1, 2], indices: [0, 1] },
  { rows: 2, cols: 2, indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 2), data: Float64Array.of(1, 1) },
  { rows: 2, cols: 2, indptr: [0, 1, 2], indices: [0, 0.5], data: [1, 1] },
  { rows: 2, cols: 2, indptr: [0, 1, 2], indices: [0, NaN], data: [1, 1] },
  { rows: 2, cols: 2, indptr: [0, 2, 1], indices: [0, 1], data: [1, 1] },
  { rows: 2, cols: 2, indptr: [0, 1, 2], indices: [0, 1], data: [1, NaN] },
  { rows: 2, cols: 2, indptr: [0, 1, 2], indices: new BigInt64Array(2), data: [1, 1] },
  { rows: 2, cols: 2, indptr: [0, 1, 2], indices: [0, 1], data: { length: 1e12 } },
  { rows: 1e9, cols: 1e9, indptr: [0, 1], indices: [0], data: [1] },
];

/** Not an integer count (or a huge one): for slots that take a size, a rank, an index. */
export const BAD_INTS: readonly unknown[] = [NaN, Infinity, -Infinity, -1, 1.5, -0.5, "2", {}, [2], true, Symbol("i"), 2 ** 53, 1e308];

/** Not a finite number. */
export const BAD_NUMBERS: readonly unknown[] = [NaN, Infinity, -Infinity, "1", {}, [1], true, Symbol("n")];

/** Option objects that are not objects. */
export const BAD_OPTION_OBJECTS: readonly unknown[] = ["x", 5, true, Symbol("o"), [], new Float64Array(2)];

/** Keys users bring from other libraries, and plain typos. */
export const UNKNOWN_KEYS: readonly string[] = ["bogusOption", "n_components", "regParam", "ranks", "max_iter", "tolerance", "Backend"];

export const BAD_BACKENDS: readonly unknown[] = ["gpu", "WASM", 1, {}, true];
export const BAD_SIGNALS: readonly unknown[] = ["x", 1, {}, true, { aborted: "yes" }];
export const BAD_CALLBACKS: readonly unknown[] = ["x", 1, {}, true];

/** An error thrown by a user callback: it may propagate unchanged. */
export class CallbackError extends Error {
  override name = "CallbackError";
}

export function abortedSignal(): AbortSignal {
  const c = new AbortController();
  c.abort();
  return c.signal;
}

export function throwingProgress(): () => never {
  return () => {
    throw new CallbackError("onProgress threw");
  };
}

/**
 * A copy of a pooled value, so that a call writing into its argument (an
 * in-place fill, shuffle or axpy) cannot change the pool for later cases.
 */
export function fresh<T>(v: T, depth = 0): T {
  if (depth > 4 || v === null || typeof v !== "object") return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as unknown as { slice(): T }).slice();
  if (Array.isArray(v)) return v.map((x) => fresh(x, depth + 1)) as T;
  if (Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fresh(x, depth + 1)])) as T;
  }
  return v;
}

/** A one-line description of a value for failure messages. */
export function show(v: unknown, depth = 0): string {
  try {
    if (typeof v === "symbol") return v.toString();
    if (typeof v === "function") return "function";
    if (typeof v === "bigint") return `${v}n`;
    if (v === null || typeof v !== "object") return Object.is(v, -0) ? "-0" : String(v);
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
    if (Array.isArray(v)) return depth > 1 ? `[..${v.length}]` : `[${v.slice(0, 4).map((x) => show(x, depth + 1)).join(",")}${v.length > 4 ? ",.." : ""}]`;
    if (depth > 1) return "{..}";
    const name = v.constructor && v.constructor !== Object ? v.constructor.name : "";
    return `${name}{${Object.keys(v).slice(0, 6).map((k) => `${k}:${show((v as Record<string, unknown>)[k], depth + 1)}`).join(",")}}`;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
