import {
  arenaBytes, asVector, checkSize, internalError, LongRun, LowrankError, readOptions, SIGNAL,
  type CsrMatrix, type DenseMatrix, type SvdResult,
} from "@lowrank/linalg";
import { choose, estimate, type AutoChoice, type AutoDecision } from "./auto.js";
import { asBatch, asDense, transposeCsr } from "./input.js";
import { KeptMatrix } from "./kept.js";
import { jsSvdUpdateKernels } from "./kernels/index.js";
import { readEvolvingOptions, updateContext, type EvolvingOpts, type EvolvingSvdOptions, type EvolvingSvdStats, type UpdateContext } from "./options.js";
import { orthogonalize, zhaQrWork, type Orth } from "./orthogonalize.js";
import { checkRepresentable, maxAbs, scaleExponent, scaleInto, times2, workingCopy } from "./scale.js";
import { applyBasis, applyGrow, foldK, type Side } from "./side.js";
import { smallSvd } from "./small.js";
import {
  randomizedSvdIn, randomizedSvdSync, resolveTsvd, tsvdBytes, TSVD_OPTIONS,
  type SvdViews, type Tsvd, type TruncatedSvdOptions, type TruncatedSvdProgress,
} from "./truncated.js";
import { checkBytes, fits, openScope, openWorkspace, relayout, scopedAsync } from "./workspace.js";

const EMPTY = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/** Options of the asynchronous update forms (`addRowsAsync`, ...). */
export interface UpdateAsyncOptions {
  /** Stops the update with ABORTED, leaving the object as it was (an already-aborted signal before any work). */
  signal?: AbortSignal;
}

/** Options of {@link EvolvingSvd.recompute}. */
export type RecomputeOptions = Omit<TruncatedSvdOptions, "rank" | "backend">;

const RECOMPUTE_SCHEMA = TSVD_OPTIONS;

/** An update step as phases: it yields where an asynchronous caller may let the event loop run or stop, and changes the object only after its last yield. */
type Steps = Generator<void, void, void>;

/** The exponents of a power-of-two scaling of an update D Eᵀ of diag(s) (scale.ts): D / 2^eD, E / 2^eE, s / 2^eT, eT = eD + eE. */
function updateExponents(mD: number, mE: number, s1: number): { eD: number; eE: number; eT: number } {
  const lD = mD > 0 ? Math.log2(mD) : 0, lE = mE > 0 ? Math.log2(mE) : 0;
  const product = mD > 0 && mE > 0 ? lD + lE : -Infinity;
  const top = Math.max(product, s1 > 0 ? Math.log2(s1) : -Infinity);
  const ordinary = (l: number) => l === -Infinity || Math.abs(l) <= 100;
  if (ordinary(lD) && ordinary(lE) && ordinary(top)) return { eD: 0, eE: 0, eT: 0 };
  const eD = scaleExponent(mD), eT = top === -Infinity ? 0 : 2 * Math.round(top / 2);
  return { eD, eE: eT - eD, eT };
}

/** The batch with its values divided by 2^e and those below 2^-480 mx flushed to zero (scale.ts; the batch itself when that changes nothing). */
function scaledBatch(b: CsrMatrix, e: number, mx: number): CsrMatrix {
  const nnz = b.indptr[b.rows];
  const data = workingCopy(b.data, nnz, mx, e);
  return data === b.data ? b : { ...b, data };
}

/** Runs update phases to completion without yielding. */
function runSync(steps: Steps): void {
  for (let r = steps.next(); !r.done; r = steps.next());
}

/**
 * A rank-k truncated SVD A ≈ U diag(s) Vᵀ kept up to date while rows,
 * columns and low-rank weight changes arrive. Create with
 * `await EvolvingSvd.create(A, opts)` (asynchronous because the object owns
 * a WebAssembly instance, which browsers only instantiate asynchronously).
 * Updates come in two forms: synchronous (`addRows`, one batch per call,
 * blocking for as long as the batch takes) and asynchronous (`addRowsAsync`
 * with an AbortSignal, which lets the event loop run between the phases of
 * the batch and leaves the object unchanged when aborted).
 *
 * @example
 * const es = await EvolvingSvd.create(csr, { rank: 16 });
 * es.addRows(newDocs);           // s x cols, CSR or dense
 * const { U, s, V } = es.factors();
 */
