// EvolvingSvd, the public class: creation, the update calls (synchronous and
// asynchronous forms of the steps in update.ts), recomputation and reading
// the factors. Its arrays live in layout.ts, the methods in methods/, auto's
// policy in auto.ts.
import {
  arenaBytes, asVector, LongRun, LowrankError, readOptions, SIGNAL,
  type CsrMatrix, type DenseMatrix, type SvdResult,
} from "@lowrank/linalg";
import type { AutoDecision } from "./auto.js";
import { asBatch, asDense } from "./input.js";
import { KeptMatrix } from "./kept.js";
import { FactorLayout, persistentBytes } from "./layout.js";
import { readEvolvingOptions, updateContext, type EvolvingOpts, type EvolvingSvdOptions, type EvolvingSvdStats, type UpdateContext } from "./options.js";
import { maxAbs } from "./scale.js";
import type { Side } from "./side.js";
import { randomizedSvdIn, resolveTsvd, tsvdBytes, TSVD_OPTIONS, type TruncatedSvdOptions, type TruncatedSvdProgress } from "./truncated.js";
import { columnSteps, rowSteps, runSync, weightSteps, type EvolvingState, type Steps } from "./update.js";
import { openWorkspace, scopedAsync } from "./workspace.js";

/** Options of the asynchronous update forms (`addRowsAsync`, ...). */
export interface UpdateAsyncOptions {
  /** Stops the update with ABORTED, leaving the object as it was (an already-aborted signal before any work). */
  signal?: AbortSignal;
}

/** Options of {@link EvolvingSvd.recompute}. */
export type RecomputeOptions = Omit<TruncatedSvdOptions, "rank" | "backend">;

