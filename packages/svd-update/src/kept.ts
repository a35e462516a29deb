// The current matrix, kept by an EvolvingSvd when it may have to recompute
// (`method: "auto"` or `keepMatrix: true`): the updates only carry the rank-k
// factors, and a fresh truncated SVD needs the matrix itself.
import { checkSize, LowrankError, type CsrMatrix } from "@lowrank/linalg";

/** A block of entries (row, col, value); duplicates are summed when the CSR is formed. */
export interface Chunk {
  r: Int32Array;
  c: Int32Array;
  v: Float64Array;
}

/**
 * A growing sparse matrix: the initial CSR plus the entries of every update
 * as coordinate chunks (16 bytes per entry: i32 row, i32 column, f64 value),
 * merged into one CSR (12 bytes per entry plus 4 per row) on demand. Appending
 * rows or columns is O(nnz(E)); a weight update D Eᵀ adds one entry per pair
 * of nonzeros of D and E that share a column (nnz(D Eᵀ), dense when D and E
 * are). Forming the CSR is O(nnz + rows) plus sorting each row's columns.
 */
export class KeptMatrix {
  private base: CsrMatrix;
  private chunks: Chunk[] = [];
  private extra = 0;
  /** An upper bound on the magnitude of any entry once duplicates are summed: the base's largest plus every chunk's. */
  private bound = 0;

  constructor(A: CsrMatrix) {
    const nnz = A.indptr[A.rows];
    this.base = { rows: A.rows, cols: A.cols, indptr: A.indptr.slice(), indices: A.indices.slice(0, nnz), data: A.data.slice(0, nnz) };
    this.rows = A.rows;
    this.cols = A.cols;
    for (let q = 0; q < nnz; q++) this.bound = Math.max(this.bound, Math.abs(A.data[q]));
  }

  rows: number;
  cols: number;

  /** Stored entries (an upper bound on nnz: duplicates from weight updates are summed only by `csr()`). */
  get nnz(): number {
    return this.base.indptr[this.base.rows] + this.extra;
  }

  /** Bytes held: the CSR plus the pending chunks. */
  get bytes(): number {
    return 12 * this.base.indptr[this.base.rows] + 4 * (this.base.rows + 1) + 16 * this.extra;
  }

  /** Appends the rows of E (s x cols). */
  addRows(E: CsrMatrix): void {
    const nnz = E.indptr[E.rows], r = new Int32Array(nnz);
    for (let i = 0; i < E.rows; i++) r.fill(this.rows + i, E.indptr[i], E.indptr[i + 1]);
    this.push({ r, c: E.indices.slice(0, nnz), v: E.data.slice(0, nnz) });
    this.rows += E.rows;
  }

  /** Appends s columns, given as the rows of Eᵀ (s x rows). */
  addColumns(Et: CsrMatrix): void {
    const nnz = Et.indptr[Et.rows], c = new Int32Array(nnz);
    for (let j = 0; j < Et.rows; j++) c.fill(this.cols + j, Et.indptr[j], Et.indptr[j + 1]);
    this.push({ r: Et.indices.slice(0, nnz), c, v: Et.data.slice(0, nnz) });
    this.cols += Et.rows;
  }

  /** Adds D Eᵀ, given Dᵀ (s x rows) and Eᵀ (s x cols) as CSR. */
  addProduct(Dt: CsrMatrix, Et: CsrMatrix): void {
    let n = 0;
    for (let t = 0; t < Dt.rows; t++) n += (Dt.indptr[t + 1] - Dt.indptr[t]) * (Et.indptr[t + 1] - Et.indptr[t]);
    checkSize(n, "the kept matrix's entries of D Eᵀ");
    const r = new Int32Array(n), c = new Int32Array(n), v = new Float64Array(n);
    let q = 0;
    for (let t = 0; t < Dt.rows; t++) {
      for (let a = Dt.indptr[t]; a < Dt.indptr[t + 1]; a++) {
        for (let b = Et.indptr[t]; b < Et.indptr[t + 1]; b++) {
          r[q] = Dt.indices[a];
          c[q] = Et.indices[b];
          v[q++] = Dt.data[a] * Et.data[b];
        }
      }
    }
    this.push({ r, c, v });
  }

  /**
   * The state as plain arrays (the merged CSR's last form and the pending
   * entries in order, as one chunk: forming the CSR later sums them in the same
   * order, so a restored matrix gives bit-identical results). O(pending entries).
   */
  save(): { base: CsrMatrix; pending: Chunk; rows: number; cols: number; bound: number } {
    const n = this.extra, r = new Int32Array(n), c = new Int32Array(n), v = new Float64Array(n);
    let q = 0;
    for (const ch of this.chunks) {
      r.set(ch.r, q);
      c.set(ch.c, q);
      v.set(ch.v, q);
      q += ch.r.length;
    }
    const B = this.base;
    return { base: { rows: B.rows, cols: B.cols, indptr: B.indptr, indices: B.indices, data: B.data }, pending: { r, c, v }, rows: this.rows, cols: this.cols, bound: this.bound };
  }

