// General tensor networks: one core per mode and a bond between every pair of
// cores (the fully connected topology of Hashemizadeh, Liu, Miller,
// Rabusseau, "Adaptive Learning of Tensor Network Structures"; a bond of rank
// 1 is no edge, so tensor trains and rings are special cases). Contraction is
// a chain of pairwise contractions, each an axis permutation (kernel
// `permute`) and one GEMM; ALS updates one core at a time by least squares
// against the contraction of all the others (the unfolding of the
// rest-of-network contraction).
import { arenaBytes, asTensor, MAX_WASM_BYTES, internalError, LongRun, LowrankError, Rng, WasmWorkspace, type ProgressRecord, type Tensor, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";
import { solveRows } from "./normal-equations.js";
import { norm2 } from "./tensor.js";
import type { GeneralTensorNetwork } from "./types.js";
import { checkSizes, prod } from "./validate.js";

/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
const EXACT_BELOW = 1e-6;

/** Labelled dims of an intermediate tensor: phys mode k is label k, bond (a < b) is N + a N + b. */
interface Lab {
  labels: number[];
  dims: number[];
}

const bondLabel = (N: number, a: number, b: number) => (a < b ? N + a * N + b : N + b * N + a);

/** Core k's layout: [I_k, R[k][j] for j ≠ k ascending]. */
export function coreShapeOf(shape: number[], R: number[][], k: number): number[] {
  return [shape[k], ...shape.map((_, j) => j).filter((j) => j !== k).map((j) => R[k][j])];
}

function coreLab(shape: number[], R: number[][], k: number): Lab {
  const N = shape.length;
  const others = shape.map((_, j) => j).filter((j) => j !== k);
  return { labels: [k, ...others.map((j) => bondLabel(N, k, j))], dims: coreShapeOf(shape, R, k) };
}

/** Σ_k I_k Π_{j≠k} R[k][j]. */
export function generalParameters(shape: number[], R: number[][]): number {
  return shape.reduce((a, _, k) => a + prod(coreShapeOf(shape, R, k)), 0);
}

interface Step {
  permA: number[] | null;
  permB: number[] | null;
  m: number;
  s: number;
  n: number;
  dimsA: number[];
  dimsB: number[];
}

/** A chain contraction of the cores in `order`, then a permutation to `target` labels. */
interface Chain {
  order: number[];
  steps: Step[];
  finalDims: number[];
  finalPerm: number[] | null;
  /** Doubles of the largest permuted left operand, right operand, and product. */
  maxA: number;
  maxB: number;
  maxC: number;
  size: number;
}

const isIdentity = (p: number[]) => p.every((v, i) => v === i);

/**
 * The contraction of all cores but `exclude` (-1: all), in mode order,
 * ending in the labels [phys modes ascending, bonds to `exclude` ascending]:
 * with exclude = k, the (S / I_k) x Π_j R[k][j] matrix whose rows are the
 * other modes in C order and whose columns are core k's bond indices.
 */
function planChain(shape: number[], R: number[][], exclude: number): Chain {
  const N = shape.length;
  const order = shape.map((_, j) => j).filter((j) => j !== exclude);
  let T = coreLab(shape, R, order[0]);
  const steps: Step[] = [];
  let maxA = 0, maxB = 0, maxC = 0;
  for (let i = 1; i < order.length; i++) {
    const B = coreLab(shape, R, order[i]);
    const sharedA: number[] = [], freeA: number[] = [];
    T.labels.forEach((l, ax) => (B.labels.includes(l) ? sharedA : freeA).push(ax));
    const sharedB = sharedA.map((ax) => B.labels.indexOf(T.labels[ax]));
    const freeB = B.labels.map((_, ax) => ax).filter((ax) => !sharedB.includes(ax));
    const permA = [...freeA, ...sharedA], permB = [...sharedB, ...freeB];
    const m = prod(freeA.map((ax) => T.dims[ax])), s = prod(sharedA.map((ax) => T.dims[ax])), n = prod(freeB.map((ax) => B.dims[ax]));
    steps.push({ permA: isIdentity(permA) ? null : permA, permB: isIdentity(permB) ? null : permB, m, s, n, dimsA: T.dims, dimsB: B.dims });
    if (!isIdentity(permA)) maxA = Math.max(maxA, m * s);
    if (!isIdentity(permB)) maxB = Math.max(maxB, s * n);
    maxC = Math.max(maxC, m * n);
    T = {
      labels: [...freeA.map((ax) => T.labels[ax]), ...freeB.map((ax) => B.labels[ax])],
      dims: [...freeA.map((ax) => T.dims[ax]), ...freeB.map((ax) => B.dims[ax])],
    };
  }
  const target = [...order, ...(exclude >= 0 ? order.map((j) => bondLabel(N, j, exclude)) : [])];
  const finalPerm = target.map((l) => T.labels.indexOf(l));
  if (finalPerm.includes(-1) || finalPerm.length !== T.labels.length) throw internalError("network contraction left unexpected bonds");
  return { order, steps, finalDims: T.dims, finalPerm: isIdentity(finalPerm) ? null : finalPerm, maxA, maxB, maxC, size: prod(T.dims) };
}

/** Doubles of the scratch a chain takes (two ping-pong products and the permuted operands). */
function chainScratch(c: Chain): number {
  return 2 * c.maxC + c.maxA + c.maxB;
}

/** out = X with axes permuted (kernel `permute`), unit axes dropped first; a copy when nothing moves. */
function permuteInto(ws: Workspace<TensorKernels>, dims: number[], perm: number[], X: Float64Array, out: Float64Array): void {
  const keep = dims.map((d) => d > 1);
  const newIndex: number[] = [];
  let c = 0;
  for (let k = 0; k < dims.length; k++) newIndex.push(keep[k] ? c++ : -1);
  const d = dims.filter((_, k) => keep[k]);
  const p = perm.filter((ax) => keep[ax]).map((ax) => newIndex[ax]);
  const size = prod(d);
  if (isIdentity(p)) {
    out.set(X.subarray(0, size));
    return;
  }
  ws.scoped(() => {
    const nd = d.length;
    const di = ws.i32(nd), pi = ws.i32(nd), scratch = ws.i32(3 * nd);
    for (let k = 0; k < nd; k++) {
      di[k] = d[k];
      pi[k] = p[k];
    }
    ws.kernels.permute(nd, di, pi, X, out, scratch);
  });
}

/** i32s and blocks {@link permuteInto} takes at most for tensors of `ndim` axes. */
const permuteI32 = (ndim: number) => 5 * ndim;

/** Runs a planned chain on the cores' data into `out` (size c.size). */
function runChain(ws: Workspace<TensorKernels>, c: Chain, cores: Float64Array[], scratch: Float64Array, out: Float64Array): void {
  const pa = scratch.subarray(0, c.maxA), pb = scratch.subarray(c.maxA, c.maxA + c.maxB);
  const res = [scratch.subarray(c.maxA + c.maxB, c.maxA + c.maxB + c.maxC), scratch.subarray(c.maxA + c.maxB + c.maxC)];
  let T = cores[c.order[0]];
  c.steps.forEach((st, i) => {
    let A = T, B = cores[c.order[i + 1]];
    if (st.permA) {
      permuteInto(ws, st.dimsA, st.permA, T, pa);
      A = pa;
    }
    if (st.permB) {
      permuteInto(ws, st.dimsB, st.permB, B, pb);
      B = pb;
    }
    const C = res[i % 2];
    ws.kernels.gemm(false, false, st.m, st.n, st.s, 1, A, st.s, B, st.n, 0, C, st.n);
    T = C;
  });
  if (c.finalPerm) permuteInto(ws, c.finalDims, c.finalPerm, T, out);
  else out.set(T.subarray(0, c.size));
}

/**
 * Reads a general network { edgeRanks, cores } and checks it whole: N >= 2
 * cores in any accepted tensor form, finite; edgeRanks N x N, symmetric,
 * positive integers off the diagonal; core k of shape [I_k, R[k][j] for
 * j ≠ k ascending]. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE.
 */
export function readGeneral(d: { edgeRanks?: unknown; cores?: unknown }, name: string): { shape: number[]; cores: Tensor[]; edgeRanks: number[][] } {
  const R = d.edgeRanks, raw = d.cores;
  if (!Array.isArray(R) || !Array.isArray(raw)) throw new LowrankError("INVALID_ARGUMENT", `${name}: a general network needs arrays edgeRanks (N x N) and cores`);
  if (R.length !== raw.length || raw.length < 2) throw new LowrankError("SHAPE", `${name}: a general network needs edgeRanks (N x N) and N >= 2 cores`);
  const N = raw.length;
  const cores = raw.map((c, k) => asTensor(c, `${name}.cores[${k}]`));
  const shape = cores.map((c) => c.shape[0]);
  const edgeRanks = R.map((row, k) => {
    if (!Array.isArray(row) || row.length !== N) throw new LowrankError("SHAPE", `${name}.edgeRanks[${k}] must have ${N} entries`);
    return row.map((v, j) => (j === k ? shape[k] : v)) as number[];
  });
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) {
      const v = edgeRanks[a][b];
      if (a !== b && (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v !== edgeRanks[b][a])) {
        throw new LowrankError("SHAPE", `edgeRanks must be symmetric with positive integers off the diagonal (at [${a}][${b}])`);
      }
    }
  }
  cores.forEach((c, k) => {
    const want = coreShapeOf(shape, edgeRanks, k);
    if (c.shape.length !== want.length || c.shape.some((v, i) => v !== want[i])) {
      throw new LowrankError("SHAPE", `cores[${k}] must have shape [${want.join(", ")}] ([I_k, then the rank of its bond to every other core])`);
    }
  });
  return { shape, cores, edgeRanks };
}