export class EvolvingSvd {
  private U!: Side;
  private V!: Side;
  private sv!: Float64Array;
  private readonly k: number;
  /** Set while an asynchronous call runs: the workspace's scratch is in use, so nothing else may run. */
  private busy = false;
  /** The current matrix, when kept (`keepMatrix`, or "auto" from `create`). */
  private kept: KeptMatrix | null = null;
  /** "auto": one decision per update call. */
  private readonly decisions: AutoDecision[] = [];
  /** Settings of the recomputations auto may run (the initial truncatedSvd's). */
  private readonly tsvdOpts: { oversample: number; powerIters: number; seed: number; tol: number };

  private constructor(private readonly cx: UpdateContext, opts: EvolvingOpts) {
    this.k = cx.k;
    this.tsvdOpts = { oversample: opts.oversample ?? 10, powerIters: opts.powerIters ?? 4, seed: opts.seed ?? 0, tol: opts.tol ?? 0 };
  }

  /** The workspace (replaced when the layout grows: always read it from here). */
  private get st() {
    return this.cx.st;
  }

  /**
   * Starts from a truncated SVD of A (randomized subspace iteration, see
   * `truncatedSvd`; `signal` and `onProgress` apply to it). O((2 powerIters + 2) nnz (k + oversample)).
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE.
   *
   * @example
   * const es = await EvolvingSvd.create(csr, { rank: 16, method: "deng", seed: 1 });
   */
  static async create(A: CsrMatrix | DenseMatrix, opts: EvolvingSvdOptions): Promise<EvolvingSvd> {
    if (opts === undefined) throw new LowrankError("RANK", "EvolvingSvd.create: options with rank are required, e.g. { rank: 10 }");
    const op = readEvolvingOptions("EvolvingSvd.create", opts);
    const run = new LongRun<TruncatedSvdProgress>("EvolvingSvd.create", op);
    const C = asBatch(A, "A");
    const o = resolveTsvd(op, C.rows, C.cols);
    const m = C.rows, n = C.cols;
    const runBytes = tsvdBytes(m, n, C.indptr[m], o);
    const ws = await openWorkspace(op.backend, persistentBytes(m, n, o.k) + runBytes, "EvolvingSvd.create");
    run.check();
    const es = new EvolvingSvd(updateContext(ws, o.k, op), op);
    if (op.keepMatrix ?? op.method === "auto") es.kept = new KeptMatrix(C);
    es.layout(m, n, m, n, runBytes);
    es.busy = true;
    try {
      await scopedAsync(es.st, async () => {
        const r = await randomizedSvdIn(es.st, C, o, run);
        es.U.P.set(r.U);
        es.V.P.set(r.V);
        es.sv.set(r.s);
      });
    } finally {
      es.busy = false;
    }
    return es;
  }

