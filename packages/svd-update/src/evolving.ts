// EvolvingSvd, the public class: creation, the update calls (synchronous and
// asynchronous forms of the steps in update.ts), recomputation, reading the
// factors, save / load (persist.ts). Arrays: layout.ts; methods: methods/.
import { BACKEND, LONG_RUN, LongRun, LowrankError, opt, readOptions, RESULT_VERSION, SIGNAL, type Backend, type BackendOptions, type CsrMatrix, type DenseMatrix, type SvdResult } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { recomputeSettings, type AutoDecision } from "./auto.js";
import { checkRank, initialBytes, initialMethod, initialSvd } from "./initial.js";
import { asBatch, asFactors } from "./input.js";
import { KeptMatrix } from "./kept.js";
import { FactorLayout, persistentBytes } from "./layout.js";
import { readEvolvingOptions, updateContext, type EvolvingOpts, type EvolvingSvdOptions, type EvolvingSvdStats, type UpdateContext } from "./options.js";
import {
  applySnapshot, decodeSnapshot, encodeSnapshot, loadOptions, snapshotBytes, snapshotFromBytes, storedOptions, takeSnapshot,
  type EvolvingSnapshot, type SavedEvolvingSvd,
} from "./persist.js";
import { kConditionOf, materialize, vectorOf } from "./side.js";
import { TSVD_OPTIONS, type TruncatedSvdOptions, type TruncatedSvdProgress } from "./truncated.js";
import { columnSteps, rowSteps, runAsync, runSync, weightSteps, type EvolvingState, type Steps } from "./update.js";
import { openWorkspace } from "./workspace.js";

/** Options of the asynchronous update forms (`addRowsAsync`, ...). */
export interface UpdateAsyncOptions {
  /** Stops the update with ABORTED, leaving the object as it was (an already-aborted signal before any work). */
  signal?: AbortSignal;
}

/** Options of {@link EvolvingSvd.recompute}. */
export type RecomputeOptions = Omit<TruncatedSvdOptions, "rank" | "backend">;

const RECOMPUTE_SCHEMA = {
  ...TSVD_OPTIONS, method: opt.oneOf(["lanczos", "randomized"] as const), basisSize: opt.int({ min: 1, max: 1e6 }), maxIter: LONG_RUN.maxIter,
};
const LOAD_SCHEMA = { backend: BACKEND };