/** Arena bytes {@link contractGeneral} needs. */
export function contractGeneralBytes(shape: number[], R: number[][]): number {
  const c = planChain(shape, R, -1);
  const coreSize = shape.reduce((a, _, k) => a + prod(coreShapeOf(shape, R, k)), 0);
  checkSizes("reconstruct", c.maxA, c.maxB, c.maxC, c.maxC, coreSize, c.size);
  return arenaBytes(chainScratch(c) + coreSize + c.size, permuteI32(shape.length * shape.length), 16 + shape.length);
}

/** The dense tensor (C order) of a general network, inside a workspace. O(Σ steps m s n). */
export function contractGeneral(ws: Workspace<TensorKernels>, shape: number[], R: number[][], cores: Float64Array[]): Float64Array {
  const c = planChain(shape, R, -1);
  const out = ws.f64(c.size);
  ws.scoped(() => runChain(ws, c, cores.map((g) => ws.input(g)), ws.f64(chainScratch(c)), out));
  return out;
}

/** Options of one general-network ALS run. */
export interface GeneralAlsOptions {
  maxIter: number;
  tol: number;
  signal?: AbortSignal;
  /** The caller's run (its clock and signal); by default one of this fit's own on `signal`. */
  run?: LongRun<ProgressRecord>;
}

