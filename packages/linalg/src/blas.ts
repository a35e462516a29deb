import { arenaBytes } from "./arena.js";
import { LowrankError } from "./errors.js";
import { maxAbs, pow2Exponent, scalePow2, timesPow2 } from "./factor-util.js";
import { asVector, checkSize } from "./input.js";
import { checkFiniteValues } from "./input-checks.js";
import { readMatrix } from "./validate.js";
import { linalgModule, withLinalg } from "./module.js";
import { gemmOverlapped } from "./threads-gemm.js";
import { BACKEND, opt, readOptions } from "./options.js";
import { castResult, DTYPE, type Dtype, type DtypeOption, type WithDtype } from "./dtype.js";
import type { Backend, BackendOptions, DenseMatrix, MatrixLike, VectorLike } from "./types.js";

/** Options of {@link gemm}. */
export interface GemmOptions extends BackendOptions {
  /** Use Aᵀ in place of A. */
  transA?: boolean;
  /** Use Bᵀ in place of B. */
  transB?: boolean;
  /** Scale of the product (default 1; a finite number). */
  alpha?: number;
  /** Added matrix: the result is alpha op(A) op(B) + beta C (C is not modified). */
  C?: MatrixLike;
  /** Scale of C (default 1 when C is given; a finite number). */
  beta?: number;
  /**
   * Threads to split the product over, the calling thread included (default:
   * the pool's, set by `init({ threads })`; 1 runs on the calling thread).
   * The result has the same bits for any count.
   */
  threads?: number;
}

const GEMM_OPTIONS = {
  transA: opt.boolean(),
  transB: opt.boolean(),
  alpha: opt.number(),
  C: opt.any<MatrixLike>(),
  beta: opt.number(),
  threads: opt.int({ min: 1, max: 64 }),
  dtype: DTYPE,
  backend: BACKEND,
};

const GEMV_OPTIONS = { trans: opt.boolean(), alpha: opt.number(), backend: BACKEND };
const BACKEND_ONLY = { backend: BACKEND };

/** True when every entry is finite. */
function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) return false;
  return true;
}

/** A copy of x scaled by 2^-e (exact unless entries fall to subnormals). */
function scaledCopy(x: Float64Array, e: number): Float64Array {
  const y = Float64Array.from(x);
  scalePow2(y, -e);
  return y;
}

/** x 2^e for any integer e, in steps that never overflow 2^e itself (exact unless the result is subnormal or overflows). */
function pow2Mul(x: number, e: number): number {
  while (e > 1000 && x !== 0 && Number.isFinite(x)) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000 && x !== 0 && Number.isFinite(x)) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x === 0 || !Number.isFinite(x) ? x : x * 2 ** e;
}

/** Power of two a subnormal alpha is lifted by (see gemm). */
const SUB = 128;

function notRepresentable(fn: string): LowrankError {
  return new LowrankError("NON_FINITE", `${fn}: the result overflows the double range (entries beyond 1.8e308)`);
}

/** The product's entries, and whether any may be non-finite (false: all are finite). */
interface GemmOut {
  data: Float64Array;
  nonFinite: boolean;
}

/**
 * The product on one workspace. On wasm, the inputs (when `check`) and the
 * result are checked finite by a WASM dot product of each with itself, a
 * fraction of a JavaScript scan: a finite sum of squares proves every entry
 * finite; a non-finite one (an infinite or NaN entry, or squares beyond the
 * double range) sends the array to the exact scan. On the pool, copying B
 * and C in and the two input checks run on the calling thread while the
 * workers pack op(A) and op(B), and most of C is checked and copied out while
 * they compute its last rows (gemmOverlapped); a bad input throws once the
 * product is done, with the same error as before it.
 */