const RECOMPUTE_SCHEMA = TSVD_OPTIONS;

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
  /** The factors and everything an update reads and changes. */
  private readonly es: EvolvingState;
  /** Set while an asynchronous call runs: the workspace's scratch is in use, so nothing else may run. */
  private busy = false;

  private constructor(cx: UpdateContext, opts: EvolvingOpts) {
    this.es = {
      f: new FactorLayout(cx),
      kept: null,
      decisions: [],
      tsvd: { oversample: opts.oversample ?? 10, powerIters: opts.powerIters ?? 4, seed: opts.seed ?? 0, tol: opts.tol ?? 0 },
    };
  }

  private get f(): FactorLayout {
    return this.es.f;
  }

  /** The workspace (replaced when the layout grows: always read it from here). */
  private get st() {
    return this.es.f.st;
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
    if (op.keepMatrix ?? op.method === "auto") es.es.kept = new KeptMatrix(C);
    const f = es.f;
    f.allocate(m, n, runBytes);
    es.busy = true;
    try {
      await scopedAsync(f.st, async () => {
        const r = await randomizedSvdIn(f.st, C, o, run);
        f.U.P.set(r.U);
        f.V.P.set(r.V);
        f.sv.set(r.s);
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
    const fl = es.f;
    fl.allocate(U.rows, V.rows, 0);
    fl.U.P.set(U.data);
    fl.V.P.set(V.data);
    fl.sv.set(s);
    return es;
  }

  /** Current number of rows. O(1). */
  get rows(): number {
    return this.f.U.dim;
  }

  /** Current number of columns. O(1). */
  get cols(): number {
    return this.f.V.dim;
  }

  /** The rank k. O(1). */
  get rank(): number {
    return this.f.k;
  }

  /** Counters: updates, K resets, dropped directions. O(1). */
  get stats(): EvolvingSvdStats {
    return { ...this.f.cx.counts };
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
    return this.es.decisions.map((d) => ({ ...d, estimates: { ...d.estimates } }));
  }

  /** The last record of `history`, or null. O(1). */
  get lastDecision(): AutoDecision | null {
    const d = this.es.decisions[this.es.decisions.length - 1];
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
    if (!this.es.kept) return null;
    const C = this.es.kept.csr();
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
    const k = this.f.k, K = this.st.kernels;
    const c = (sd: Side) => (sd.identity ? k : K.nrm2(k * k, sd.K) * K.nrm2(k * k, sd.Kinv));
    return { U: c(this.f.U), V: c(this.f.V) };
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
    runSync(rowSteps(this.es, E));
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
    await this.runAsync("EvolvingSvd.addRowsAsync", opts, () => rowSteps(this.es, E));
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
    runSync(columnSteps(this.es, E));
  }

  /** addColumns in the asynchronous form of {@link addRowsAsync}. Errors: as addColumns, ABORTED. */
  async addColumnsAsync(E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.runAsync("EvolvingSvd.addColumnsAsync", opts, () => columnSteps(this.es, E));
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
    runSync(weightSteps(this.es, D, E));
  }

  /** updateWeights in the asynchronous form of {@link addRowsAsync}. Errors: as updateWeights, ABORTED. */
  async updateWeightsAsync(D: CsrMatrix | DenseMatrix, E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.runAsync("EvolvingSvd.updateWeightsAsync", opts, () => weightSteps(this.es, D, E));
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
    const es = this.es, f = this.f;
    if (A == null && !es.kept) throw new LowrankError("INVALID_ARGUMENT", "recompute: pass the current matrix (it is not kept: see keepMatrix)");
    const C = A == null ? es.kept!.csr() : asBatch(A, "A");
    if (C.rows !== f.U.dim || C.cols !== f.V.dim) {
      throw new LowrankError("SHAPE", `recompute: A is ${C.rows} x ${C.cols}, the matrix ${f.U.dim} x ${f.V.dim}`);
    }
    const o = resolveTsvd({ ...op, rank: f.k }, C.rows, C.cols);
    f.ensure(f.U.dim, f.V.dim, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    this.busy = true;
    try {
      await scopedAsync(f.st, async () => {
        f.install(await randomizedSvdIn(f.st, C, o, run));
        if (A != null && es.kept) es.kept = new KeptMatrix(C);
      });
    } finally {
      this.busy = false;
    }
  }

  private idle(): void {
    if (this.busy) throw new LowrankError("INVALID_ARGUMENT", "EvolvingSvd: an asynchronous call (create, recompute or an *Async update) is still running on this object; await it first");
  }

  /** The current singular values (a copy), descending. O(k). */
  singularValues(): Float64Array {
    return this.f.sv.slice();
  }

  /**
   * Row i of U (its k-dimensional embedding, not scaled by s) without forming U: O(k²).
   * Errors: INDEX (not an integer in [0, rows)).
   *
   * @example
   * const u = es.row(0);
   */
  row(i: number): Float64Array {
    return this.vectorOf(this.f.U, i, "row");
  }

  /**
   * Row j of V (column j's embedding) without forming V: O(k²).
   * Errors: INDEX (not an integer in [0, cols)).
   *
   * @example
   * const v = es.column(3);
   */
  column(j: number): Float64Array {
    return this.vectorOf(this.f.V, j, "column");
  }

  /**
   * The factors U (rows x k), s, V (cols x k), materialised (U = U' K_u). O((rows + cols) k²).
   *
   * @example
   * const { U, s, V } = es.factors();
   */
  factors(): SvdResult & { kind: "svd" } {
    this.idle();
    const f = this.f, k = f.k;
    f.ensure(f.U.dim, f.V.dim, arenaBytes(Math.max(f.U.dim, f.V.dim) * k, 0, 2));
    const one = (sd: Side): DenseMatrix => {
      if (sd.identity) return { rows: sd.dim, cols: k, data: sd.P.slice(0, sd.dim * k) };
      const data = this.st.scoped(() => {
        const T = this.st.f64(sd.dim * k);
        this.st.kernels.gemm(false, false, sd.dim, k, k, 1, sd.P, k, sd.K, k, 0, T, k);
        return T.slice();
      });
      return { rows: sd.dim, cols: k, data };
    };
    return { kind: "svd", U: one(f.U), s: f.sv.slice(), V: one(f.V) };
  }

  private vectorOf(sd: Side, i: number, what: string): Float64Array {
    if (typeof i !== "number") throw new LowrankError("INVALID_ARGUMENT", `${what}: the index must be a number, got ${typeof i}`);
    if (!Number.isInteger(i) || i < 0 || i >= sd.dim) throw new LowrankError("INDEX", `${what} ${i} is outside [0, ${sd.dim})`);
    const k = this.f.k;
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
}
