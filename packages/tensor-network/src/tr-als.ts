// TR-ALS: Zhao, Zhou, Xie, Zhang, Cichocki 2016, "Tensor Ring Decomposition",
// arXiv:1606.05535, Algorithm 2. See tensor-ring.ts for the method's contract.
import { checkSize, LowrankError, Rng, type Backend, type Tensor } from "@lowrank/linalg";
import { arenaBytes, spdSolve, type Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";
import { fillWithMean, refill } from "./impute.js";
import { innerAndFit, solveRows } from "./normal-equations.js";
import { contractCores, contractionSize } from "./reconstruct.js";
import { norm2 } from "./tensor.js";
import type { TensorRingResult } from "./tensor-ring.js";
import type { UnfoldingSvd } from "./types.js";
import { trSvd } from "./tr-svd.js";
import { atRoundingLevel, checkSizes, prod } from "./validate.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/** TR-ALS's settings, checked by the public entry point that runs it. */
export interface TrAlsSettings {
  maxIter?: number;
  tol?: number;
  seed?: number;
  init?: "svd" | "random";
  unfoldingSvd?: UnfoldingSvd;
  returnErrors?: boolean;
  backend?: Backend;
  /**
   * Cores to start from instead (each copied into the leading block of its
   * new core, the rest small Gaussian), as the structure search grows a ring.
   */
  warm?: Tensor[];
  /** Observed entries (0/1, one per entry of X), or none. */
  observed?: Uint8Array | null;
  /** With `observed`: "weighted" (default) fits the observed entries only, "em" imputes the others. */
  completion?: "weighted" | "em";
  /** With "weighted": ridge λ · |Ω_i| on each core slice i (|Ω_i| its observed entries; default 0). */
  lambda?: number;
  /** Runs after every sweep (the caller's progress record and yield). */
  afterSweep?: (iteration: number, error: number) => Promise<void>;
  /** Runs between the steps of an svd start (the caller's abort check). */
  check?: () => void;
}

const EPS = 2.220446049250313e-16;
/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
const EXACT_BELOW = 1e-6;

/**
 * TR-ALS on the checked tensor X with bond ranks r_0..r_{N-1} (r_0 = 1: a
 * tensor train), from `opts.warm` cores or a random / TR-SVD start. With
 * `opts.observed` and `completion` "em" the missing entries are imputed (see
 * impute.ts); with "weighted" each core is the least-squares fit of the
 * observed entries only (per-slice normal equations, kernel `maskedNormal`).
 */
export async function trAls(X: Tensor, ranks: number[], opts: TrAlsSettings): Promise<TensorRingResult> {
  const { warm, completion = "weighted", afterSweep = async () => {}, check = () => {} } = opts;
  const mask = opts.observed ?? null;
  const shape = X.shape, N = shape.length, S = X.data.length;
  const maxIter = opts.maxIter ?? 200, tol = opts.tol ?? 1e-10;
  const seed = opts.seed ?? 0;
  const r = [...ranks, ranks[0]];
  // Every array below is sized from the ranks: check them all before allocating any.
  let coreTotal = 0;
  for (let k = 0; k < N; k++) {
    checkSize(r[k] * shape[k] * r[k + 1], `tensorRing: core ${k} (ranks ${r[k]} x ${r[k + 1]})`);
    coreTotal += r[k] * shape[k] * r[k + 1];
  }
  for (let k = 0; k < N; k++) {
    const rr = r[k] * r[k + 1];
    checkSizes("tensorRing", (S / shape[k]) * rr, shape[k] * rr * 3, rr * rr * (mask ? shape[k] + 2 : 2), coreTotal, 2 * S);
    const order = cyclicOrder(N, k);
    checkSize(contractionSize(order.map((j) => ({ shape: [r[j], shape[j], r[j + 1]] }))), "tensorRing: a subchain of the cores");
  }
  const svdFits = r[0] * r[1] <= Math.min(shape[0], S / shape[0]);
  const init = opts.init ?? "random";
  if (!warm && init === "svd" && !svdFits) throw new LowrankError("RANK", `init "svd" needs ranks[0] * ranks[1] <= ${Math.min(shape[0], S / shape[0])}`);

  // Start: Gaussian cores (variance 1 / r_k, as @lowrank/datasets' trTensor), or small Gaussian
  // padding around the cores of a warm start or of TR-SVD with these ranks.
  const base = warm ?? (init === "svd" ? (await trSvd(X, { rank: ranks, eps: 0, unfoldingSvd: opts.unfoldingSvd ?? "gram", backend: opts.backend, pause: check })).cores : null);
  const rng = new Rng(seed);
  const start = shape.map((n, k) => {
    const data = rng.fillNormal(new Float64Array(r[k] * n * r[k + 1]));
    const sc = (base ? 1e-3 : 1) / Math.sqrt(r[k]);
    for (let i = 0; i < data.length; i++) data[i] *= sc;
    return data;
  });
  base?.forEach((c, k) => {
    const [a0, n, b0] = c.shape;
    for (let a = 0; a < Math.min(a0, r[k]); a++) {
      for (let i = 0; i < n; i++) for (let b = 0; b < Math.min(b0, r[k + 1]); b++) start[k][(a * n + i) * r[k + 1] + b] = c.data[(a * n + i) * b0 + b];
    }
  });

  // Sizes: the subchain of the other cores, its matrix Q (J x r_k r_{k+1}), the normal equations.
  let most = 0, qSize = 0, rowSize = 0, rrMax = 0;
  for (let k = 0; k < N; k++) {
    const order = cyclicOrder(N, k);
    most = Math.max(most, contractionSize(order.map((j) => ({ shape: [r[j], shape[j], r[j + 1]] }))));
    const rr = r[k] * r[k + 1];
    qSize = Math.max(qSize, (S / shape[k]) * rr);
    rowSize = Math.max(rowSize, shape[k] * rr);
    rrMax = Math.max(rrMax, rr);
  }
  const coreSize = start.reduce((a, c) => a + c.length, 0);
  const weighted = mask !== null && completion === "weighted";
  let count = 0;
  if (weighted) for (let i = 0; i < S; i++) count += mask![i];
  const nMax = Math.max(...shape);
  // Weighted: the observed values and flat indices instead of X and the residual, per-slice normal equations.
  const bytes = weighted
    ? arenaBytes(count + coreSize + 2 * most + qSize + 3 * rowSize + nMax * rrMax * rrMax + 2 * rrMax * rrMax, count, 32 + 2 * N)
    : arenaBytes(2 * S + coreSize + 2 * most + qSize + 3 * rowSize + 2 * rrMax * rrMax, 0, 32 + 2 * N);
  // Leased: the instance the previous run gave back, when there is one (no fresh memory); the cores are copied out.
  const { ws, release } = await tensorModule.leasedWorkspace(opts.backend, bytes);
  const K = ws.kernels;
  if (weighted) {
    const out = await weightedSweeps(ws, X, mask!, count, shape, r, start, { most, qSize, rowSize, rrMax, nMax }, opts, maxIter, tol, afterSweep);
    release();
    return out;
  }
  const x = mask ? ws.copy(X.data) : ws.input(X.data), resid = ws.f64(S);
  const observedNorm2 = mask ? fillWithMean(x, mask) : 0;
  const normX = norm2(x);
  const G = start.map((c) => ws.input(c));
  const bufs = [ws.f64(most), ws.f64(most)];
  const Q = ws.f64(qSize), M = ws.f64(rowSize), MT = ws.f64(rowSize), Gm = ws.f64(rowSize);
  const V = ws.f64(rrMax * rrMax), L = ws.f64(rrMax * rrMax);

  const errors: number[] = [];
  for (let it = 1; it <= maxIter; it++) {
    let inner = 0, fit = 0;
    for (let k = 0; k < N; k++) {
      const { n, ra, rb, rr, left, right, J } = modeDesign(ws, shape, r, G, bufs, Q, k);
      // M = X_[k] Q (I_k x rr) on the (left, I_k, right) view: block l meets the rows j = q * left + l.
      if (right === 1) {
        K.gemm(true, false, n, rr, left, 1, x, n, Q, rr, 0, M, rr);
      } else {
        for (let l = 0; l < left; l++) {
          K.gemm(false, false, n, rr, right, 1, x.subarray(l * n * right), right, Q.subarray(l * rr), left * rr, l === 0 ? 0 : 1, M, rr);
        }
      }
      K.gemm(true, false, rr, rr, J, 1, Q, rr, Q, rr, 0, V, rr);
      solveRows(K, n, rr, V, L, M, MT, Gm);
      for (let a = 0; a < ra; a++) for (let i = 0; i < n; i++) for (let b = 0; b < rb; b++) G[k][(a * n + i) * rb + b] = Gm[i * rr + a * rb + b];
      if (k === N - 1) {
        // ‖X̂‖² = Σ_i g_i V g_iᵀ and <X, X̂> = Σ_i g_i · m_i with the last core's rows g_i.
        ({ inner, fit } = innerAndFit(n, rr, Gm, M, V));
      }
    }
    let err = normX === 0 ? 0 : Math.sqrt(Math.max(normX * normX - 2 * inner + fit, 0)) / normX;
    // Below 1e-6 the formula's cancellation dominates: form the residual X - X̂ instead, with
    // X̂ (J x I_N) = Q G_N(2)ᵀ from the last core's update (one more GEMM of M's size).
    // With a mask X̂ is formed every sweep to refill the missing entries.
    const exact = err < EXACT_BELOW || mask !== null;
    if (exact) {
      const n = shape[N - 1], rr = r[N - 1] * r[N];
      if (mask) {
        K.gemm(false, true, S / n, n, rr, 1, Q, rr, Gm, rr, 0, resid, n);
        err = refill(x, resid, mask, observedNorm2);
      } else {
        resid.set(x);
        K.gemm(false, true, S / n, n, rr, -1, Q, rr, Gm, rr, 1, resid, n);
        err = normX === 0 ? 0 : norm2(resid) / normX;
      }
    }
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await afterSweep(it, err);
    if (Math.abs(prev - err) < tol || (!exact && Math.abs(prev * prev - err * err) < 16 * N * EPS) || atRoundingLevel(err, tol, N)) break;
  }
  const cores = G.map((g, k) => ({ shape: [r[k], shape[k], r[k + 1]], data: ws.output(g) }));
  release();
  const result: TensorRingResult = { kind: "tensor-network", version: RESULT_VERSION, cores, ranks: r };
  if (opts.returnErrors) result.errors = errors;
  return result;
}

/** Q[j, a rb + b] = P[b, j, a]: the subchain product as the design matrix of core k (J x ra rb). */
function designMatrix(P: Float64Array, Q: Float64Array, ra: number, rb: number, J: number): void {
  const rr = ra * rb;
  for (let b = 0; b < rb; b++) {
    for (let j = 0; j < J; j++) {
      const src = (b * J + j) * ra, dst = j * rr + b;
      for (let a = 0; a < ra; a++) Q[dst + a * rb] = P[src + a];
    }
  }
}

/**
 * Weighted TR-ALS: each core update solves, for every slice i of mode k,
 * the least squares over the observed entries with that index only,
 * V_i g_i = b_i with V_i = Σ q qᵀ and b_i = Σ x q over them (q the row of
 * the design matrix). The error is the exact residual on the observed
 * entries after each sweep.
 */
async function weightedSweeps(
  ws: Workspace<TensorKernels>, X: Tensor, mask: Uint8Array, count: number, shape: number[], r: number[], start: Float64Array[],
  sz: { most: number; qSize: number; rowSize: number; rrMax: number; nMax: number },
  opts: TrAlsSettings, maxIter: number, tol: number, afterSweep: (iteration: number, error: number) => Promise<void>,
): Promise<TensorRingResult> {
  const K = ws.kernels, N = shape.length, S = X.data.length;
  const idx = ws.i32(count), xo = ws.f64(count);
  let observedNorm2 = 0;
  for (let i = 0, e = 0; i < S; i++) {
    if (!mask[i]) continue;
    idx[e] = i;
    xo[e++] = X.data[i];
    observedNorm2 += X.data[i] * X.data[i];
  }
  const G = start.map((c) => ws.input(c));
  const bufs = [ws.f64(sz.most), ws.f64(sz.most)];
  const Q = ws.f64(sz.qSize), B = ws.f64(sz.rowSize), Gm = ws.f64(sz.rowSize), b1 = ws.f64(sz.rrMax);
  const V = ws.f64(sz.nMax * sz.rrMax * sz.rrMax), L = ws.f64(sz.rrMax * sz.rrMax);
  const errors: number[] = [];
  // Weighted-λ ridge (as matrix completion's ALS): λ times each slice's observed count, per mode.
  const lambda = opts.lambda ?? 0;
  const ridge = shape.map((n, k) => {
    const c = new Float64Array(n);
    if (lambda > 0) {
      const after = prod(shape, k + 1);
      for (let e = 0; e < count; e++) c[Math.floor(idx[e] / after) % n] += lambda;
    }
    return c;
  });
  for (let it = 1; it <= maxIter; it++) {
    let res2 = 0;
    for (let k = 0; k < N; k++) {
      const { n, ra, rb, rr, left, right } = modeDesign(ws, shape, r, G, bufs, Q, k);
      // Rows of Q are j = q * left + l (the subchain runs over the modes after k, then before).
      K.maskedNormal(count, idx, xo, n, right, 1, left, rr, Q, V, B);
      solveSlices(K, n, rr, V, L, B, b1, Gm, ridge[k]);
      for (let a = 0; a < ra; a++) for (let i = 0; i < n; i++) for (let b = 0; b < rb; b++) G[k][(a * n + i) * rb + b] = Gm[i * rr + a * rb + b];
      if (k === N - 1) res2 = K.maskedResidual(count, idx, xo, n, right, 1, left, rr, Q, Gm);
    }
    const err = observedNorm2 === 0 ? 0 : Math.sqrt(res2 / observedNorm2);
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await afterSweep(it, err);
    if (Math.abs(prev - err) < tol || atRoundingLevel(err, tol, N)) break;
  }
  const cores = G.map((g, k) => ({ shape: [r[k], shape[k], r[k + 1]], data: ws.output(g) }));
  const result: TensorRingResult = { kind: "tensor-network", version: RESULT_VERSION, cores, ranks: r };
  if (opts.returnErrors) result.errors = errors;
  return result;
}

/**
 * G (n x rr) row i = V_i⁻¹ B_i for the n lower-triangular blocks V_i (rr x rr,
 * from maskedNormal), each through linalg's spdSolve: Cholesky and two
 * triangular solves, with linalg's ridge retry when V_i is singular (too few
 * observed entries; a slice observed nowhere has B_i = 0 and gets 0).
 */
function solveSlices(K: TensorKernels, n: number, rr: number, V: Float64Array, L: Float64Array, B: Float64Array, b: Float64Array, G: Float64Array, ridge: Float64Array): void {
  const r2 = rr * rr;
  for (let i = 0; i < n; i++) {
    if (ridge[i] > 0) for (let p = 0; p < rr; p++) V[i * r2 + p * rr + p] += ridge[i];
    b.set(B.subarray(i * rr, (i + 1) * rr));
    if (spdSolve(K, rr, V.subarray(i * r2, (i + 1) * r2), rr, L, b, 1, 1) < 0) {
      throw new LowrankError("NOT_CONVERGED", "weighted ALS: a slice's normal equations stayed singular");
    }
    G.set(b.subarray(0, rr), i * rr);
  }
}

/** Cores k+1, ..., N-1, 0, ..., k-1: the subchain that closes the ring around core k. */
function cyclicOrder(N: number, k: number): number[] {
  return Array.from({ length: N - 1 }, (_, i) => (k + 1 + i) % N);
}

/**
 * Mode k's step of a TR-ALS sweep, before its solve: the sizes, and in Q (J x
 * r_k r_{k+1}, J = left right) the design matrix of the subchain of the other
 * cores, P = G_{k+1} ... G_{N-1} G_0 ... G_{k-1} ((r_{k+1} J) x r_k, J in
 * cyclic order j = q * left + l): X[.., i_k, ..] = trace(G_k[:, i_k, :] P_j)
 * = Σ_{a,b} G_k[a, i_k, b] P[b, j, a], so Q[j, a r_{k+1} + b] = P[b, j, a].
 */
function modeDesign(
  ws: Workspace<TensorKernels>, shape: number[], r: number[], G: Float64Array[], bufs: Float64Array[], Q: Float64Array, k: number,
): { n: number; ra: number; rb: number; rr: number; left: number; right: number; J: number } {
  const n = shape[k], ra = r[k], rb = r[k + 1], rr = ra * rb;
  const left = prod(shape, 0, k), right = prod(shape, k + 1), J = left * right;
  const order = cyclicOrder(shape.length, k);
  const P = contractCores(ws, order.map((j) => G[j]), order.map((j) => [r[j], shape[j], r[j + 1]]), bufs);
  designMatrix(P, Q, ra, rb, J);
  return { n, ra, rb, rr, left, right, J };
}