const FACTORY = Symbol("EvolvingSvd"); // the factories' pass: `new EvolvingSvd(...)` from outside is refused
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
  /** The options save() keeps, and the backend recompute's Lanczos runs on. */
  private readonly saved: Record<string, unknown>;
  private readonly backend: Backend | undefined;

  private constructor(token: symbol, cx: UpdateContext, opts: EvolvingOpts) {
    if (token !== FACTORY) throw new LowrankError("INVALID_ARGUMENT", "new EvolvingSvd: the constructor is not public; use EvolvingSvd.create, fromFactors, load or fromBytes");
    this.saved = storedOptions(opts);
    this.backend = opts.backend;
    this.es = {
      f: new FactorLayout(cx),
      kept: null,
      decisions: [],
      tsvd: recomputeSettings(opts),
    };
  }

  get #f(): FactorLayout {
    return this.es.f;
  }

  /**
   * Starts from a truncated SVD of A: truncatedSvd's Lanczos method (to residuals
   * tol σ_1, default 1e-10) unless `svdMethod: "randomized"` (or `oversample` /
   * `powerIters`) asks for the randomized one; `signal` and `onProgress` apply to it.
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE, NOT_CONVERGED.
   *
   * @example
   * const es = await EvolvingSvd.create(csr, { rank: 16, method: "deng", seed: 1 });
   */
  static async create(A: CsrMatrix | DenseMatrix, opts: EvolvingSvdOptions): Promise<EvolvingSvd> {
    if (opts === undefined) throw new LowrankError("RANK", "EvolvingSvd.create: options with rank are required, e.g. { rank: 10 }");
    const op = readEvolvingOptions("EvolvingSvd.create", opts);
    const run = new LongRun<TruncatedSvdProgress>("EvolvingSvd.create", op);
    const C = asBatch(A, "A");
    const m = C.rows, n = C.cols, k = checkRank(op.rank, m, n);
    const method = initialMethod("EvolvingSvd.create", op.svdMethod, op), runBytes = initialBytes(method, C, k, op);
    const ws = await openWorkspace(op.backend, persistentBytes(m, n, k) + runBytes, "EvolvingSvd.create");
    run.check();
    const es = new EvolvingSvd(FACTORY, updateContext(ws, k, op), op);
    if (op.keepMatrix ?? op.method === "auto") es.es.kept = new KeptMatrix(C);
    const f = es.#f;
    f.allocate(m, n, runBytes);
    es.busy = true;
    try {
      await initialSvd(f, op.backend, method, C, op, run, (r) => f.setFactors(r));
    } finally {
      es.busy = false;
    }
    return es;
  }

  /**
   * Starts from given factors (U rows x k and V cols x k with orthonormal
   * columns, s descending; not checked beyond shapes and values). O((rows + cols) k).
   * The new object starts afresh: no kept matrix (pass it to `recompute` once,
   * or use `create`), K = I, zero counts. To keep an object whole, with its K,
   * kept matrix, counts and auto history, use {@link save} and {@link load}.
   * Errors: SHAPE, EMPTY, NON_FINITE, RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE.
   *
   * @example
   * const es = await EvolvingSvd.fromFactors(svd(dense, { k: 8 }));
   */
  static async fromFactors(f: SvdResult, opts: EvolvingSvdOptions = {}): Promise<EvolvingSvd> {
    const op = readEvolvingOptions("EvolvingSvd.fromFactors", opts);
    new LongRun("EvolvingSvd.fromFactors", op);
    const { U, s, V, k } = asFactors(f, op);
    const ws = await openWorkspace(op.backend, persistentBytes(U.rows, V.rows, k), "EvolvingSvd.fromFactors");
    const es = new EvolvingSvd(FACTORY, updateContext(ws, k, op), op);
    es.#f.allocate(U.rows, V.rows, 0);
    es.#f.setFactors({ U: U.data, s, V: V.data });
    return es;
  }

  /** Current number of rows. O(1). */
  get rows(): number {
    return this.#f.U.dim;
  }

  /** Current number of columns. O(1). */
  get cols(): number {
    return this.#f.V.dim;
  }

  /** The rank k. O(1). */
  get rank(): number {
    return this.#f.k;
  }

  /** Counters: updates, K resets, dropped directions. O(1). */
  get stats(): EvolvingSvdStats {
    return { ...this.#f.cx.counts };
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
    return { ...C, indptr: C.indptr.slice(), indices: C.indices.slice(), data: C.data.slice() };
  }

  /**
   * ||K||_F ||K⁻¹||_F of each side's K (an upper bound on its 2-norm condition
   * number, at most k times too large; exactly k for K = I). O(k²).
   *
   * @example
   * const { U, V } = es.kCondition();
   */
  kCondition(): { U: number; V: number } {
    return { U: kConditionOf(this.#f.cx, this.#f.U), V: kConditionOf(this.#f.cx, this.#f.V) };
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
    this.#idle();
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
    await this.#runAsync("EvolvingSvd.addRowsAsync", opts, () => rowSteps(this.es, E));
  }

  /**
   * Appends the columns of E (rows x s, dense or CSR); the mirror image of addRows.
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, INVALID_ARGUMENT, TOO_LARGE.
   *
   * @example
   * es.addColumns({ rows: es.rows, cols: 1, data });
   */
  addColumns(E: CsrMatrix | DenseMatrix): void {
    this.#idle();
    runSync(columnSteps(this.es, E));
  }

  /** addColumns in the asynchronous form of {@link addRowsAsync}. Errors: as addColumns, ABORTED. */
  async addColumnsAsync(E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.#runAsync("EvolvingSvd.addColumnsAsync", opts, () => columnSteps(this.es, E));
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
    this.#idle();
    runSync(weightSteps(this.es, D, E));
  }

  /** updateWeights in the asynchronous form of {@link addRowsAsync}. Errors: as updateWeights, ABORTED. */
  async updateWeightsAsync(D: CsrMatrix | DenseMatrix, E: CsrMatrix | DenseMatrix, opts: UpdateAsyncOptions = {}): Promise<void> {
    await this.#runAsync("EvolvingSvd.updateWeightsAsync", opts, () => weightSteps(this.es, D, E));
  }

  /** Drives update phases, yielding when due and stopping on the signal; the object is busy meanwhile. */
  async #runAsync(fn: string, opts: UpdateAsyncOptions, make: () => Steps): Promise<void> {
    const o = readOptions(fn, opts, SIGNAL);
    this.#idle();
    const run = new LongRun(fn, o);
    const steps = make(); // a generator: nothing runs before the first next()
    this.busy = true;
    try {
      await runAsync(run, steps);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Replaces the factors by a fresh truncated SVD of A, the current matrix
   * (rows x cols): truncatedSvd's Lanczos method, or the randomized one with
   * `method: "randomized"` (or `oversample` / `powerIters`); K is reset to I.
   * A may be omitted when the matrix is kept (`keepMatrix`, "auto"); when
   * given, it replaces the kept matrix. For streams whose drift matters (see
   * the README: updates never recover what the initial truncation discarded),
   * call it every so many batches. Yields to the event loop at least every
   * 25 ms; other calls on this object throw INVALID_ARGUMENT until it settles;
   * when aborted the object is unchanged. Errors: as truncatedSvd, SHAPE when A's shape differs.
   *
   * @example
   * if (es.stats.updates % 100 === 0) await es.recompute(currentMatrix);
   */
  async recompute(A?: CsrMatrix | DenseMatrix | null, opts: RecomputeOptions = {}): Promise<void> {
    const op = readOptions("EvolvingSvd.recompute", opts, RECOMPUTE_SCHEMA);
    this.#idle();
    const run = new LongRun<TruncatedSvdProgress>("EvolvingSvd.recompute", op);
    const es = this.es, f = this.#f;
    if (A == null && !es.kept) throw new LowrankError("INVALID_ARGUMENT", "recompute: pass the current matrix (it is not kept: see keepMatrix)");
    const C = A == null ? es.kept!.csr() : asBatch(A, "A");
    if (C.rows !== f.U.dim || C.cols !== f.V.dim) {
      throw new LowrankError("SHAPE", `recompute: A is ${C.rows} x ${C.cols}, the matrix ${f.U.dim} x ${f.V.dim}`);
    }
    const method = initialMethod("EvolvingSvd.recompute", op.method, op);
    f.ensure(f.U.dim, f.V.dim, initialBytes(method, C, f.k, op));
    this.busy = true;
    try {
      await initialSvd(f, this.backend, method, C, op, run, (r) => {
        f.install(r);
        if (A != null && es.kept) es.kept = new KeptMatrix(C);
      });
    } finally {
      this.busy = false;
    }
  }

  #idle(): void {
    if (this.busy) throw new LowrankError("INVALID_ARGUMENT", "EvolvingSvd: an asynchronous call (create, recompute or an *Async update) is still running on this object; await it first");
  }

  /** The current singular values (a copy), descending. O(k). */
  singularValues(): Float64Array {
    return this.#f.sv.slice();
  }

  /**
   * Row i of U (its k-dimensional embedding, not scaled by s) without forming U: O(k²).
   * Errors: INDEX (not an integer in [0, rows)).
   *
   * @example
   * const u = es.row(0);
   */
  row(i: number): Float64Array {
    return vectorOf(this.#f.U, this.#f.k, i, "row");
  }

  /**
   * Row j of V (column j's embedding) without forming V: O(k²).
   * Errors: INDEX (not an integer in [0, cols)).
   *
   * @example
   * const v = es.column(3);
   */
  column(j: number): Float64Array {
    return vectorOf(this.#f.V, this.#f.k, j, "column");
  }

  /**
   * The factors U (rows x k), s, V (cols x k), materialised (U = U' K_u). O((rows + cols) k²).
   *
   * @example
   * const { U, s, V } = es.factors();
   */
  factors(): SvdResult & { kind: "svd"; version: number } {
    this.#idle();
    const f = this.#f;
    f.ensure(f.U.dim, f.V.dim, arenaBytes(Math.max(f.U.dim, f.V.dim) * f.k, 0, 2));
    return { kind: "svd", version: RESULT_VERSION, U: materialize(f.cx, f.U), s: f.sv.slice(), V: materialize(f.cx, f.V) };
  }

  /**
   * The whole state (both factors with their K, s, the method in force, counts,
   * PRNG state, kept matrix, auto's history, options) as a versioned JSON-safe
   * object (`JSON.stringify`, `structuredClone`): {@link load} continues bit
   * for bit. O((rows + cols) k + kept nnz). Errors: INVALID_ARGUMENT while an asynchronous call runs.
   *
   * @example
   * localStorage.setItem("lsa", JSON.stringify(es.save()));
   * const again = await EvolvingSvd.load(JSON.parse(localStorage.getItem("lsa")!));
   */
  save(): SavedEvolvingSvd {
    this.#idle();
    return encodeSnapshot(takeSnapshot(this.es, this.saved));
  }

  /**
   * The object {@link save} described (or its JSON text), on the backend asked
   * for (either: the state is the same numbers). Errors: INVALID_ARGUMENT (not
   * save()'s object, a damaged field, a format version newer than this
   * package reads), SHAPE, NON_FINITE, INDEX (inconsistent arrays), TOO_LARGE.
   */
  static async load(saved: SavedEvolvingSvd | string, opts: BackendOptions = {}): Promise<EvolvingSvd> {
    const o = readOptions("EvolvingSvd.load", opts, LOAD_SCHEMA);
    return EvolvingSvd.#restore(decodeSnapshot(saved), o.backend);
  }

  /** {@link save}'s state as compact bytes (arrays raw, not base64). Errors: as save. */
  toBytes(): Uint8Array {
    this.#idle();
    return snapshotBytes(takeSnapshot(this.es, this.saved));
  }

  /** The object {@link toBytes} described. Errors: as {@link load}. */
  static async fromBytes(bytes: Uint8Array, opts: BackendOptions = {}): Promise<EvolvingSvd> {
    const o = readOptions("EvolvingSvd.fromBytes", opts, LOAD_SCHEMA);
    return EvolvingSvd.#restore(snapshotFromBytes(bytes), o.backend);
  }

  static async #restore(snap: EvolvingSnapshot, backend: Backend | undefined): Promise<EvolvingSvd> {
    const op = loadOptions(snap, backend);
    const ws = await openWorkspace(backend, persistentBytes(snap.U.dim, snap.V.dim, snap.k), "EvolvingSvd.load");
    const es = new EvolvingSvd(FACTORY, updateContext(ws, snap.k, op), op);
    es.#f.allocate(snap.U.dim, snap.V.dim, 0);
    applySnapshot(es.es, snap);
    return es;
  }
}
