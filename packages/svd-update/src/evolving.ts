import {
  arenaBytes, checkDense, checkVector, LowrankError,
  type CsrMatrix, type DenseMatrix, type SvdResult,
} from "@lowrank/linalg";
import { toCsr, transposeCsr } from "./input.js";
import { updateContext, type EvolvingSvdOptions, type EvolvingSvdStats, type UpdateContext } from "./options.js";
import { orthogonalize, type Orth } from "./orthogonalize.js";
import { applyBasis, applyGrow, type Side } from "./side.js";
import { smallSvd } from "./small.js";
import { Store } from "./store.js";
import { checkAbort, randomizedSvdIn, resolveTsvd, tsvdBytes, type TruncatedSvdOptions } from "./truncated.js";

const EMPTY = new Float64Array(0);

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

  private constructor(private readonly cx: UpdateContext) {
    this.st = cx.st;
    this.k = cx.k;
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
    const es = new EvolvingSvd(updateContext(await Store.create(opts.backend, persistentBytes(m, n, o.k) + run), o.k, opts));
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
    const es = new EvolvingSvd(updateContext(await Store.create(opts.backend, persistentBytes(U.rows, V.rows, k)), k, opts));
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
    const B = toCsr(E, "E");
    if (B.cols !== this.V.dim) throw new LowrankError("SHAPE", `addRows: E has ${B.cols} columns, the matrix ${this.V.dim}`);
    this.append(this.U, this.V, B, false);
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
    this.append(this.V, this.U, transposeCsr(B), true);
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
    const sd = this.support(this.U, bd), se = this.support(this.V, be);
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
      } finally {
        st.release(mark);
      }
    } finally {
      this.clear(this.U, sd);
      this.clear(this.V, se);
    }
  }

  /**
   * Replaces the factors by a fresh truncated SVD of A, the current matrix
   * (rows x cols), in this instance's memory; K is reset to I. For streams
   * whose drift matters (see the README: updates never recover what the
   * initial truncation discarded), call it every so many batches. Other calls
   * on this object throw INVALID_ARGUMENT until it resolves.
   * O((2 powerIters + 2) nnz (k + oversample)). Errors: as truncatedSvd, SHAPE when A's shape differs.
   *
   * @example
   * if (es.stats.updates % 100 === 0) await es.recompute(currentMatrix, { powerIters: 8 });
   */
  async recompute(A: CsrMatrix | DenseMatrix, opts: Omit<TruncatedSvdOptions, "rank" | "backend"> = {}): Promise<void> {
    this.idle();
    const C = toCsr(A, "A");
    if (C.rows !== this.U.dim || C.cols !== this.V.dim) {
      throw new LowrankError("SHAPE", `recompute: A is ${C.rows} x ${C.cols}, the matrix ${this.U.dim} x ${this.V.dim}`);
    }
    const o = resolveTsvd({ ...(opts ?? {}), rank: this.k }, C.rows, C.cols);
    checkAbort(o.signal);
    this.ensure(this.U.dim, this.V.dim, tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    const mark = this.st.mark();
    this.busy = true;
    try {
      const r = await randomizedSvdIn(this.st, C, o);
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
    } finally {
      this.st.release(mark);
      this.busy = false;
    }
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
  private append(grow: Side, basis: Side, batch: CsrMatrix, cols: boolean): void {
    const k = this.k, s = batch.rows;
    const supp = this.support(basis, batch);
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
        for (let i = 0; i < k; i++) M[i * w + i] = this.sv[i];
        for (let j = 0; j < s; j++) {
          M.set(o.C0.subarray(j * k, j * k + k), (k + j) * w);
          for (let i = 0; i < o.sq; i++) M[(k + j) * w + k + i] = o.R[i * s + j];
        }
        const { F, theta, G } = smallSvd(st, k + s, w, M, k);
        applyGrow(this.cx, grow, F, s);
        applyBasis(this.cx, basis, o, G);
        this.sv.set(theta);
        this.cx.counts.updates++;
      } finally {
        st.release(mark);
      }
    } finally {
      this.clear(basis, supp);
    }
  }

  /** Distinct indices of the batch in first-seen order; marks their positions in sd.marker. O(nnz). */
  private support(sd: Side, b: CsrMatrix): Int32Array {
    if (sd.marker.length < sd.dim) sd.marker = new Int32Array(sd.dim).fill(-1);
    const nnz = b.indptr[b.rows];
    const list: number[] = [];
    for (let q = 0; q < nnz; q++) {
      const j = b.indices[q];
      if (sd.marker[j] < 0) {
        sd.marker[j] = list.length;
        list.push(j);
      }
    }
    return Int32Array.from(list);
  }

  private clear(sd: Side, supp: Int32Array): void {
    for (let i = 0; i < supp.length; i++) sd.marker[supp[i]] = -1;
  }

  /** Upper bound on the scratch bytes of one side's part of an update of s vectors over support p. */
  private scratch(s: number, p: number, dim: number): number {
    const k = this.k, w = k + s;
    const dense = this.cx.extended ? 0 : 3 * dim * s + 2 * s;
    return arenaBytes(3 * s * p + 3 * p * k + 6 * s * k + 4 * s * s + 2 * dim * k + dense + 5 * w * w + 4 * w * k + 16 * k * k + 8 * k, p, 96);
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
    const saved = first ? null : [this.U, this.V].map((sd) => ({ P: sd.P.slice(0, sd.dim * k), K: sd.K.slice(), Kinv: sd.Kinv.slice() }));
    const s = first ? null : this.sv.slice();
    this.st.reset(persistentBytes(capU, capV, k) + scratch);
    if (first) {
      const side = (dim: number): Side => ({ dim, cap: 0, P: EMPTY, K: EMPTY, Kinv: EMPTY, identity: true, marker: new Int32Array(dim).fill(-1) });
      this.U = side(dimU);
      this.V = side(dimV);
    }
    [this.U, this.V].forEach((sd, i) => {
      sd.cap = i === 0 ? capU : capV;
      sd.P = this.st.f64(sd.cap * k);
      sd.K = this.st.f64(kk);
      sd.Kinv = this.st.f64(kk);
      if (saved) {
        sd.P.set(saved[i].P);
        sd.K.set(saved[i].K);
        sd.Kinv.set(saved[i].Kinv);
      } else {
        for (let a = 0; a < k; a++) sd.K[a * k + a] = sd.Kinv[a * k + a] = 1;
      }
    });
    this.sv = this.st.f64(k);
    if (s) this.sv.set(s);
  }
}

function persistentBytes(capU: number, capV: number, k: number): number {
  return arenaBytes((capU + capV) * k + 4 * k * k + k, 0, 8);
}