  /** The matrix {@link save} described (its arrays already checked by the caller). */
  static restore(x: ReturnType<KeptMatrix["save"]>): KeptMatrix {
    const K = new KeptMatrix(x.base);
    K.rows = x.rows;
    K.cols = x.cols;
    if (x.pending.r.length > 0) {
      K.chunks.push(x.pending);
      K.extra = x.pending.r.length;
    }
    K.bound = x.bound;
    return K;
  }

  /** The state to return to should an update that changed it fail (the arrays are never modified in place). O(chunks). */
  snapshot(): () => void {
    const { base, extra, rows, cols, bound } = this;
    const chunks = this.chunks.slice();
    return () => {
      this.bound = bound;
      this.base = base;
      this.chunks = chunks;
      this.extra = extra;
      this.rows = rows;
      this.cols = cols;
    };
  }

  /**
   * Adds a chunk. Errors: NON_FINITE when an entry (a product of a weight
   * update, or a sum of entries at one position) exceeds the largest double;
   * the sums are formed (csr) only when the bound says they might.
   */
  private push(ch: Chunk): void {
    if (ch.r.length === 0) return;
    let mx = 0;
    for (let q = 0; q < ch.v.length; q++) {
      const a = Math.abs(ch.v[q]);
      if (!(a <= Number.MAX_VALUE)) throw new LowrankError("NON_FINITE", "the kept matrix would hold an entry beyond the largest double (a product of D and E)");
      if (a > mx) mx = a;
    }
    this.chunks.push(ch);
    this.extra += ch.r.length;
    this.bound += mx;
    if (!(this.bound <= Number.MAX_VALUE)) {
      const C = this.csr();
      for (let q = 0; q < C.data.length; q++) {
        if (!(Math.abs(C.data[q]) <= Number.MAX_VALUE)) throw new LowrankError("NON_FINITE", "the kept matrix would hold an entry beyond the largest double (a sum of updates)");
      }
    }
  }

  /** The current matrix as CSR (columns sorted within rows, duplicates summed); merges the chunks. */
  csr(): CsrMatrix {
    if (this.chunks.length === 0 && this.base.rows === this.rows && this.base.cols === this.cols) return this.base;
    const m = this.rows, B = this.base;
    const count = new Int32Array(m + 1);
    for (let i = 0; i < B.rows; i++) count[i + 1] = B.indptr[i + 1] - B.indptr[i];
    for (const ch of this.chunks) for (let q = 0; q < ch.r.length; q++) count[ch.r[q] + 1]++;
    for (let i = 0; i < m; i++) count[i + 1] += count[i];
    const total = count[m];
    const next = count.slice(0, m), idx = new Int32Array(total), val = new Float64Array(total);
    for (let i = 0; i < B.rows; i++) {
      for (let q = B.indptr[i]; q < B.indptr[i + 1]; q++) {
        const at = next[i]++;
        idx[at] = B.indices[q];
        val[at] = B.data[q];
      }
    }
    for (const ch of this.chunks) {
      for (let q = 0; q < ch.r.length; q++) {
        const at = next[ch.r[q]]++;
        idx[at] = ch.c[q];
        val[at] = ch.v[q];
      }
    }
    // Sort each row by column and sum duplicates (weight updates land on existing entries).
    const indptr = new Int32Array(m + 1);
    let w = 0;
    const order: number[] = [];
    for (let i = 0; i < m; i++) {
      const a = count[i], b = count[i + 1];
      let sorted = true;
      for (let q = a + 1; q < b; q++) if (idx[q] <= idx[q - 1]) sorted = false;
      if (sorted) {
        for (let q = a; q < b; q++) {
          idx[w] = idx[q];
          val[w++] = val[q];
        }
      } else {
        order.length = 0;
        for (let q = a; q < b; q++) order.push(q);
        order.sort((x, y) => idx[x] - idx[y]);
        const ci = order.map((q) => idx[q]), cv = order.map((q) => val[q]);
        for (let t = 0; t < ci.length; t++) {
          if (t > 0 && ci[t] === ci[t - 1]) val[w - 1] += cv[t];
          else {
            idx[w] = ci[t];
            val[w++] = cv[t];
          }
        }
      }
      indptr[i + 1] = w;
    }
    this.base = { rows: m, cols: this.cols, indptr, indices: idx.slice(0, w), data: val.slice(0, w) };
    this.chunks = [];
    this.extra = 0;
    let mx = 0;
    for (let q = 0; q < w; q++) mx = Math.max(mx, Math.abs(val[q]));
    this.bound = mx;
    return this.base;
  }
}