function gemmCore(
  backend: Backend | undefined, tA: boolean, tB: boolean, m: number, n: number, k: number,
  alpha: number, A: DenseMatrix, B: DenseMatrix, beta: number, C: Float64Array | undefined, check: boolean, threads?: number,
): GemmOut {
  return withLinalg(backend, arenaBytes(A.data.length + B.data.length + m * n), (ws) => {
    const K = ws.kernels;
    if (K.backend !== "wasm") {
      const c = C ? ws.copy(C) : ws.scratch(m * n);
      K.gemm(tA, tB, m, n, k, alpha, ws.input(A.data), A.cols, ws.input(B.data), B.cols, beta, c, n);
      return { data: ws.output(c), nonFinite: true };
    }
    // Every array is taken before the product (the pool's packing goes above the arena's top); B and C are filled in the hooks.
    const a = ws.input(A.data), b = ws.scratch(B.data.length);
    const c = ws.scratch(m * n); // beta = 0: the kernel writes C without reading it
    let finiteA = true, finiteB = true, finiteC = true, done = 0;
    const data = new Float64Array(m * n);
    /** Checks rows done..to-1 of the product finite and copies them out. */
    const takeRows = (to: number) => {
      const v = c.subarray(done * n, to * n);
      if (!Number.isFinite(K.dot(v.length, v, v))) finiteC = false;
      data.set(v, done * n);
      done = to;
    };
    gemmOverlapped(ws, {
      duringA() {
        b.set(B.data);
        if (check) finiteA = Number.isFinite(K.dot(a.length, a, a));
      },
      duringB() {
        if (C) c.set(C);
        if (check) finiteB = Number.isFinite(K.dot(b.length, b, b));
      },
      duringC: takeRows,
    }, tA, tB, m, n, k, alpha, a, A.cols, b, B.cols, beta, c, n);
    if (!finiteA) checkFiniteValues(A.data, "A");
    if (!finiteB) checkFiniteValues(B.data, "B");
    takeRows(m);
    return { data, nonFinite: !finiteC };
  }, threads);
}

/**
 * General matrix product alpha op(A) op(B) (+ beta C). O(mnk); on wasm a
 * cache-blocked SIMD kernel with a 3 x 6 register tile. Should the product
 * overflow on the way (huge entries), it is recomputed on inputs scaled by
 * powers of two (exact) and scaled back; a result that is itself beyond the
 * double range throws NON_FINITE. Errors: INVALID_ARGUMENT (options, input
 * forms), SHAPE, EMPTY, NON_FINITE, TOO_LARGE. `dtype: "float32"` returns
 * the f64 product rounded to a Float32Array (NON_FINITE past 3.4e38).
 *
 * @example
 * const C = gemm({ rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 4]) }, I2); // A I
 */
export function gemm<D extends Dtype = "float64">(A: MatrixLike, B: MatrixLike, opts?: GemmOptions & DtypeOption<D>): WithDtype<DenseMatrix, D> {
  const o = readOptions("gemm", opts, GEMM_OPTIONS);
  // On wasm the inputs' finiteness is checked once they are in WASM memory (gemmCore), not by a scan here.
  const wasm = o.backend !== "js";
  const a = readMatrix(A, "A", { finite: !wasm }), b = readMatrix(B, "B", { finite: !wasm });
  const tA = !!o.transA, tB = !!o.transB;
  const m = tA ? a.cols : a.rows, k = tA ? a.rows : a.cols;
  const kb = tB ? b.cols : b.rows, n = tB ? b.rows : b.cols;
  if (k !== kb) {
    throw new LowrankError("SHAPE", `gemm: op(A) is ${m} x ${k} but op(B) is ${kb} x ${n}`);
  }
  checkSize(m * n, "gemm: the result");
  const alpha = o.alpha ?? 1;
  let C0: DenseMatrix | undefined;
  if (o.C !== undefined) {
    C0 = readMatrix(o.C, "C");
    if (C0.rows !== m || C0.cols !== n) throw new LowrankError("SHAPE", `gemm: C is ${C0.rows} x ${C0.cols}, expected ${m} x ${n}`);
  }
  const beta = C0 ? (o.beta ?? 1) : 0;
  // A subnormal alpha has few significant bits left and would round every alpha a_ip term: lift it by
  // 2^SUB and scale the result back once (only without C, whose beta would need the same lift).
  const lift = !C0 && alpha !== 0 && Math.abs(alpha) < 2 ** -1022;
  const { data, nonFinite } = gemmCore(o.backend, tA, tB, m, n, k, lift ? alpha * 2 ** SUB : alpha, a, b, beta, C0?.data, wasm, o.threads);
  if (lift) for (let i = 0; i < data.length; i++) data[i] *= 2 ** -SUB;
  if (nonFinite && !allFinite(data)) {
    const A_ = tA ? (i: number, p: number) => a.data[p * a.cols + i] : (i: number, p: number) => a.data[i * a.cols + p];
    const B_ = tB ? (p: number, j: number) => b.data[j * b.cols + p] : (p: number, j: number) => b.data[p * b.cols + j];
    redoOverflowed("gemm", data, m, n, k, A_, B_, alpha, beta, C0?.data);
  }
  return castResult({ rows: m, cols: n, data }, o.dtype as D, "gemm");
}

