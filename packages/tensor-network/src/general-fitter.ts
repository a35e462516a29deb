// ALS on general tensor networks (general-network.ts): each core updated by
// least squares against the contraction of all the others (the unfolding of
// the rest-of-network contraction, contraction-plan.ts), full sweeps or only
// the new slices of a grown edge (the greedy search's warm start).
import { MAX_WASM_BYTES, LongRun, type ProgressRecord, type Tensor } from "@lowrank/linalg";
import { arenaBytes, WasmWorkspace, type LeasedWorkspace, type Workspace } from "@lowrank/linalg/internal";
import { chainScratch, planChain, permuteI32, runChain } from "./contraction-plan.js";
import { generalParameters } from "./general-network.js";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";
import { innerAndFit, solveRows } from "./normal-equations.js";
import { norm2 } from "./tensor.js";
import { checkSizes, prod } from "./validate.js";

/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
const EXACT_BELOW = 1e-6;

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
  private lease: LeasedWorkspace<TensorKernels> | null = null;
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
      // Between fits the arena is empty, so the smaller instance goes back and the lease may hand it out again, grown.
      this.lease?.release();
      this.ws = null;
      this.lease = await tensorModule.leasedWorkspace(this.backend, this.bytes);
      this.ws = this.lease.ws;
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
    const { inner, fit } = innerAndFit(n, bk, G, B, V);
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
