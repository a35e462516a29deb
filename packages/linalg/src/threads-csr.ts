// The Lanczos SVD's products on the pool (docs/ARCHITECTURE.md,
// "Threads"): on a threaded instance of a module that exports csrTask
// (assembly/csr-vector.ts) and declares it as a task, during a run that has
// threads, a large enough product is written as a job and split by csrTask. A x: its rows in fixed pieces (each entry of y is
// one row's dot product, whoever computes it). Aᵀ x and Aᵀ A x: the np pieces
// the single-threaded kernels run in order, each into its own vector, then
// their sum on the calling thread, each column summed in the kernels' order.
// linalg's spmm (the final Rayleigh-Ritz product): its rows in fixed pieces,
// each row as the single call computes it; linalg's transposed gemv
// (Gram-Schmidt's update of w): column chunks of a multiple of the SIMD width.
// The pieces of lanczos-pool.ts (Gram-Schmidt's coefficients, CholeskyQR's
// Gram, the transpose, the scan of A's values) run as csrTask pieces here and
// as the same calls in order on a single-thread instance. So every product
// has the same bits for any thread count, one included.
import type { LanczosKernels } from "./kernels/csr-vector.js";
import type { WasmInstance } from "./runtime.js";

/** The export a module needs for withParallelCsr (assembly/csr-vector.ts). */
export interface CsrTaskExports {
  csrTask(job: number, t: number, scratch: number): void;
}

/** Bytes of a job (twelve i32, then alpha and beta as f64 for gemv; read by csrTask). */
const CSR_JOB_BYTES = 64;
/**
 * Below this many multiply-adds a gemv, or the pieces of Gram-Schmidt's
 * coefficients or of a Gram, stay on one thread (the same calls either way).
 * With futex sleeps between jobs a job cost the caller 15-35 us of wake-up and
 * join on the 2-core VM, and Gram-Schmidt's pass over SpamAssassin's and SOTU's
 * bases was slower on two threads at every size; since the pool's threads
 * watch for the next job after a short one (pool-worker.ts, SPIN_MS), 2^16
 * measured best of 2^15, 2^16 and 2^18 for truncatedSvd on both (2026-12-07).
 */
const PARALLEL_GEMV_MIN = 1 << 16, PARALLEL_PIECES_MIN = 1 << 16;
/** Work per gemv task (multiply-adds), and the transposed product's columns per task: a multiple of 4 (the SIMD lanes of axpy). */
const GEMV_TASK = 1 << 16, GEMV_COLS_STEP = 64;
/** Pieces of the scan of A's values on the pool. */
const RANGE_PIECES = 8;
/** Below this many nonzeros waking the workers costs more than the product. */
export const PARALLEL_CSR_MIN = 1 << 15;
/** Row pieces of a parallel A x (any count gives the same bits): about 8192 nonzeros each, at most 64. */
const GATHER_NNZ = 8192, GATHER_MAX = 64;

/** Piece counts of a scattering product: each splits evenly over 2 and 3 threads (12 over 4 as well). */
const SCATTER_COUNTS = [12, 6, 4, 3, 2, 1];

/**
 * Pieces of a scattering product (Aᵀ x, Aᵀ A x) of a rows x cols matrix with
 * nnz nonzeros: the largest of 12, 6, 4, 3, 2, 1 at most nnz / (8 cols) (and
 * rows), so the sum of the partial vectors (np cols additions) stays a small
 * share of the product and the pieces split evenly over 2 or 3 threads. A
 * property of the matrix, never of the thread count. O(1).
 */
export function csrPieces(rows: number, cols: number, nnz: number): number {
  const most = Math.min(rows, Math.floor(nnz / (8 * Math.max(cols, 1))));
  return SCATTER_COUNTS.find((c) => c <= most) ?? 1;
}

const wrapped = new WeakMap<object, LanczosKernels>();

/**
 * `k` with its CSR products (and gemv, spmm) split over the pool when
 * `instance` is threaded, plus the pieces lanczos-pool.ts asks for
 * (csrTranspose, valueRange, gemvPieces, gramPieces: on the pool, or in order
 * on this thread, through csrTask on either kind of instance). The module must
 * export csrTask, and declare it among its thread tasks when threaded. Cached
 * per instance; takes three small permanent blocks (call at bind time).
 */