/**
 * A fitting context for general networks on one tensor: owns a workspace
 * (grown when a larger network needs more) holding X, and runs full ALS
 * sweeps and the warm-start fits of new slices.
 */
export class GeneralFitter {
  private ws: Workspace<TensorKernels> | null = null;
  private bytes = 0;
  private readonly normX: number;
  constructor(private readonly X: Tensor, private readonly backend: "js" | "wasm" | undefined) {
    this.normX = norm2(X.data);
  }

  private async workspace(R: number[][]): Promise<Workspace<TensorKernels>> {
    const shape = this.X.shape, N = shape.length, S = this.X.data.length;
    let scratch = 0;
    for (let k = 0; k < N; k++) {
      const c = planChain(shape, R, k);
      const bk = c.size / (S / shape[k]);
      scratch = Math.max(scratch, chainScratch(c) + c.size + 3 * bk * bk + 5 * shape[k] * bk);
    }
    const coreSize = generalParameters(shape, R);
    checkSizes("searchStructure", 2 * S, 2 * coreSize, scratch);
    const need = arenaBytes(2 * S + 2 * coreSize + scratch, permuteI32(N * N), 64 + 4 * N);
    if (!this.ws || need > this.bytes) {
      this.bytes = Math.max(need, Math.min(2 * this.bytes, MAX_WASM_BYTES / 2));
      this.ws = await tensorModule.workspace(this.backend, this.bytes);
    }
    return this.ws;
  }

