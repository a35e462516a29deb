// `method: "auto"`: before each batch, estimate the cost of updating it with
// `deng`, with `zha-simon`, and of recomputing a fresh truncated SVD of the
// whole current matrix (kept by the EvolvingSvd), and take the cheapest. Only
// the exact methods compete: the approximate spaces (GKL, RPI) are cheaper on
// large batches but less precise, and a recomputation is at least as precise
// as an exact update (it does not inherit the drift of earlier truncations).
// The cost model below, then the decision an EvolvingSvd takes per batch.
import { arenaBytes, lanczosSettings } from "@lowrank/linalg/internal";
import { jsSvdUpdateKernels } from "./kernels/index.js";
import type { KeptMatrix } from "./kept.js";
import type { FactorLayout } from "./layout.js";
import { METHODS } from "./methods/index.js";
import type { EvolvingOpts } from "./options.js";
import { foldK } from "./side.js";
import { initialMethod } from "./initial.js";
import { resolveTsvd } from "./truncated.js";

/** What auto can choose for one batch. */
export type AutoChoice = "deng" | "zha-simon" | "recompute";

/** One batch's decision, as recorded in `EvolvingSvd.history`. */
export interface AutoDecision {
  /** The update call. */
  op: "addRows" | "addColumns" | "updateWeights";
  /** Vectors in the batch (rows, columns, or the inner dimension of D Eᵀ). */
  s: number;
  /** Nonzeros of the batch (D and E together for updateWeights). */
  nnz: number;
  /** Shape of the matrix before the batch. */
  rows: number;
  cols: number;
  /** Estimated milliseconds of each option (Infinity: not available, e.g. recompute without the matrix). */
  estimates: Record<AutoChoice, number>;
  /** The option taken (the smallest estimate). */
  choice: AutoChoice;
  /** Measured milliseconds of the whole call (decision included). */
  ms: number;
}

/**
 * Constants of the cost model, in nanoseconds per unit of each term, for the
 * WASM backend (times `JS_FACTOR` on the js backend). Measured on the
 * benchmark machine (Intel Xeon, 2 cores shared with other jobs, Node 20,
 * relaxed-simd) by bench/calibrate.ts: per-batch times of `deng` and
 * `zha-simon` row batches on SpamAssassin (batches of 1 to 300 messages,
 * k = 8 to 64) and of auto's own recomputation (SpamAssassin prefixes and
 * synthetic sparse matrices of 1,200 to 30,000 rows plus columns, k = 4 to
 * 64), each model's constants fitted by nonnegative least squares on relative
 * error; `smallSvd` from timing the core-matrix SVD kernel alone (sizes 26 to
 * 364). The Lanczos recomputation's terms (lanczos*) come from the same
 * shapes, each time scaled by the randomized recomputation's predicted /
 * measured ratio in the same run (the machine was loaded; that ratio carries
 * the quiet machine's speed over); their fit is looser (0.13-2x: the restarts
 * a matrix needs vary). The fits predict the measured times within a factor of about 2 (see
 * the README); enough to separate the cases where one option is several
 * times cheaper, not to split close calls.
 */
export const COST = {
  /** deng: per p (s + k)² (projection, Gram-Schmidt on the support, the support rows' correction). */
  dengSupport: 0.5,
  /** deng, zha-simon: per (k + q)² (k + s), q = min(s, p) (the one-sided Jacobi SVD of the core matrix). */
  smallSvd: 3.5,
  /** deng: per k³ (K products and inverses, per side). */
  dengK: 3.8,
  /** deng: fixed per batch (ns). */
  batch: 43000,
  /** zha-simon: per (m + n) k (k + s) (rotating both tall factors, forming the dense residual). */
  zhaRotate: 0.15,
  /** zha-simon: per n s² (blocked Householder QR of the n x s residual and its Q). */
  zhaQr: 1.05,
  /** zha-simon: fixed per batch (ns; what the fit could not attribute to the terms above). */
  zhaBatch: 8e6,
  /** recompute: per nnz(A) l (2q + 2) (the sparse products; small next to the QRs). */
  tsvdSparse: 0.02,
  /** recompute: per (m + n) l (2q + 2) (row-by-row work of the 2q + 2 tall QRs, which dominates at small l). */
  tsvdRows: 30,
  /** recompute: per (m + n) l² (2q + 2) (the QRs' arithmetic and the final products). */
  tsvdDense: 0.12,
  /** recompute: fixed (ns). */
  tsvdFixed: 0,
  /** Lanczos recompute: per nnz(A) p (the sparse products of about p steps a restart, a few restarts; p the basis size). */
  lanczosSparse: 0.67,
  /** Lanczos recompute: per min(m, n) p² (Gram-Schmidt against the basis and the restarts' rotations). */
  lanczosOrth: 2.3,
  /** Lanczos recompute: per (m + n) k² (the final Rayleigh-Ritz step: QR of the tall block and the factors). */
  lanczosRows: 3.5,
  /** Lanczos recompute: fixed (ns; the transpose of a wide matrix, the workspace). */
  lanczosFixed: 1e7,
};

/** Roughly how much slower the TypeScript reference runs the same terms. */
export const JS_FACTOR = 4;