/**
 * Recomputes, in plain TypeScript, the entries of alpha op(A) op(B) + beta C
 * that overflowed on the way (a product or partial sum past the double range
 * leaves the entry Infinity or NaN, never a wrong finite value, so only those
 * need it): each from its own row and column scaled by powers of two (exact),
 * then scaled back. Entries that are themselves beyond the double range throw
 * NON_FINITE. The finite entries are left as the kernel computed them. O(k)
 * per overflowed entry.
 */
function redoOverflowed(
  fn: string, out: Float64Array, m: number, n: number, k: number,
  A: (i: number, p: number) => number, B: (p: number, j: number) => number, alpha: number, beta: number, C: Float64Array | undefined,
): void {
  const eal = pow2Exponent(Math.abs(alpha)), ebe = pow2Exponent(Math.abs(beta));
  const al = timesPow2(alpha, -eal), be = timesPow2(beta, -ebe);
  const rowE = new Map<number, number>(), colE = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = out[i * n + j];
      if (v - v === 0) continue;
      let ei = rowE.get(i);
      if (ei === undefined) {
        let mx = 0;
        for (let p = 0; p < k; p++) mx = Math.max(mx, Math.abs(A(i, p)));
        rowE.set(i, (ei = pow2Exponent(mx)));
      }
      let ej = colE.get(j);
      if (ej === undefined) {
        let mx = 0;
        for (let p = 0; p < k; p++) mx = Math.max(mx, Math.abs(B(p, j)));
        colE.set(j, (ej = pow2Exponent(mx)));
      }
      let s = 0;
      for (let p = 0; p < k; p++) s += timesPow2(A(i, p), -ei) * timesPow2(B(p, j), -ej);
      // alpha op(A) op(B) + beta C = 2^E (al s + be c 2^(ebe - E)) with E = ei + ej + eal.
      const E = ei + ej + eal;
      const c = C && beta !== 0 ? pow2Mul(be * C[i * n + j], ebe - E) : 0;
      const r = pow2Mul(al * s + c, E);
      if (!Number.isFinite(r)) throw notRepresentable(fn);
      out[i * n + j] = r;
    }
  }
}

/**
 * Matrix-vector product alpha op(A) x. O(mn). Overflow on the way is handled
 * as in {@link gemm}. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE.
 *
 * @example
 * gemv(A, new Float64Array([1, 0])); // first column of A
 */
