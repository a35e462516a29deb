// The iterated parts of Tucker on a workspace (tucker.ts is the entry point):
// the projection chain X ×_{k≠n} U_kᵀ, ST-HOSVD (Vannieuwenhoven, Vandebril,
// Meerbergen 2012, Alg. 1), one HOOI sweep (De Lathauwer, De Moor, Vandewalle
// 2000, "On the best rank-1 and rank-(R1,...,RN) approximation", Alg. 4.2),
// HOOI's stopping rule and its random start.
import type { Rng } from "@lowrank/linalg";
import type { Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { modeBasis, type ModeProductCall } from "./mode-basis.js";
import type { UnfoldingSvd } from "./types.js";
import { prod } from "./validate.js";

const EPS = 2.220446049250313e-16;

/** HOOI's default `tol`: TensorLy's tucker default (10e-5). */
export const HOOI_TOL = 1e-4;
/** Sweeps HOOI always runs (when maxIter allows): TensorLy tests for convergence from its third sweep on. */
export const HOOI_MIN_SWEEPS = 3;

/**
 * HOOI's stopping test after a sweep, on the relative error e = ‖X - X̂‖ / ‖X‖
 * (so on the fit 1 - e): stop when |e_prev - e| < tol, as TensorLy does.
 * The squared error ‖X‖² - ‖core‖² is known to about eps ‖X‖² only, so a
 * change of e² below 16 N eps is rounding and stops the run too. `tol: 0`
 * never stops: the run makes exactly `maxIter` sweeps.
 */
export function hooiConverged(prev: number, err: number, tol: number, N: number): boolean {
  return tol > 0 && (Math.abs(prev - err) < tol || Math.abs(prev * prev - err * err) < 16 * N * EPS);
}

/**
 * What the Tucker steps work on: the workspace, the unfolding SVD route, the
 * tensor x (shape), the ranks r, the factors U (I_n x r_n each), singular
 * value scratch s, and two ping-pong buffers for chains of mode products
 * (each holding the first, largest, product of a chain).
 */
export interface TuckerWork {
  ws: Workspace<TensorKernels>;
  route: UnfoldingSvd;
  x: Float64Array;
  shape: number[];
  r: number[];
  U: Float64Array[];
  s: Float64Array;
  bufA: Float64Array;
  bufB: Float64Array;
}

/**
 * X ×_k U_kᵀ over every mode k except `skip` (-1: all modes), as a chain of
 * mode products alternating between bufA and bufB. O(size r) for the first
 * product, less for the rest.
 */
export function project(t: TuckerWork, skip: number): { data: Float64Array; shape: number[] } {
  const { ws, shape, U, r, bufA, bufB } = t;
  let cur = t.x;
  const dims = shape.slice();
  for (let k = 0; k < shape.length; k++) {
    if (k === skip) continue;
    const left = prod(dims, 0, k), right = prod(dims, k + 1);
    const out = cur === bufA ? bufB : bufA;
    ws.kernels.modeProduct(true, left, dims[k], right, r[k], cur, U[k], r[k], out);
    dims[k] = r[k];
    cur = out;
  }
  return { data: cur.subarray(0, prod(dims)), shape: dims };
}

/** ST-HOSVD (Vannieuwenhoven et al. 2012, Alg. 1): truncate mode k before computing mode k + 1. Returns the core. */
export function stHosvd(t: TuckerWork): Float64Array {
  const { ws, route, shape, r, U, s, bufA, bufB } = t;
  let cur = t.x;
  const dims = shape.slice();
  for (let k = 0; k < shape.length; k++) {
    const left = prod(dims, 0, k), right = prod(dims, k + 1);
    modeBasis(ws, { route, left, n: dims[k], right, X: cur, r: r[k], U: U[k], s });
    const out = cur === bufA ? bufB : bufA;
    ws.kernels.modeProduct(true, left, dims[k], right, r[k], cur, U[k], r[k], out);
    dims[k] = r[k];
    cur = out;
  }
  return cur.subarray(0, prod(r));
}

/** A chain of mode products under way: its current product (a whole ping-pong buffer or x) and that product's shape. */
interface Chain {
  cur: Float64Array;
  dims: number[];
}

/** The chain after one more product, cur ×_k U_kᵀ, into whichever ping-pong buffer cur is not. */
function chainStep(t: TuckerWork, c: Chain, k: number): ModeProductCall & { next: Chain } {
  const { U, r, bufA, bufB } = t;
  const out = c.cur === bufA ? bufB : bufA;
  const dims = c.dims.slice();
  const call = { transM: true, left: prod(dims, 0, k), n: dims[k], right: prod(dims, k + 1), J: r[k], X: c.cur, M: U[k], ldm: r[k], out };
  dims[k] = r[k];
  return { ...call, next: { cur: out, dims } };
}

/**
 * Y_n = X ×_{k≠n} U_kᵀ for HOOI's mode n, the factors taken cyclically from
 * n + 1 (n + 1, ..., N - 1, 0, ..., n - 1): the one updated last, U_{n-1},
 * comes last, so the first and largest product, X ×_{n+1} U_{n+1}ᵀ, can run
 * beside mode n - 1's eigenproblem (`first`: the chain after it, or null).
 */
function hooiChain(t: TuckerWork, n: number, first: Chain | null): { data: Float64Array; shape: number[] } {
  const N = t.shape.length;
  let c: Chain = first ?? { cur: t.x, dims: t.shape.slice() };
  for (let j = first ? 2 : 1; j < N; j++) {
    const s = chainStep(t, c, (n + j) % N);
    t.ws.kernels.modeProduct(s.transM, s.left, s.n, s.right, s.J, s.X, s.M, s.ldm, s.out);
    c = s.next;
  }
  return { data: c.cur.subarray(0, prod(c.dims)), shape: c.dims };
}

/**
 * One HOOI sweep (De Lathauwer et al. 2000, Alg. 4.2): for each mode n,
 * U_n = leading vectors of (X ×_{k≠n} U_kᵀ)_(n), the chain in the order of
 * {@link hooiChain}. With three modes or more, mode n + 1's first product
 * (which does not read U_n) is computed beside mode n's eigenproblem: on the
 * pool one job, the eigenproblem one task beside the product's tiles, so the
 * small eigenproblems no longer leave the other threads idle. Returns the
 * core X ×_n U_nᵀ.
 */
export function hooiSweep(t: TuckerWork): Float64Array {
  const { ws, route, shape, r, U, s, bufA, bufB } = t;
  const N = shape.length;
  let core = bufA, ahead: Chain | null = null;
  for (let n = 0; n < N; n++) {
    const Y = hooiChain(t, n, ahead);
    ahead = null;
    // Mode n + 1's first product, X ×_k U_kᵀ with k = n + 2 (not n when N >= 3), into the buffer Y is not in.
    let beside: ModeProductCall | undefined;
    if (N >= 3 && n + 1 < N) {
      const k = (n + 2) % N, out = startsAt(Y.data, bufA) ? bufB : bufA;
      beside = { transM: true, left: prod(shape, 0, k), n: shape[k], right: prod(shape, k + 1), J: r[k], X: t.x, M: U[k], ldm: r[k], out };
      ahead = { cur: out, dims: shape.map((d, j) => (j === k ? r[k] : d)) };
    }
    modeBasis(ws, { route, left: prod(Y.shape, 0, n), n: shape[n], right: prod(Y.shape, n + 1), X: Y.data, r: r[n], U: U[n], s, beside });
    if (n === N - 1) {
      // Y is a view of one of the two buffers (not the buffer itself): the core goes in the other.
      core = startsAt(Y.data, bufA) ? bufB : bufA;
      ws.kernels.modeProduct(true, prod(Y.shape, 0, n), shape[n], 1, r[n], Y.data, U[n], r[n], core);
    }
  }
  return core.subarray(0, prod(r));
}

/** Whether `view` starts where `buf` does (on wasm every view shares one buffer). */
export function startsAt(view: Float64Array, buf: Float64Array): boolean {
  return view.buffer === buf.buffer && view.byteOffset === buf.byteOffset;
}

/** U_n = Q of the QR of a Gaussian I_n x r_n matrix: random orthonormal factors for HOOI's random start. */
export function randomFactors(t: TuckerWork, rng: Rng): void {
  const { ws, shape, r, U } = t;
  const K = ws.kernels;
  shape.forEach((n, k) =>
    ws.scoped(() => {
      const a = ws.f64(n * r[k]), tau = ws.f64(r[k]), work = ws.f64(r[k]);
      K.rngFill(rng, a, true);
      K.householderQr(n, r[k], a, r[k], tau, work);
      K.householderQ(n, r[k], a, r[k], tau, U[k], r[k], work);
    }),
  );
}