  /**
   * Updates core k (data in `G`, all cores in `cores`) by least squares
   * against the other cores. `only`: update just the slice of the bond to
   * core only[0] at index only[1] (the others kept), else the whole core.
   * Returns [<X, X̂>, ‖X̂‖²] after the update and leaves M (the others'
   * contraction) and the new core for the residual.
   */
  private update(ws: Workspace<TensorKernels>, x: Float64Array, R: number[][], cores: Float64Array[], k: number, only: [number, number] | null, tmp: Float64Array): { inner: number; fit: number; M: Float64Array; bk: number } {
    const K = ws.kernels, shape = this.X.shape, S = x.length, n = shape[k];
    const c = planChain(shape, R, k);
    const J = S / n, bk = c.size / J;
    let o = 0;
    const take = (len: number) => tmp.subarray(o, (o += len));
    const scratch = take(chainScratch(c)), M = take(c.size);
    const V = take(bk * bk), L = take(bk * bk), B = take(n * bk), BT = take(n * bk), Gn = take(n * bk);
    runChain(ws, c, cores, scratch, M);
    K.gemm(true, false, bk, bk, J, 1, M, bk, M, bk, 0, V, bk);
    const left = prod(shape, 0, k), right = prod(shape, k + 1);
    if (right === 1) {
      K.gemm(true, false, n, bk, left, 1, x, n, M, bk, 0, B, bk);
    } else {
      for (let l = 0; l < left; l++) {
        K.gemm(false, false, n, bk, right, 1, x.subarray(l * n * right), right, M.subarray(l * right * bk), bk, l === 0 ? 0 : 1, B, bk);
      }
    }
    const G = cores[k];
    if (!only) {
      solveRows(K, n, bk, V, L, B, BT, Gn);
      G.set(Gn.subarray(0, n * bk));
    } else {
      // Columns of core k whose bond to core only[0] is at index only[1]: solve for those, the rest fixed.
      const others = shape.map((_, j) => j).filter((j) => j !== k);
      const dims = others.map((j) => R[k][j]);
      const axis = others.indexOf(only[0]);
      const inner = prod(dims, axis + 1);
      const cols: number[] = [], rest: number[] = [];
      for (let col = 0; col < bk; col++) (Math.floor(col / inner) % dims[axis] === only[1] ? cols : rest).push(col);
      const p = cols.length;
      const Vn = take(p * p), Ln = take(p * p), Bn = take(n * p), BTn = take(n * p), Gs = take(n * p);
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) Vn[a * p + b] = V[cols[a] * bk + cols[b]];
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < p; a++) {
          let s = B[i * bk + cols[a]];
          for (const r of rest) s -= G[i * bk + r] * V[r * bk + cols[a]];
          Bn[i * p + a] = s;
        }
      }
      solveRows(K, n, p, Vn, Ln, Bn, BTn, Gs);
      for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) G[i * bk + cols[a]] = Gs[i * p + a];
    }
    // <X, X̂> = Σ G ∘ B and ‖X̂‖² = Σ_i g_i V g_iᵀ with the updated core.
    let inner = 0, fit = 0;
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < bk; a++) {
        const ga = G[i * bk + a];
        inner += ga * B[i * bk + a];
        let s = 0;
        for (let b = 0; b < bk; b++) s += V[a * bk + b] * G[i * bk + b];
        fit += ga * s;
      }
    }
    return { inner, fit, M, bk };
  }

  /**
   * ALS on the network (edge ranks R, cores changed in place): full sweeps
   * over every core, or, with `only` = [a, b], sweeps updating just the last
   * slice of bond (a, b) in cores a and b (the warm start of a rank
   * increment). Returns the relative error after each sweep.
   */
  async fit(R: number[][], cores: Float64Array[], opts: GeneralAlsOptions, only: [number, number] | null = null): Promise<number[]> {
    const ws = await this.workspace(R);
    const shape = this.X.shape, N = shape.length, S = this.X.data.length;
    const normX = this.normX;
    // The workspace is this fitter's own, so its arena may stay marked across the yields below.
    const arena = ws instanceof WasmWorkspace ? ws.instance.arena : null;
    const mark = arena?.mark();
    const run = opts.run ?? new LongRun("searchStructure", { signal: opts.signal });
    try {
      const x = ws.input(this.X.data), resid = ws.f64(S);
      const G = cores.map((g) => ws.input(g));
      let tmpSize = 0;
      for (let k = 0; k < N; k++) {
        const c = planChain(shape, R, k);
        const bk = c.size / (S / shape[k]);
        tmpSize = Math.max(tmpSize, chainScratch(c) + c.size + 3 * bk * bk + 5 * shape[k] * bk);
      }
      const tmp = ws.f64(tmpSize);
      const errors: number[] = [];
      const sweepCores = only ? [only[0], only[1]] : shape.map((_, k) => k);
      for (let it = 1; it <= opts.maxIter; it++) {
        run.check();
        let last = { inner: 0, fit: 0, M: tmp, bk: 1 }, lastK = 0;
        for (const k of sweepCores) {
          const sl: [number, number] | null = only ? [k === only[0] ? only[1] : only[0], R[only[0]][only[1]] - 1] : null;
          last = this.update(ws, x, R, G, k, sl, tmp);
          lastK = k;
        }
        let err = normX === 0 ? 0 : Math.sqrt(Math.max(normX * normX - 2 * last.inner + last.fit, 0)) / normX;
        const exact = err < EXACT_BELOW;
        if (exact && normX > 0) err = this.residual(ws, x, resid, last.M, G[lastK], lastK, last.bk) / normX;
        const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
        errors.push(err);
        if (Math.abs(prev - err) < opts.tol || (!exact && Math.abs(prev * prev - err * err) < 1e-14)) break;
        // Let timers and abort events run during long fits.
        await run.pause();
      }
      G.forEach((g, k) => cores[k].set(g));
      return errors;
    } finally {
      if (arena && mark !== undefined) arena.release(mark);
    }
  }

  /** ‖X - X̂‖ with X̂ = the network, from M (the contraction of all cores but k) and core k. */
  private residual(ws: Workspace<TensorKernels>, x: Float64Array, resid: Float64Array, M: Float64Array, Gk: Float64Array, k: number, bk: number): number {
    const shape = this.X.shape, n = shape[k];
    const left = prod(shape, 0, k), right = prod(shape, k + 1);
    resid.set(x);
    if (right === 1) {
      ws.kernels.gemm(false, true, left, n, bk, -1, M, bk, Gk, bk, 1, resid, n);
    } else {
      // X̂[l, i, q] = Σ_c M[l right + q, c] G_k[i, c]: one GEMM per left block.
      for (let l = 0; l < left; l++) {
        ws.kernels.gemm(false, true, n, right, bk, -1, Gk, bk, M.subarray(l * right * bk), bk, 1, resid.subarray(l * n * right), right);
      }
    }
    return norm2(resid);
  }
}