export function withParallelCsr<K extends LanczosKernels>(k: K, instance: WasmInstance<CsrTaskExports>, at: (v: Float64Array | Int32Array) => number): K {
  const have = wrapped.get(instance);
  if (have) return have as K;
  const job = instance.arena.permanent(CSR_JOB_BYTES); // at bind time, with the arena empty
  const write = (mode: number, rows: number, cols: number, np: number, ptrs: (Float64Array | Int32Array)[]) => {
    const v = new Int32Array(instance.memory.buffer, job, 12);
    v.set([mode, rows, cols, np, cols]);
    for (let i = 0; i < 6; i++) v[5 + i] = at(ptrs[i]);
  };
  const { gemv, gemm } = k;
  // While a job's meanwhile runs, `inside` keeps the kernels it calls off the pool (a nested job would replace the
  // running one) and so off `job` (the running pieces read it).
  let inside = false;
  const pool = () => (inside ? null : instance.tasks);
  /** `fn` as a job's meanwhile: what it calls stays off the pool and off `job`. */
  const beside = (fn?: () => void) => () => {
    inside = true;
    try {
      fn?.();
    } finally {
      inside = false;
    }
  };
  // The transpose's three steps (counts, positions, fill) as csrTask runs them: on the pool in np pieces, or here in one;
  // `values` (filling data) runs beside the counts, which read only the structure.
  const csrTranspose: NonNullable<LanczosKernels["csrTranspose"]> = (rows, cols, np, indptr, indices, data, tIndptr, tIndices, tData, counts, values) => {
    const run = pool(), pooled = !!run && run.threads >= 2 && np >= 2 && indptr[rows] - indptr[0] >= PARALLEL_CSR_MIN;
    const pieces = pooled ? np : 1;
    if (!pooled) values?.();
    for (const mode of [7, 8, 9]) {
      write(mode, rows, cols, pieces, [indptr, indices, data, counts, tIndices, tData]);
      new Int32Array(instance.memory.buffer, job + 44, 1)[0] = at(tIndptr);
      if (pooled && mode !== 8) run!.run("csrTask", job, pieces, mode === 7 ? beside(values) : undefined);
      else instance.exports.csrTask(job, 0, 0);
    }
  };
  // The scan of A's values for their scale: on the pool in pieces, else in one; exact, so the same either way. Its own job record.
  const range = instance.arena.permanent(16 * RANGE_PIECES), rangeJob = instance.arena.permanent(CSR_JOB_BYTES);
  const valueRange = (n: number, x: Float64Array): [number, number] => {
    const run = pool(), pooled = !!run && run.threads >= 2 && n >= PARALLEL_CSR_MIN;
    const count = pooled ? RANGE_PIECES : 1, chunk = Math.ceil(n / count);
    new Int32Array(instance.memory.buffer, rangeJob, 12).set([12, n, 0, 0, chunk, 0, 0, at(x), 0, 0, range]);
    if (pooled) run!.run("csrTask", rangeJob, count);
    else instance.exports.csrTask(rangeJob, 0, 0);
    const r = new Float64Array(instance.memory.buffer, range, 2 * count);
    let hi = 0, lo = Infinity;
    for (let t = 0; t < count; t++) (hi = Math.max(hi, r[2 * t])), (lo = Math.min(lo, r[2 * t + 1]));
    return [hi, lo];
  };
  // Gram-Schmidt's coefficients by pieces of coordinates: on the pool, or the loop lanczos-pool.ts runs, the same gemv calls.
  const gemvPieces: NonNullable<LanczosKernels["gemvPieces"]> = (rows, cols, chunk, G, ldg, x, parts) => {
    const run = pool(), count = Math.ceil(cols / chunk);
    if (run && run.threads >= 2 && count >= 2 && rows * cols >= PARALLEL_PIECES_MIN) {
      const v = new Int32Array(instance.memory.buffer, job, 12);
      v.set([10, rows, cols, ldg, chunk, at(G), 0, 0, at(x), 0, at(parts)]);
      return run.run("csrTask", job, count);
    }
    for (let t = 0; t < count; t++) {
      const c0 = t * chunk;
      gemv(false, rows, Math.min(chunk, cols - c0), 1, G.subarray(c0), ldg, x.subarray(c0), 0, parts.subarray(t * rows, (t + 1) * rows));
    }
  };
  // CholeskyQR's Gram by row pieces, each one gemm: on the pool, or lanczos-pool.ts's loop.
  const gramPieces: NonNullable<LanczosKernels["gramPieces"]> = (rows, cols, chunk, W, parts) => {
    const run = pool(), count = Math.ceil(rows / chunk);
    if (run && run.threads >= 2 && count >= 2 && rows * cols * cols >= PARALLEL_PIECES_MIN) {
      const v = new Int32Array(instance.memory.buffer, job, 12);
      v.set([11, rows, cols, 0, chunk, at(W), 0, 0, 0, 0, at(parts)]);
      return run.run("csrTask", job, count);
    }
    for (let t = 0; t < count; t++) {
      const Wt = W.subarray(t * chunk * cols);
      gemm(true, false, cols, cols, Math.min(chunk, rows - t * chunk), 1, Wt, cols, Wt, cols, 0, parts.subarray(t * cols * cols, (t + 1) * cols * cols), cols);
    }
  };
  if (!instance.threaded) {
    const single: K = { ...k, csrTranspose, valueRange, gemvPieces, gramPieces };
    wrapped.set(instance, single);
    return single;
  }
  const { csrMatvec, csrMatvecT, csrGramMatvec, spmm } = k;
  const scatter = (
    mode: 1 | 2, rows: number, cols: number, np: number, indptr: Int32Array, indices: Int32Array, data: Float64Array, x: Float64Array, y: Float64Array, parts: Float64Array,
    meanwhile?: () => void,
  ): boolean => {
    const run = pool();
    if (!run || run.threads < 2 || np < 2 || indptr[rows] - indptr[0] < PARALLEL_CSR_MIN) return false;
    write(mode, rows, cols, np, [indptr, indices, data, x, y, parts]);
    run.run("csrTask", job, np, meanwhile && beside(meanwhile));
    // The sum (np cols additions) on this thread: cheaper than waking the workers again; the same code, so the same bits.
    new Int32Array(instance.memory.buffer, job, 5).set([3, rows, cols, np, cols]);
    instance.exports.csrTask(job, 0, 0);
    return true;
  };
  const out: K = {
    ...k,
    // Gram-Schmidt's products with the basis: rows of G x, or column chunks of Gᵀ x, each entry as one call computes it.
    gemv(trans, m, n, alpha, A, lda, x, beta, y) {
      const run = pool();
      if (!run || run.threads < 2 || m * n < PARALLEL_GEMV_MIN) return gemv(trans, m, n, alpha, A, lda, x, beta, y);
      const pieces = Math.ceil((m * n) / GEMV_TASK);
      const chunk = trans
        ? Math.ceil(n / pieces / GEMV_COLS_STEP) * GEMV_COLS_STEP
        : Math.ceil(m / Math.min(m, pieces));
      const ntasks = Math.ceil((trans ? n : m) / chunk);
      if (ntasks < 2) return gemv(trans, m, n, alpha, A, lda, x, beta, y);
      const v = new Int32Array(instance.memory.buffer, job, 12);
      v.set([trans ? 6 : 5, m, n, lda, chunk, at(A), 0, 0, at(x), at(y), 0]);
      new Float64Array(instance.memory.buffer, job + 48, 2).set([alpha, beta]);
      run.run("csrTask", job, ntasks);
    },
    csrTranspose,
    valueRange,
    gemvPieces,
    gramPieces,
    csrMatvec(rows, indptr, indices, data, x, y) {
      const run = pool(), nnz = indptr[rows] - indptr[0];
      const pieces = Math.min(GATHER_MAX, rows, Math.ceil(nnz / GATHER_NNZ));
      if (!run || run.threads < 2 || pieces < 2 || nnz < PARALLEL_CSR_MIN) return csrMatvec(rows, indptr, indices, data, x, y);
      write(0, rows, 0, pieces, [indptr, indices, data, x, y, y]);
      run.run("csrTask", job, pieces);
    },
    spmm(rows, kk, indptr, indices, data, B, C) {
      const run = pool(), nnz = indptr[rows] - indptr[0];
      const pieces = Math.min(GATHER_MAX, rows, Math.ceil((nnz * kk) / (GATHER_NNZ * 4)));
      if (!run || run.threads < 2 || pieces < 2 || nnz * kk < PARALLEL_CSR_MIN * 4) return spmm(rows, kk, indptr, indices, data, B, C);
      write(4, rows, kk, pieces, [indptr, indices, data, B, C, C]);
      run.run("csrTask", job, pieces);
    },
    csrMatvecT(rows, cols, np, indptr, indices, data, x, y, parts) {
      if (!scatter(1, rows, cols, np, indptr, indices, data, x, y, parts)) csrMatvecT(rows, cols, np, indptr, indices, data, x, y, parts);
    },
    csrGramMatvec(rows, cols, np, indptr, indices, data, x, y, parts) {
      if (!scatter(2, rows, cols, np, indptr, indices, data, x, y, parts)) csrGramMatvec(rows, cols, np, indptr, indices, data, x, y, parts);
    },
    // The Lanczos run's small eigenproblem beside the next product (lanczos-gram.ts).
    csrGramMatvecWith(rows, cols, np, indptr, indices, data, x, y, parts, meanwhile) {
      if (scatter(2, rows, cols, np, indptr, indices, data, x, y, parts, meanwhile)) return;
      meanwhile();
      csrGramMatvec(rows, cols, np, indptr, indices, data, x, y, parts);
    },
  };
  wrapped.set(instance, out);
  return out;
}