/** The shape of one decision's inputs. */
export interface CostInput {
  k: number;
  /** Batch vectors. */
  s: number;
  /** Distinct indices the batch touches on the basis side (support); for weights the two sides summed. */
  p: number;
  /** Dimension of the basis side (n for rows) and of the growing side (m for rows). */
  basisDim: number;
  growDim: number;
  /** Whether both sides are orthogonalised (updateWeights). */
  twoSided: boolean;
  /** Nonzeros of the kept matrix after the batch, or -1 when no matrix is kept. */
  nnzA: number;
  rowsA: number;
  colsA: number;
  /** The recomputation's sketch width l = k + oversample (capped) and power iterations q (randomized). */
  l: number;
  q: number;
  /** The recomputation's basis size (Lanczos), or 0 when it is randomized. */
  basis: number;
  js: boolean;
}

/** Estimated milliseconds of each option for one batch. O(1). */
export function estimate(x: CostInput): Record<AutoChoice, number> {
  const c = COST, f = (x.js ? JS_FACTOR : 1) * 1e-6;
  const { k, s } = x;
  const w = k + s, sides = x.twoSided ? 2 : 1;
  // The core matrix is (k + s) x (k + sq) with sq <= min(s, p) new directions (fewer when the batch
  // spans little new space), and one-sided Jacobi costs min² max of its sides.
  const wq = k + Math.min(s, x.p, x.basisDim);
  const small = c.smallSvd * wq * wq * w;
  const deng = f * (c.dengSupport * x.p * w * w + small + c.dengK * sides * k * k * k + c.batch);
  const dims = x.basisDim + x.growDim;
  const zha = f * (c.zhaRotate * dims * k * w + c.zhaQr * x.basisDim * s * s + small + c.zhaBatch);
  const b = x.basis, short = Math.min(x.rowsA, x.colsA);
  const recompute = x.nnzA < 0
    ? Infinity
    : b > 0
      ? f * (c.lanczosSparse * x.nnzA * b + c.lanczosOrth * short * b * b + c.lanczosRows * (x.rowsA + x.colsA) * k * k + c.lanczosFixed)
      : f * ((2 * x.q + 2) * (c.tsvdSparse * x.nnzA * x.l + (x.rowsA + x.colsA) * x.l * (c.tsvdRows + c.tsvdDense * x.l)) + c.tsvdFixed);
  return { deng, "zha-simon": zha, recompute };
}

/** The cheapest option (ties go to the update, then to deng). */
export function choose(e: Record<AutoChoice, number>): AutoChoice {
  let best: AutoChoice = "deng";
  for (const o of ["zha-simon", "recompute"] as const) if (e[o] < e[best]) best = o;
  return best;
}

/** Settings of the recomputations auto may run (the initial truncatedSvd's method and options). */
export interface RecomputeSettings {
  method: "lanczos" | "randomized";
  oversample: number;
  powerIters: number;
  seed: number;
  /** As given (each method has its own default). */
  tol?: number;
  basisSize?: number;
  maxIter?: number;
}

/** The settings of auto's in-update recomputations: the initial SVD's method and options. */
export function recomputeSettings(o: EvolvingOpts): RecomputeSettings {
  const { oversample = 10, powerIters = 4, seed = 0, tol, basisSize, maxIter } = o;
  return { method: initialMethod("EvolvingSvd", o.svdMethod, o), oversample, powerIters, seed, tol, basisSize, maxIter };
}

/** One update call's batch as auto sees it. */
export interface BatchShape {
  op: AutoDecision["op"];
  /** Vectors in the batch. */
  s: number;
  nnz: number;
  /** Support on the basis side (both sides summed for updateWeights). */
  p: number;
  basisDim: number;
  growDim: number;
  twoSided: boolean;
}

/**
 * "auto": estimates the options for this batch, sets the update method
 * (folding K into the tall factors when switching to zha-simon, which
 * changes the representation, not the factors) and returns the decision
 * (recorded once the update is done); other methods: null.
 * O(1), O((m + n) k²) on a switch.
 */
export function decide(f: FactorLayout, kept: KeptMatrix | null, tsvd: RecomputeSettings, b: BatchShape): AutoDecision | null {
  const cx = f.cx;
  if (!cx.auto) return null;
  const { op, s, nnz } = b;
  const rowsA = f.U.dim + (op === "addRows" ? s : 0), colsA = f.V.dim + (op === "addColumns" ? s : 0);
  const o = resolveTsvd({ ...tsvd, rank: f.k }, rowsA, colsA);
  const basis = tsvd.method === "lanczos" ? lanczosSettings({ ...tsvd, rank: f.k }, rowsA, colsA).p : 0;
  const estimates = estimate({
    k: f.k, s, p: b.p, basisDim: b.basisDim, growDim: b.growDim, twoSided: b.twoSided,
    nnzA: kept ? kept.nnz + nnz : -1, rowsA, colsA, l: o.l, q: o.powerIters, basis, js: f.st.kernels === jsSvdUpdateKernels,
  });
  const choice = choose(estimates);
  const decision: AutoDecision = { op, s, nnz, rows: f.U.dim, cols: f.V.dim, estimates, choice, ms: NaN };
  if (choice === "recompute") return decision;
  cx.method = METHODS[choice];
  if (!cx.method.extended) {
    f.ensure(f.U.dim, f.V.dim, arenaBytes(Math.max(f.U.dim, f.V.dim) * f.k, 0, 2));
    f.st.scoped(() => {
      foldK(cx, f.U);
      foldK(cx, f.V);
    });
  }
  return decision;
}