/** Random Gaussian cores (variance 1 / Π bonds) for edge ranks R. */
export function randomCores(shape: number[], R: number[][], rng: Rng): Float64Array[] {
  return shape.map((_, k) => {
    const dims = coreShapeOf(shape, R, k);
    const g = rng.fillNormal(new Float64Array(prod(dims)));
    const sc = 1 / Math.sqrt(prod(dims, 1));
    for (let i = 0; i < g.length; i++) g[i] *= sc;
    return g;
  });
}

/**
 * Cores for R with R[a][b] one larger than in `cores` (edge ranks `from`):
 * the old cores in the leading block, the new slices of cores a and b small
 * Gaussian (scale `small`), the paper's warm start.
 */
export function growEdge(shape: number[], from: number[][], cores: Float64Array[], a: number, b: number, rng: Rng, small = 1e-2): { R: number[][]; cores: Float64Array[] } {
  const R = from.map((row) => row.slice());
  R[a][b]++;
  R[b][a]++;
  const out = cores.map((g, k) => {
    if (k !== a && k !== b) return g.slice();
    const oldDims = coreShapeOf(shape, from, k), newDims = coreShapeOf(shape, R, k);
    const ng = rng.fillNormal(new Float64Array(prod(newDims)));
    let scale = 0;
    for (let i = 0; i < g.length; i++) scale += g[i] * g[i];
    scale = small * Math.sqrt(scale / g.length);
    for (let i = 0; i < ng.length; i++) ng[i] *= scale;
    // Copy the old core into the leading block, index by index.
    const nd = oldDims.length;
    const idx = new Array<number>(nd).fill(0);
    for (let f = 0; f < g.length; f++) {
      let t = 0;
      for (let m = 0; m < nd; m++) t = t * newDims[m] + idx[m];
      ng[t] = g[f];
      for (let m = nd - 1; m >= 0; m--) {
        if (++idx[m] < oldDims[m]) break;
        idx[m] = 0;
      }
    }
    return ng;
  });
  return { R, cores: out };
}