  /**
   * Starts from given factors (U rows x k and V cols x k with orthonormal
   * columns, s descending; not checked beyond shapes and values). O((rows + cols) k).
   * Errors: SHAPE, EMPTY, NON_FINITE, RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE.
   *
   * @example
   * const es = await EvolvingSvd.fromFactors(svd(dense, { k: 8 }));
   */
  static async fromFactors(f: SvdResult, opts: EvolvingSvdOptions = {}): Promise<EvolvingSvd> {
    const op = readEvolvingOptions("EvolvingSvd.fromFactors", opts);
    new LongRun("EvolvingSvd.fromFactors", op);
    if (f === null || typeof f !== "object") throw new LowrankError("INVALID_ARGUMENT", "fromFactors: pass the factors { U, s, V }");
    const U = asDense(f.U, "U"), V = asDense(f.V, "V");
    const k = U.cols;
    const s = asVector(f.s, "s", { length: k });
    if (V.cols !== k) throw new LowrankError("SHAPE", `U has ${k} columns but V has ${V.cols}`);
    if (op.rank !== undefined && op.rank !== k) throw new LowrankError("RANK", `rank ${op.rank} differs from the factors' ${k}`);
    if (k > Math.min(U.rows, V.rows)) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${Math.min(U.rows, V.rows)}`);
    if (op.keepMatrix) throw new LowrankError("INVALID_ARGUMENT", "fromFactors: keepMatrix needs the matrix; use create, or recompute(A) once");
    // Entries of a matrix with orthonormal columns are at most 1 in magnitude: anything else is not a factor (and would overflow later).
    for (const [X, name] of [[U, "U"], [V, "V"]] as const) {
      if (maxAbs(X.data) > 1 + 1e-6) throw new LowrankError("INVALID_ARGUMENT", `fromFactors: ${name} must have orthonormal columns (an entry exceeds 1 in magnitude)`);
    }
    const ws = await openWorkspace(op.backend, persistentBytes(U.rows, V.rows, k), "EvolvingSvd.fromFactors");
    const es = new EvolvingSvd(updateContext(ws, k, op), op);
    es.layout(U.rows, V.rows, U.rows, V.rows, 0);
    es.U.P.set(U.data);
    es.V.P.set(V.data);
    es.sv.set(s);
    return es;
  }

  /** Current number of rows. O(1). */
  get rows(): number {
    return this.U.dim;
  }

  /** Current number of columns. O(1). */
  get cols(): number {
    return this.V.dim;
  }

  /** The rank k. O(1). */
  get rank(): number {
    return this.k;
  }

  /** Counters: updates, K resets, dropped directions. O(1). */
  get stats(): EvolvingSvdStats {
    return { ...this.cx.counts };
  }

  /**
   * `method: "auto"`: one record per update call (in order): the batch's
   * shape, the estimated cost of each option, the option taken and the measured
   * time. Empty for the other methods. O(calls) (a copy).
   *
   * @example
   * const picks = es.history.map((d) => d.choice); // ["deng", "deng", "recompute", ...]
   */
  get history(): AutoDecision[] {
    return this.decisions.map((d) => ({ ...d, estimates: { ...d.estimates } }));
  }

  /** The last record of `history`, or null. O(1). */
  get lastDecision(): AutoDecision | null {
    const d = this.decisions[this.decisions.length - 1];
    return d ? { ...d, estimates: { ...d.estimates } } : null;
  }

  /**
   * The current matrix (CSR, duplicates summed) when it is kept (`keepMatrix`,
   * or `method: "auto"` with `create`), else null. Forms the CSR from the
   * pending updates: O(nnz + rows) (a copy).
   *
   * @example
   * const A = es.matrix(); // { rows, cols, indptr, indices, data } or null
   */
  matrix(): CsrMatrix | null {
    if (!this.kept) return null;
    const C = this.kept.csr();
    return { rows: C.rows, cols: C.cols, indptr: C.indptr.slice(), indices: C.indices.slice(), data: C.data.slice() };
  }

  /**
   * ||K||_F ||K⁻¹||_F of each side's K (an upper bound on its 2-norm condition
   * number, at most k times too large; exactly k for K = I). O(k²).
   *
   * @example
   * const { U, V } = es.kCondition();
   */
  kCondition(): { U: number; V: number } {
    const c = (sd: Side) => (sd.identity ? this.k : this.st.kernels.nrm2(this.k * this.k, sd.K) * this.st.kernels.nrm2(this.k * this.k, sd.Kinv));
    return { U: c(this.U), V: c(this.V) };
  }

  /**
   * Appends the rows of E (s x cols, dense or CSR). deng: O(nnz(E) (s + k) + p (s + k) k + (k + s)³)
   * for p the number of distinct columns E touches; zha-simon: O((rows + cols) k (k + s) + cols s²).
   * Synchronous: it holds the thread for the whole batch (see {@link addRowsAsync}).
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, INVALID_ARGUMENT, TOO_LARGE.
   *
   * @example
   * es.addRows({ rows: 2, cols: es.cols, data });
   */
  addRows(E: CsrMatrix | DenseMatrix): void {
    this.idle();
    runSync(this.rowSteps(E));
  }

  /**
   * addRows that lets the event loop run between the phases of the batch
   * (checking support and deciding, projecting and orthogonalising, the core
   * SVD, applying it) whenever 25 ms have passed, and stops with ABORTED when
   * `signal` fires before the last phase, leaving the object as it was. One
   * phase is one kernel call that cannot be cut (the core SVD of a
   * (k + s)-sized matrix takes most of a large batch's time), so a pause is at
   * most that long. Other calls on the object throw INVALID_ARGUMENT until it
   * settles. Errors: as addRows, ABORTED.
   *
   * @example
   * await es.addRowsAsync(newDocs, { signal: AbortSignal.timeout(1000) });
   */
  async addRowsAsync(E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.runAsync("EvolvingSvd.addRowsAsync", opts, () => this.rowSteps(E));
  }

  /**
   * Appends the columns of E (rows x s, dense or CSR); the mirror image of addRows.
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, INVALID_ARGUMENT, TOO_LARGE.
   *
   * @example
   * es.addColumns({ rows: es.rows, cols: 1, data });
   */
  addColumns(E: CsrMatrix | DenseMatrix): void {
    this.idle();
    runSync(this.columnSteps(E));
  }

  /** addColumns in the asynchronous form of {@link addRowsAsync}. Errors: as addColumns, ABORTED. */
  async addColumnsAsync(E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.runAsync("EvolvingSvd.addColumnsAsync", opts, () => this.columnSteps(E));
  }

  /**
   * Replaces A by A + D Eᵀ (D rows x s, E cols x s, dense or CSR): both sides
   * are orthogonalised and rotated as in addRows' basis side. deng: O((nnz(D) +
   * nnz(E)) (s + k) + (k + s)³). Errors: SHAPE, EMPTY, NON_FINITE, INDEX, INVALID_ARGUMENT, TOO_LARGE.
   *
   * @example
   * es.updateWeights(D, E); // A += D Eᵀ
   */
  updateWeights(D: CsrMatrix | DenseMatrix, E: CsrMatrix | DenseMatrix): void {
    this.idle();
    runSync(this.weightSteps(D, E));
  }

  /** updateWeights in the asynchronous form of {@link addRowsAsync}. Errors: as updateWeights, ABORTED. */
  async updateWeightsAsync(D: CsrMatrix | DenseMatrix, E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.runAsync("EvolvingSvd.updateWeightsAsync", opts, () => this.weightSteps(D, E));
  }

  /** Drives update phases, yielding when due and stopping on the signal; the object is busy meanwhile. */
  private async runAsync(fn: string, opts: UpdateAsyncOptions, make: () => Steps): Promise<void> {
    const o = readOptions(fn, opts, SIGNAL);
    this.idle();
    const run = new LongRun(fn, o);
    const steps = make(); // a generator: nothing runs before the first next()
    this.busy = true;
    try {
      for (let r = steps.next(); !r.done; r = steps.next()) await run.pause();
    } catch (e) {
      steps.return(); // runs the phases' cleanup (batch markers, scratch)
      throw e;
    } finally {
      this.busy = false;
    }
  }

  private *rowSteps(E: unknown): Steps {
    const B = asBatch(E, "E");
    if (B.cols !== this.V.dim) throw new LowrankError("SHAPE", `addRows: E has ${B.cols} columns, the matrix ${this.V.dim}`);
    yield* this.append(this.U, this.V, B, false, (kept) => kept.addRows(B));
  }

  private *columnSteps(E: unknown): Steps {
    const B = asBatch(E, "E");
    if (B.rows !== this.U.dim) throw new LowrankError("SHAPE", `addColumns: E has ${B.rows} rows, the matrix ${this.U.dim}`);
    const Bt = transposeCsr(B);
    yield* this.append(this.V, this.U, Bt, true, (kept) => kept.addColumns(Bt));
  }

  private *weightSteps(D: unknown, E: unknown): Steps {
    const Dc = asBatch(D, "D"), Ec = asBatch(E, "E");
    if (Dc.rows !== this.U.dim) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.rows} rows, the matrix ${this.U.dim}`);
    if (Ec.rows !== this.V.dim) throw new LowrankError("SHAPE", `updateWeights: E has ${Ec.rows} rows, the matrix has ${this.V.dim} columns`);
    if (Dc.cols !== Ec.cols) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.cols} columns but E has ${Ec.cols}`);
    const bd = transposeCsr(Dc), be = transposeCsr(Ec);
    const k = this.k, s = bd.rows;
    const nd = bd.indptr[s], ne = be.indptr[s];
    const t0 = performance.now();
    // The core below is diag(s) + Y_D Y_Eᵀ: scale D, E and s by powers of two so that no sum of squares over- or underflows.
    const mD = maxAbs(bd.data, nd), mE = maxAbs(be.data, ne);
    const { eD, eE, eT } = updateExponents(mD, mE, maxAbs(this.sv));
    const sD = scaledBatch(bd, eD, mD), sE = scaledBatch(be, eE, mE);
    const sd = this.support(this.U, sD, "D");
    let se: Int32Array = EMPTY_I32;
    let marked = true;
    try {
      se = this.support(this.V, sE, "E");
      const decision = this.decide("updateWeights", s, nd + ne, sd.length + se.length, this.U.dim + this.V.dim, 0, true);
      if (decision?.choice === "recompute") {
        this.clear(this.U, sd);
        this.clear(this.V, se);
        marked = false;
        yield* this.recomputeKept((kept) => kept.addProduct(bd, be), decision, t0);
        return;
      }
      this.ensure(this.U.dim, this.V.dim, this.scratch(s, sd.length, this.U.dim, nd) + this.scratch(s, se.length, this.V.dim, ne) + arenaBytes(k, 0, 1));
      yield;
      const st = this.st, K = st.kernels;
      const release = openScope(st);
      try {
        const od = orthogonalize(this.cx, this.U, sD, sd), oe = orthogonalize(this.cx, this.V, sE, se);
        marked = false; // orthogonalize resets the markers
        yield;
        // A + D Eᵀ = [U Q_D] (diag(s, 0) + Y_D Y_Eᵀ) [V Q_E]ᵀ with Y = [C0ᵀ; R] (Brand 2006).
        const Y = (o: Orth) => {
          const y = st.f64((k + o.sq) * s);
          for (let j = 0; j < s; j++) for (let i = 0; i < k; i++) y[i * s + j] = o.C0[j * k + i];
          y.set(o.R.subarray(0, o.sq * s), k * s);
          return y;
        };
        const r = k + od.sq, c = k + oe.sq;
        const M = st.f64(r * c);
        K.gemm(false, true, r, c, s, 1, Y(od), s, Y(oe), s, 0, M, c);
        for (let i = 0; i < k; i++) M[i * c + i] += times2(this.sv[i], -eT);
        const { F, theta, G } = smallSvd(st, r, c, M, k);
        checkRepresentable(theta, eT, "updateWeights");
        yield;
        // Commit: nothing before this point changed the object.
        this.commit(() => this.kept?.addProduct(bd, be), () => {
          applyBasis(this.cx, this.U, od, F);
          applyBasis(this.cx, this.V, oe, G);
        }, theta, eT);
      } finally {
        release();
      }
      this.record(decision, t0);
    } finally {
      if (marked) {
        this.clear(this.U, sd);
        this.clear(this.V, se);
      }
    }
  }

  /**
   * Replaces the factors by a fresh truncated SVD of A, the current matrix
   * (rows x cols), in this object's workspace; K is reset to I. A may be
   * omitted when the matrix is kept (`keepMatrix`, "auto"); when given, it
   * replaces the kept matrix. For streams
   * whose drift matters (see the README: updates never recover what the
   * initial truncation discarded), call it every so many batches. Yields to
   * the event loop at least every 25 ms; other calls on this object throw
   * INVALID_ARGUMENT until it settles; when aborted the object is unchanged.
   * O((2 powerIters + 2) nnz (k + oversample)). Errors: as truncatedSvd, SHAPE when A's shape differs.
   *
   * @example
   * if (es.stats.updates % 100 === 0) await es.recompute(currentMatrix, { powerIters: 8 });
   */
  async recompute(A?: CsrMatrix | DenseMatrix | null, opts: RecomputeOptions = {}): Promise<void> {
    const op = readOptions("EvolvingSvd.recompute", opts, RECOMPUTE_SCHEMA);
    this.idle();
    const run = new LongRun<TruncatedSvdProgress>("EvolvingSvd.recompute", op);
    if (A == null && !this.kept) throw new LowrankError("INVALID_ARGUMENT", "recompute: pass the current matrix (it is not kept: see keepMatrix)");
    const C = A == null ? this.kept!.csr() : asBatch(A, "A");
    if (C.rows !== this.U.dim || C.cols !== this.V.dim) {
      throw new LowrankError("SHAPE", `recompute: A is ${C.rows} x ${C.cols}, the matrix ${this.U.dim} x ${this.V.dim}`);
    }
    const o = resolveTsvd({ ...op, rank: this.k }, C.rows, C.cols);
    this.ensure(this.U.dim, this.V.dim, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    this.busy = true;
    try {
      await scopedAsync(this.st, async () => {
        this.install(await randomizedSvdIn(this.st, C, o, run));
        if (A != null && this.kept) this.kept = new KeptMatrix(C);
      });
    } finally {
      this.busy = false;
    }
  }

  /** Takes a fresh SVD's factors (views of the workspace, current shape) as the state; K reset to I. */
  private install(r: SvdViews): void {
    const k = this.k;
    for (const [sd, F] of [[this.U, r.U], [this.V, r.V]] as const) {
      sd.P.set(F);
      sd.K.fill(0);
      sd.Kinv.fill(0);
      for (let i = 0; i < k; i++) sd.K[i * k + i] = sd.Kinv[i * k + i] = 1;
      sd.identity = true;
    }
    this.sv.set(r.s);
    this.cx.counts.recomputes++;
  }

  /** The recomputation settings for the kept matrix's current shape. */
  private tsvdFor(m: number, n: number): Tsvd {
    return resolveTsvd({ ...this.tsvdOpts, rank: this.k }, m, n);
  }

  /**
   * auto's recomputation: a fresh truncated SVD of the kept matrix with the
   * batch (added by `add`, undone should this fail). Synchronous: the
   * subspace iteration is not split into phases.
   */
  private *recomputeKept(add: (kept: KeptMatrix) => void, decision: AutoDecision, t0: number): Steps {
    yield;
    const kept = this.kept!;
    const undo = kept.snapshot();
    try {
      add(kept);
      const C = kept.csr();
      const o = this.tsvdFor(C.rows, C.cols);
      this.ensure(this.U.dim, this.V.dim, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
      this.st.scoped(() => {
        const r = randomizedSvdSync(this.st, C, o);
        // Grow the factors' row counts only now, with everything computed.
        this.ensure(C.rows, C.cols, 0);
        this.U.dim = C.rows;
        this.V.dim = C.cols;
        this.install(r);
        return null;
      });
    } catch (e) {
      undo();
      throw e;
    }
    this.record(decision, t0);
  }

  /**
   * "auto": estimates the options for this batch, sets the update method
   * (folding K into the tall factors when switching to zha-simon) and returns
   * the decision (recorded once the update is done); other methods: null.
   * O(1), O((m + n) k²) on a switch.
   */
  private decide(op: AutoDecision["op"], s: number, nnz: number, p: number, basisDim: number, growDim: number, twoSided: boolean): AutoDecision | null {
    const cx = this.cx;
    if (!cx.auto) return null;
    const rowsA = this.U.dim + (op === "addRows" ? s : 0), colsA = this.V.dim + (op === "addColumns" ? s : 0);
    const kept = this.kept;
    const o = this.tsvdFor(rowsA, colsA);
    const estimates = estimate({
      k: this.k, s, p, basisDim, growDim, twoSided,
      nnzA: kept ? kept.nnz + nnz : -1, rowsA, colsA, l: o.l, q: o.powerIters, js: this.st.kernels === jsSvdUpdateKernels,
    });
    const choice: AutoChoice = choose(estimates);
    const decision: AutoDecision = { op, s, nnz, rows: this.U.dim, cols: this.V.dim, estimates, choice, ms: NaN };
    if (choice === "recompute") return decision;
    cx.method = choice;
    cx.extended = choice === "deng";
    if (!cx.extended) {
      // Folding K into P changes the representation, not the factors: safe whatever happens next.
      this.ensure(this.U.dim, this.V.dim, arenaBytes(Math.max(this.U.dim, this.V.dim) * this.k, 0, 2));
      this.st.scoped(() => {
        foldK(cx, this.U);
        foldK(cx, this.V);
      });
    }
    return decision;
  }

  /** Records a finished update's decision with the call's measured time. */
  private record(decision: AutoDecision | null, t0: number): void {
    if (decision) this.decisions.push({ ...decision, ms: performance.now() - t0 });
  }

  private idle(): void {
    if (this.busy) throw new LowrankError("INVALID_ARGUMENT", "EvolvingSvd: an asynchronous call (create, recompute or an *Async update) is still running on this object; await it first");
  }

  /** The current singular values (a copy), descending. O(k). */
  singularValues(): Float64Array {
    return this.sv.slice();
  }

  /**
   * Row i of U (its k-dimensional embedding, not scaled by s) without forming U: O(k²).
   * Errors: INDEX (not an integer in [0, rows)).
   *
   * @example
   * const u = es.row(0);
   */
  row(i: number): Float64Array {
    return this.vectorOf(this.U, i, "row");
  }

  /**
   * Row j of V (column j's embedding) without forming V: O(k²).
   * Errors: INDEX (not an integer in [0, cols)).
   *
   * @example
   * const v = es.column(3);
   */
  column(j: number): Float64Array {
    return this.vectorOf(this.V, j, "column");
  }

  /**
   * The factors U (rows x k), s, V (cols x k), materialised (U = U' K_u). O((rows + cols) k²).
   *
   * @example
   * const { U, s, V } = es.factors();
   */
  factors(): SvdResult {
    this.idle();
    const k = this.k;
    this.ensure(this.U.dim, this.V.dim, arenaBytes(Math.max(this.U.dim, this.V.dim) * k, 0, 2));
    const one = (sd: Side): DenseMatrix => {
      if (sd.identity) return { rows: sd.dim, cols: k, data: sd.P.slice(0, sd.dim * k) };
      const data = this.st.scoped(() => {
        const T = this.st.f64(sd.dim * k);
        this.st.kernels.gemm(false, false, sd.dim, k, k, 1, sd.P, k, sd.K, k, 0, T, k);
        return T.slice();
      });
      return { rows: sd.dim, cols: k, data };
    };
    return { U: one(this.U), s: this.sv.slice(), V: one(this.V) };
  }

  private vectorOf(sd: Side, i: number, what: string): Float64Array {
    if (typeof i !== "number") throw new LowrankError("INVALID_ARGUMENT", `${what}: the index must be a number, got ${typeof i}`);
    if (!Number.isInteger(i) || i < 0 || i >= sd.dim) throw new LowrankError("INDEX", `${what} ${i} is outside [0, ${sd.dim})`);
    const k = this.k;
    const out = new Float64Array(k);
    if (sd.identity) {
      out.set(sd.P.subarray(i * k, i * k + k));
      return out;
    }
    for (let a = 0; a < k; a++) {
      const v = sd.P[i * k + a];
      for (let b = 0; b < k; b++) out[b] += v * sd.K[a * k + b];
    }
    return out;
  }

  /**
   * Zha and Simon (1999) for appended rows (or, mirrored, columns):
   * [A; E] = [[U, 0], [0, I]] M [V, Q]ᵀ. The batch and s are scaled by a
   * power of two first when their magnitudes could over- or underflow the
   * sums of squares (scale.ts), and the new s scaled back (NON_FINITE when it
   * does not fit in a double).
   */
  private *append(grow: Side, basis: Side, raw: CsrMatrix, cols: boolean, add: (kept: KeptMatrix) => void): Steps {
    const k = this.k, s = raw.rows, nnz = raw.indptr[s];
    const t0 = performance.now();
    const mE = maxAbs(raw.data, nnz), s1 = maxAbs(this.sv);
    const { eT } = updateExponents(1, mE, s1);
    const batch = scaledBatch(raw, eT, Math.max(mE, s1));
    checkSize((grow.dim + s) * k, "the grown factor");
    const supp = this.support(basis, batch, "E");
    let marked = true;
    try {
      const decision = this.decide(cols ? "addColumns" : "addRows", s, nnz, supp.length, basis.dim, grow.dim, false);
      if (decision?.choice === "recompute") {
        this.clear(basis, supp);
        marked = false;
        yield* this.recomputeKept(add, decision, t0);
        return;
      }
      const scratch = this.scratch(s, supp.length, Math.max(grow.dim + s, basis.dim), nnz) + arenaBytes(k, 0, 1);
      this.ensure(this.U.dim + (cols ? 0 : s), this.V.dim + (cols ? s : 0), scratch);
      yield;
      const st = this.st;
      const release = openScope(st);
      try {
        const o = orthogonalize(this.cx, basis, batch, supp);
        marked = false; // orthogonalize resets the markers
        yield;
        // M = [[diag(s), 0], [C0, Rᵀ]]: row k + j holds e_j's coordinates in [V, Q] (s scaled as the batch).
        const w = k + o.sq;
        const M = st.f64((k + s) * w);
        let sv = this.sv;
        if (eT !== 0) sv = scaleInto(this.sv, -eT, st.f64(k));
        st.kernels.appendCore(k, s, o.sq, sv, o.C0, o.R, M);
        const { F, theta, G } = smallSvd(st, k + s, w, M, k);
        checkRepresentable(theta, eT, cols ? "addColumns" : "addRows");
        yield;
        // Commit: nothing before this point changed the object.
        this.commit(() => this.kept && add(this.kept), () => {
          applyGrow(this.cx, grow, F, s);
          applyBasis(this.cx, basis, o, G);
        }, theta, eT);
      } finally {
        release();
      }
      this.record(decision, t0);
    } finally {
      if (marked) this.clear(basis, supp);
    }
  }

  /**
   * The last phase of an update: adds the batch to the kept matrix, applies
   * the rotations and takes the new singular values (scaled back by 2^e).
   * The kept matrix is restored should applying fail.
   */
  private commit(keep: () => void, apply: () => void, theta: Float64Array, e: number): void {
    const undo = this.kept?.snapshot();
    try {
      keep();
      apply();
    } catch (err) {
      undo?.();
      throw err;
    }
    for (let i = 0; i < this.k; i++) this.sv[i] = times2(theta[i], e);
    this.cx.counts.updates++;
  }

  /**
   * Checks the batch in the kernel (csrSupport; asCsr has already checked it,
   * so a refusal here is a bug) and returns its distinct indices in
   * first-seen order, marking their positions in sd.marker (orthogonalize
   * resets them). O(nnz).
   */
  private support(sd: Side, b: CsrMatrix, name: string): Int32Array {
    const s = b.rows, nnz = b.indptr[s];
    this.ensure(this.U.dim, this.V.dim, arenaBytes(Math.max(1, Math.min(nnz, sd.dim)) + nnz, nnz + s + 1, 6));
    const st = this.st;
    return st.scoped(() => {
      const idx = st.i32(Math.max(1, Math.min(nnz, sd.dim)));
      const p = st.kernels.csrSupport(
        s, sd.dim, st.inputI32(b.indptr.subarray(0, s + 1)), st.inputI32(b.indices.subarray(0, nnz)), st.input(b.data.subarray(0, nnz)), sd.marker, idx,
      );
      if (p < 0) throw internalError(`csrSupport refused ${name} (code ${p}) after the input layer accepted it`);
      return idx.slice(0, p);
    });
  }

  /** Resets the marker on a support (when an update stops before orthogonalize did). O(p). */
  private clear(sd: Side, supp: Int32Array): void {
    for (let i = 0; i < supp.length; i++) sd.marker[supp[i]] = -1;
  }

  /** Upper bound on the scratch bytes of one side's part of an update of s vectors (nnz entries) over support p. */
  private scratch(s: number, p: number, dim: number, nnz: number): number {
    const k = this.k, w = k + s;
    const dense = this.cx.extended ? 0 : 4 * dim * s + 2 * s + s * k + 3 * s * s + zhaQrWork(dim, s);
    const doubles = 3 * s * p + 4 * p * k + 6 * s * k + 6 * s * s + 2 * dim * k + dense + 5 * w * w + 4 * w * k + 16 * k * k + 8 * k + nnz;
    checkSize(doubles, "an update's scratch");
    return arenaBytes(doubles, p + nnz + s + 1, 96);
  }

  /** Makes room for the given row counts and scratch, re-laying out the workspace (growing by half) when needed. */
  private ensure(rowsU: number, rowsV: number, scratch: number): void {
    const U = this.U, V = this.V;
    if (rowsU <= U.cap && rowsV <= V.cap && fits(this.st, scratch)) return;
    const cap = (need: number, have: number) => (need <= have ? have : Math.max(need, Math.ceil(have * 1.5)));
    this.layout(cap(rowsU, U.cap), cap(rowsV, V.cap), U.dim, V.dim, Math.ceil(scratch * 1.5));
  }

  /**
   * (Re)allocates the persistent arrays at the bottom of the workspace,
   * keeping their contents. The Side objects are updated in place, so
   * references held across this call stay valid (their old views do not).
   * Should the new layout not fit (TOO_LARGE), the old one is restored.
   */
  private layout(capU: number, capV: number, dimU: number, dimV: number, scratch: number): void {
    const k = this.k;
    const first = this.U === undefined;
    const bytes = persistentBytes(capU, capV, k) + scratch;
    checkBytes(bytes, "EvolvingSvd");
    checkSize(Math.max(capU, capV) * k, "a factor");
    const saved = first ? null : [this.U, this.V].map((sd) => ({
      cap: sd.cap, P: sd.P.slice(0, sd.dim * k), K: sd.K.slice(), Kinv: sd.Kinv.slice(), marker: sd.marker.slice(0, Math.min(sd.dim, sd.marker.length)),
    }));
    const s = first ? null : this.sv.slice();
    const oldBytes = first ? 0 : persistentBytes(this.U.cap, this.V.cap, k);
    try {
      this.cx.st = relayout(this.st, bytes, "EvolvingSvd");
    } catch (e) {
      if (first) throw e;
      this.cx.st = relayout(this.st, oldBytes, "EvolvingSvd");
      this.place(saved![0].cap, saved![1].cap, saved, s);
      throw e;
    }
    if (first) {
      const side = (dim: number): Side => ({ dim, cap: 0, P: EMPTY, K: EMPTY, Kinv: EMPTY, identity: true, marker: EMPTY_I32 });
      this.U = side(dimU);
      this.V = side(dimV);
    }
    this.place(capU, capV, saved, s);
  }

  /** Allocates the persistent arrays for the given capacities and copies the saved state in. */
  private place(
    capU: number, capV: number, saved: { P: Float64Array; K: Float64Array; Kinv: Float64Array; marker: Int32Array }[] | null, s: Float64Array | null,
  ): void {
    const k = this.k, kk = k * k, st = this.st;
    [this.U, this.V].forEach((sd, i) => {
      sd.cap = i === 0 ? capU : capV;
      sd.P = st.f64(sd.cap * k);
      sd.K = st.f64(kk);
      sd.Kinv = st.f64(kk);
      sd.marker = st.i32(sd.cap);
      sd.marker.fill(-1);
      if (saved) {
        sd.P.set(saved[i].P);
        sd.K.set(saved[i].K);
        sd.Kinv.set(saved[i].Kinv);
        sd.marker.set(saved[i].marker);
      } else {
        for (let a = 0; a < k; a++) sd.K[a * k + a] = sd.Kinv[a * k + a] = 1;
      }
    });
    this.sv = st.f64(k);
    if (s) this.sv.set(s);
  }
}

function persistentBytes(capU: number, capV: number, k: number): number {
  return arenaBytes((capU + capV) * k + 4 * k * k + k, capU + capV, 10);
}