export function gemv(A: MatrixLike, x: VectorLike, opts?: BackendOptions & { trans?: boolean; alpha?: number }): Float64Array {
  const o = readOptions("gemv", opts, GEMV_OPTIONS);
  const a = readMatrix(A, "A");
  const trans = !!o.trans;
  const xv = asVector(x, "x", { length: trans ? a.rows : a.cols });
  const alpha = o.alpha ?? 1;
  const run = (ad: Float64Array, xd: Float64Array, al: number): Float64Array => {
    const out = trans ? a.cols : a.rows;
    return withLinalg(o.backend, arenaBytes(ad.length + xd.length + out), (ws) => {
      const y = ws.scratch(out); // beta = 0: written, not read
      ws.kernels.gemv(trans, a.rows, a.cols, al, ws.input(ad), a.cols, ws.input(xd), 0, y);
      return ws.output(y);
    });
  };
  // A subnormal alpha is lifted as in gemm (the transposed kernel scales x by alpha first).
  const lift = alpha !== 0 && Math.abs(alpha) < 2 ** -1022;
  const y = run(a.data, xv, lift ? alpha * 2 ** SUB : alpha);
  if (lift) for (let i = 0; i < y.length; i++) y[i] *= 2 ** -SUB;
  if (!allFinite(y)) {
    const A_ = trans ? (i: number, p: number) => a.data[p * a.cols + i] : (i: number, p: number) => a.data[i * a.cols + p];
    redoOverflowed("gemv", y, y.length, 1, xv.length, A_, (p) => xv[p], alpha, 0, undefined);
  }
  return y;
}

/**
 * Inner product Σ x_i y_i. O(n). Overflow on the way is handled as in
 * {@link gemm}; a sum beyond the double range throws NON_FINITE.
 *
 * @example
 * dot([1, 2, 3], [4, 5, 6]); // 32
 */
export function dot(x: VectorLike, y: VectorLike, opts?: BackendOptions): number {
  const o = readOptions("dot", opts, BACKEND_ONLY);
  const xv = asVector(x, "x");
  const yv = asVector(y, "y", { length: xv.length });
  const run = (a: Float64Array, b: Float64Array) =>
    withLinalg(o.backend, arenaBytes(2 * a.length), (ws) => ws.kernels.dot(a.length, ws.input(a), ws.input(b)));
  const s = run(xv, yv);
  if (Number.isFinite(s)) return s;
  const ex = pow2Exponent(maxAbs(xv)), ey = pow2Exponent(maxAbs(yv));
  const t = timesPow2(run(scaledCopy(xv, ex), scaledCopy(yv, ey)), ex + ey);
  if (!Number.isFinite(t)) throw notRepresentable("dot");
  return t;
}

/**
 * y + alpha x, returned as a new array (y is not modified). O(n). A result
 * beyond the double range throws NON_FINITE.
 *
 * @example
 * axpy(2, [1, 1], [0, 1]); // Float64Array [2, 3]
 */
export function axpy(alpha: number, x: VectorLike, y: VectorLike, opts?: BackendOptions): Float64Array {
  const o = readOptions("axpy", opts, BACKEND_ONLY);
  const al = opt.number()(alpha, "axpy: alpha");
  const xv = asVector(x, "x");
  const yv = asVector(y, "y", { length: xv.length });
  const out = withLinalg(o.backend, arenaBytes(2 * xv.length), (ws) => {
    const r = ws.copy(yv);
    ws.kernels.axpy(xv.length, al, ws.input(xv), r);
    return ws.output(r);
  });
  for (let i = 0; i < out.length; i++) {
    if (out[i] - out[i] === 0) continue;
    // alpha x_i alone overflowed: y_i + alpha x_i may still fit (|y_i| cancels it), so redo it at a quarter scale.
    const r = (yv[i] * 0.25 + al * 0.25 * xv[i]) * 4;
    if (!Number.isFinite(r)) throw notRepresentable("axpy");
    out[i] = r;
  }
  return out;
}

// Warm-up (docs/ARCHITECTURE.md, "The runtime"): init() repeats a 128 x 128
// product until its path runs optimised, the pool's split included.
let warmA: DenseMatrix | null = null;
linalgModule.warmCall(() => {
  warmA ??= { rows: 128, cols: 128, data: Float64Array.from({ length: 128 * 128 }, (_, i) => Math.sin(i)) };
  return gemm(warmA, warmA);
});
