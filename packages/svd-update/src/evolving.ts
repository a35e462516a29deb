import {
  arenaBytes, checkDense, checkVector, LowrankError,
  type CsrMatrix, type DenseMatrix, type SvdResult,
} from "@lowrank/linalg";
import { choose, estimate, type AutoChoice, type AutoDecision } from "./auto.js";
import { toCsr, toCsrShape, transposeCsr } from "./input.js";
import { KeptMatrix } from "./kept.js";
import { updateContext, type EvolvingSvdOptions, type EvolvingSvdStats, type UpdateContext } from "./options.js";
import { jsSvdUpdateKernels } from "./kernels.js";
import { orthogonalize, zhaQrWork, type Orth } from "./orthogonalize.js";
import { applyBasis, applyGrow, foldK, type Side } from "./side.js";
import { smallSvd } from "./small.js";
import { Store } from "./store.js";
import {
  checkAbort, randomizedSvdIn, randomizedSvdSync, resolveTsvd, tsvdBytes, type SvdViews, type Tsvd, type TruncatedSvdOptions,
} from "./truncated.js";

const EMPTY = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * A rank-k truncated SVD A ≈ U diag(s) Vᵀ kept up to date while rows,
 * columns and low-rank weight changes arrive. Create with
 * `await EvolvingSvd.create(A, opts)` (asynchronous because the instance owns
 * its WebAssembly memory, which browsers only instantiate asynchronously);
 * updates are synchronous, one batch per call.
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
  private readonly st: Store;
  private readonly k: number;
  /** Set while `recompute` awaits: the store's scratch is in use, so nothing else may run. */
  private busy = false;
  /** The current matrix, when kept (`keepMatrix`, or "auto" from `create`). */
  private kept: KeptMatrix | null = null;
  /** "auto": one decision per update call. */
  private readonly decisions: AutoDecision[] = [];
  /** Settings of the recomputations auto may run (the initial truncatedSvd's). */
  private readonly tsvdOpts: { oversample: number; powerIters: number; seed: number };

  private constructor(private readonly cx: UpdateContext, opts: EvolvingSvdOptions) {
    this.st = cx.st;
    this.k = cx.k;
    this.tsvdOpts = { oversample: opts.oversample ?? 10, powerIters: opts.powerIters ?? 4, seed: opts.seed ?? 0 };
  }

  /**
   * Starts from a truncated SVD of A (randomized subspace iteration, see
   * `truncatedSvd`). O((2 powerIters + 2) nnz (k + oversample)).
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, RANK, INVALID_ARGUMENT, ABORTED, TOO_LARGE.
   *
   * @example
   * const es = await EvolvingSvd.create(csr, { rank: 16, method: "deng", seed: 1 });
   */
  static async create(A: CsrMatrix | DenseMatrix, opts: EvolvingSvdOptions): Promise<EvolvingSvd> {
    opts = opts ?? {};
    const C = toCsr(A, "A");
    const o = resolveTsvd({ ...opts, rank: opts.rank as number }, C.rows, C.cols);
    checkAbort(o.signal);
    const m = C.rows, n = C.cols;
    const run = tsvdBytes(m, n, C.indptr[m], o);
    const es = new EvolvingSvd(updateContext(await Store.create(opts.backend, persistentBytes(m, n, o.k) + run), o.k, opts), opts);
    if (opts.keepMatrix ?? opts.method === "auto") es.kept = new KeptMatrix(C);
    es.layout(m, n, m, n, run);
    const mark = es.st.mark();
    const r = await randomizedSvdIn(es.st, C, o);
    es.U.P.set(r.U);
    es.V.P.set(r.V);
    es.sv.set(r.s);
    es.st.release(mark);
    return es;
  }

  /**
   * Starts from given factors (U rows x k and V cols x k with orthonormal
   * columns, s descending; not checked beyond shapes and values). O((rows + cols) k).
   *
   * @example
   * const es = await EvolvingSvd.fromFactors(svd(dense, { k: 8 }));
   */
  static async fromFactors(f: SvdResult, opts: EvolvingSvdOptions = {}): Promise<EvolvingSvd> {
    opts = opts ?? {};
    const U = checkDense(f?.U, "U"), V = checkDense(f?.V, "V");
    const k = U.cols;
    const s = checkVector(f.s, "s", k);
    if (V.cols !== k) throw new LowrankError("SHAPE", `U has ${k} columns but V has ${V.cols}`);
    if (opts.rank !== undefined && opts.rank !== k) throw new LowrankError("RANK", `rank ${opts.rank} differs from the factors' ${k}`);
    if (k > Math.min(U.rows, V.rows)) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${Math.min(U.rows, V.rows)}`);
    if (opts.keepMatrix) throw new LowrankError("INVALID_ARGUMENT", "fromFactors: keepMatrix needs the matrix; use create, or recompute(A) once");
    const es = new EvolvingSvd(updateContext(await Store.create(opts.backend, persistentBytes(U.rows, V.rows, k)), k, opts), opts);
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
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX.
   *
   * @example
   * es.addRows({ rows: 2, cols: es.cols, data });
   */
  addRows(E: CsrMatrix | DenseMatrix): void {
    this.idle();
    // The O(nnz) checks of a CSR batch (indptr order, index range, finite values) run in the kernel csrSupport.
    const B = toCsrShape(E, "E");
    if (B.cols !== this.V.dim) throw new LowrankError("SHAPE", `addRows: E has ${B.cols} columns, the matrix ${this.V.dim}`);
    this.append(this.U, this.V, B, false, () => this.kept?.addRows(B));
  }

  /**
   * Appends the columns of E (rows x s, dense or CSR); the mirror image of addRows.
   * Errors: SHAPE, EMPTY, NON_FINITE, INDEX.
   *
   * @example
   * es.addColumns({ rows: es.rows, cols: 1, data });
   */
  addColumns(E: CsrMatrix | DenseMatrix): void {
    this.idle();
    const B = toCsr(E, "E");
    if (B.rows !== this.U.dim) throw new LowrankError("SHAPE", `addColumns: E has ${B.rows} rows, the matrix ${this.U.dim}`);
    const Bt = transposeCsr(B);
    this.append(this.V, this.U, Bt, true, () => this.kept?.addColumns(Bt));
  }

  /**
   * Replaces A by A + D Eᵀ (D rows x s, E cols x s, dense or CSR): both sides
   * are orthogonalised and rotated as in addRows' basis side. deng: O((nnz(D) +
   * nnz(E)) (s + k) + (k + s)³). Errors: SHAPE, EMPTY, NON_FINITE, INDEX.
   *
   * @example
   * es.updateWeights(D, E); // A += D Eᵀ
   */
  updateWeights(D: CsrMatrix | DenseMatrix, E: CsrMatrix | DenseMatrix): void {
    this.idle();
    const Dc = toCsr(D, "D"), Ec = toCsr(E, "E");
    if (Dc.rows !== this.U.dim) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.rows} rows, the matrix ${this.U.dim}`);
    if (Ec.rows !== this.V.dim) throw new LowrankError("SHAPE", `updateWeights: E has ${Ec.rows} rows, the matrix has ${this.V.dim} columns`);
    if (Dc.cols !== Ec.cols) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.cols} columns but E has ${Ec.cols}`);
    const bd = transposeCsr(Dc), be = transposeCsr(Ec);
    const k = this.k, s = bd.rows;
    const t0 = performance.now();
    const sd = this.support(this.U, bd, "D");
    let se: Int32Array;
    try {
      se = this.support(this.V, be, "E");
    } catch (e) {
      this.clear(this.U, sd);
      throw e;
    }
    const choice = this.decide("updateWeights", s, bd.indptr[s] + be.indptr[s], sd.length + se.length, this.U.dim + this.V.dim, 0, true);
    this.kept?.addProduct(bd, be);
    if (choice === "recompute") {
      this.clear(this.U, sd);
      this.clear(this.V, se);
      this.recomputeKept();
      this.record(t0);
      return;
    }
    let done = false;
    try {
      this.ensure(this.U.dim, this.V.dim, this.scratch(s, sd.length, this.U.dim) + this.scratch(s, se.length, this.V.dim));
      const st = this.st, K = st.kernels;
      const mark = st.mark();
      try {
        const od = orthogonalize(this.cx, this.U, bd, sd), oe = orthogonalize(this.cx, this.V, be, se);
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
        for (let i = 0; i < k; i++) M[i * c + i] += this.sv[i];
        const { F, theta, G } = smallSvd(st, r, c, M, k);
        applyBasis(this.cx, this.U, od, F);
        applyBasis(this.cx, this.V, oe, G);
        this.sv.set(theta);
        this.cx.counts.updates++;
        done = true;
      } finally {
        st.release(mark);
      }
    } finally {
      // orthogonalize resets the markers; only a failure before it leaves them set.
      if (!done) {
        this.clear(this.U, sd);
        this.clear(this.V, se);
      }
    }
    this.record(t0);
  }

  /**
   * Replaces the factors by a fresh truncated SVD of A, the current matrix
   * (rows x cols), in this instance's memory; K is reset to I. A may be
   * omitted when the matrix is kept (`keepMatrix`, "auto"); when given, it
   * replaces the kept matrix. For streams
   * whose drift matters (see the README: updates never recover what the
   * initial truncation discarded), call it every so many batches. Other calls
   * on this object throw INVALID_ARGUMENT until it resolves.
   * O((2 powerIters + 2) nnz (k + oversample)). Errors: as truncatedSvd, SHAPE when A's shape differs.
   *
   * @example
   * if (es.stats.updates % 100 === 0) await es.recompute(currentMatrix, { powerIters: 8 });
   */
  async recompute(A?: CsrMatrix | DenseMatrix | null, opts: Omit<TruncatedSvdOptions, "rank" | "backend"> = {}): Promise<void> {
    this.idle();
    if (A == null && !this.kept) throw new LowrankError("INVALID_ARGUMENT", "recompute: pass the current matrix (it is not kept: see keepMatrix)");
    const C = A == null ? this.kept!.csr() : toCsr(A, "A");
    if (C.rows !== this.U.dim || C.cols !== this.V.dim) {
      throw new LowrankError("SHAPE", `recompute: A is ${C.rows} x ${C.cols}, the matrix ${this.U.dim} x ${this.V.dim}`);
    }
    const o = resolveTsvd({ ...(opts ?? {}), rank: this.k }, C.rows, C.cols);
    checkAbort(o.signal);
    this.ensure(this.U.dim, this.V.dim, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    const mark = this.st.mark();
    this.busy = true;
    try {
      this.install(await randomizedSvdIn(this.st, C, o));
      if (A != null && this.kept) this.kept = new KeptMatrix(C);
    } finally {
      this.st.release(mark);
      this.busy = false;
    }
  }

  /** Takes a fresh SVD's factors (views of the store, current shape) as the state; K reset to I. */
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

  /** auto's recomputation, synchronous: a fresh truncated SVD of the kept matrix (which already holds the batch). */
  private recomputeKept(): void {
    const C = this.kept!.csr();
    const o = this.tsvdFor(C.rows, C.cols);
    this.ensure(C.rows, C.cols, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    const mark = this.st.mark();
    try {
      const r = randomizedSvdSync(this.st, C, o);
      this.U.dim = C.rows;
      this.V.dim = C.cols;
      this.install(r);
    } finally {
      this.st.release(mark);
    }
  }

  /**
   * "auto": estimates the options for this batch, sets the update method
   * (folding K into the tall factors when switching to zha-simon) and returns
   * the choice; other methods: returns the method. O(1), O((m + n) k²) on a switch.
   */
  private decide(op: AutoDecision["op"], s: number, nnz: number, p: number, basisDim: number, growDim: number, twoSided: boolean): AutoChoice | null {
    const cx = this.cx;
    if (!cx.auto) return null;
    const rowsA = this.U.dim + (op === "addRows" ? s : 0), colsA = this.V.dim + (op === "addColumns" ? s : 0);
    const kept = this.kept;
    const o = this.tsvdFor(rowsA, colsA);
    const estimates = estimate({
      k: this.k, s, p, basisDim, growDim, twoSided,
      nnzA: kept ? kept.nnz + nnz : -1, rowsA, colsA, l: o.l, q: o.powerIters, js: this.st.kernels === jsSvdUpdateKernels,
    });
    const choice = choose(estimates);
    this.decisions.push({ op, s, nnz, rows: this.U.dim, cols: this.V.dim, estimates, choice, ms: NaN });
    if (choice === "recompute") return choice;
    cx.method = choice;
    cx.extended = choice === "deng";
    if (!cx.extended) {
      this.ensure(this.U.dim, this.V.dim, arenaBytes(Math.max(this.U.dim, this.V.dim) * this.k, 0, 2));
      const mark = this.st.mark();
      foldK(cx, this.U);
      foldK(cx, this.V);
      this.st.release(mark);
    }
    return choice;
  }

  /** Stamps the last decision with the call's measured time. */
  private record(t0: number): void {
    if (this.cx.auto) this.decisions[this.decisions.length - 1].ms = performance.now() - t0;
  }

  private idle(): void {
    if (this.busy) throw new LowrankError("INVALID_ARGUMENT", "EvolvingSvd: recompute() is still running; await it first");
  }

  /** The current singular values (a copy), descending. O(k). */
  singularValues(): Float64Array {
    return this.sv.slice();
  }

  /**
   * Row i of U (its k-dimensional embedding, not scaled by s) without forming U: O(k²).
   *
   * @example
   * const u = es.row(0);
   */
  row(i: number): Float64Array {
    return this.vectorOf(this.U, i, "row");
  }

  /**
   * Row j of V (column j's embedding) without forming V: O(k²).
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
      const mark = this.st.mark();
      const T = this.st.f64(sd.dim * k);
      this.st.kernels.gemm(false, false, sd.dim, k, k, 1, sd.P, k, sd.K, k, 0, T, k);
      const data = T.slice();
      this.st.release(mark);
      return { rows: sd.dim, cols: k, data };
    };
    return { U: one(this.U), s: this.sv.slice(), V: one(this.V) };
  }

  private vectorOf(sd: Side, i: number, what: string): Float64Array {
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

  /** Zha and Simon (1999) for appended rows (or, mirrored, columns): [A; E] = [[U, 0], [0, I]] M [V, Q]ᵀ. */
  private append(grow: Side, basis: Side, batch: CsrMatrix, cols: boolean, keep: () => void): void {
    const k = this.k, s = batch.rows;
    const t0 = performance.now();
    const supp = this.support(basis, batch, "E");
    const choice = this.decide(cols ? "addColumns" : "addRows", s, batch.indptr[s], supp.length, basis.dim, grow.dim, false);
    keep();
    if (choice === "recompute") {
      this.clear(basis, supp);
      this.recomputeKept();
      this.record(t0);
      return;
    }
    let done = false;
    try {
      const scratch = this.scratch(s, supp.length, Math.max(grow.dim + s, basis.dim));
      this.ensure(this.U.dim + (cols ? 0 : s), this.V.dim + (cols ? s : 0), scratch);
      const st = this.st;
      const mark = st.mark();
      try {
        const o = orthogonalize(this.cx, basis, batch, supp);
        // M = [[diag(s), 0], [C0, Rᵀ]]: row k + j holds e_j's coordinates in [V, Q].
        const w = k + o.sq;
        const M = st.f64((k + s) * w);
        st.kernels.appendCore(k, s, o.sq, this.sv, o.C0, o.R, M);
        const { F, theta, G } = smallSvd(st, k + s, w, M, k);
        applyGrow(this.cx, grow, F, s);
        applyBasis(this.cx, basis, o, G);
        this.sv.set(theta);
        this.cx.counts.updates++;
        done = true;
      } finally {
        st.release(mark);
      }
    } finally {
      if (!done) this.clear(basis, supp);
    }
    this.record(t0);
  }

  /**
   * Checks the batch (kernel csrSupport: indptr order, index range, finite
   * values) and returns its distinct indices in first-seen order, marking
   * their positions in sd.marker (orthogonalize resets them). O(nnz) in the kernel.
   * Errors: SHAPE, INDEX, NON_FINITE.
   */
  private support(sd: Side, b: CsrMatrix, name: string): Int32Array {
    const s = b.rows, nnz = b.indptr[s];
    this.ensure(this.U.dim, this.V.dim, arenaBytes(nnz, 2 * nnz + s + 1, 6));
    const st = this.st, mark = st.mark();
    try {
      const idx = st.i32(Math.max(1, Math.min(nnz, sd.dim)));
      const p = st.kernels.csrSupport(s, sd.dim, st.inI32(b.indptr, s + 1), st.inI32(b.indices, nnz), st.inF64(b.data, nnz), sd.marker, idx);
      if (p === -1) throw new LowrankError("SHAPE", `${name}.indptr must start at 0 and never decrease`);
      if (p === -2) throw new LowrankError("INDEX", `${name} has an index outside [0, ${sd.dim})`);
      if (p === -3) throw new LowrankError("NON_FINITE", `${name} contains NaN or Infinity`);
      return idx.slice(0, p);
    } finally {
      st.release(mark);
    }
  }

  /** Resets the marker on a support (when an update stops before orthogonalize did). O(p). */
  private clear(sd: Side, supp: Int32Array): void {
    for (let i = 0; i < supp.length; i++) sd.marker[supp[i]] = -1;
  }

  /** Upper bound on the scratch bytes of one side's part of an update of s vectors over support p. */
  private scratch(s: number, p: number, dim: number): number {
    const k = this.k, w = k + s;
    const dense = this.cx.extended ? 0 : 3 * dim * s + 2 * s + zhaQrWork(dim, s);
    return arenaBytes(3 * s * p + 4 * p * k + 6 * s * k + 6 * s * s + 2 * dim * k + dense + 5 * w * w + 4 * w * k + 16 * k * k + 8 * k, p, 96);
  }

  /** Makes room for the given row counts and scratch, re-laying out the store (growing by half) when needed. */
  private ensure(rowsU: number, rowsV: number, scratch: number): void {
    const U = this.U, V = this.V;
    if (rowsU <= U.cap && rowsV <= V.cap && this.st.fits(scratch)) return;
    const cap = (need: number, have: number) => (need <= have ? have : Math.max(need, Math.ceil(have * 1.5)));
    this.layout(cap(rowsU, U.cap), cap(rowsV, V.cap), U.dim, V.dim, Math.ceil(scratch * 1.5));
  }

  /**
   * (Re)allocates the persistent arrays at the bottom of the store, keeping
   * their contents. The Side objects are updated in place, so references held
   * across this call stay valid (their old views do not).
   */
  private layout(capU: number, capV: number, dimU: number, dimV: number, scratch: number): void {
    const k = this.k, kk = k * k;
    const first = this.U === undefined;
    const saved = first ? null : [this.U, this.V].map((sd) => ({
      P: sd.P.slice(0, sd.dim * k), K: sd.K.slice(), Kinv: sd.Kinv.slice(), marker: sd.marker.slice(0, Math.min(sd.dim, sd.marker.length)),
    }));
    const s = first ? null : this.sv.slice();
    this.st.reset(persistentBytes(capU, capV, k) + scratch);
    if (first) {
      const side = (dim: number): Side => ({ dim, cap: 0, P: EMPTY, K: EMPTY, Kinv: EMPTY, identity: true, marker: EMPTY_I32 });
      this.U = side(dimU);
      this.V = side(dimV);
    }
    [this.U, this.V].forEach((sd, i) => {
      sd.cap = i === 0 ? capU : capV;
      sd.P = this.st.f64(sd.cap * k);
      sd.K = this.st.f64(kk);
      sd.Kinv = this.st.f64(kk);
      sd.marker = this.st.i32(sd.cap);
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
    this.sv = this.st.f64(k);
    if (s) this.sv.set(s);
  }
}

function persistentBytes(capU: number, capV: number, k: number): number {
  return arenaBytes((capU + capV) * k + 4 * k * k + k, capU + capV, 10);
}

