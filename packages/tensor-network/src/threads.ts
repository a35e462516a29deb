// The tensor kernels on the worker pool (docs/ARCHITECTURE.md, "Threads" and
// the tensor-network section). On a threaded instance, during a run that has
// threads, the GEMMs of a mode product, an unfolding Gram, an MTTKRP and a
// plain gemm are written as one batch job and split by the task kernel
// gemmBatchTask (assembly/mode-product.ts) into fixed tiles; each entry goes
// through the single-threaded kernel's operations, so the results have the
// same bits for any thread count, one included.
import type { WasmInstance } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { EIG_BATCH_JOB_BYTES, GEMM_BATCH_JOB_BYTES, gramTasks } from "./kernels/mode-product.js";
import { SCAN_PIECE } from "./kernels/scan.js";

import type { TensorExports } from "./wasm.js";

/** Byte offset of the eigenproblem's fields in the job block, and of the QL's result among them. */
const EIG_FIELDS = GEMM_BATCH_JOB_BYTES, EIG_RESULT = 128;

/** Below this many multiply-adds waking the workers costs more than it saves (linalg's threshold for gemm). */
export const PARALLEL_MIN = 1 << 21;

/** Rows of a tile at most (GEMM's MC: a tile this tall packs each B panel once per MC rows, as the whole call). */
const MAX_ROWS = 128;
/** Columns of a tile at most. */
const MAX_COLS = 256;
/** Rows a tile keeps when split further for more tasks: below this the repacked B panels cost more than the balance gains (measured on a 200 x 200 Gram with k = 40000). */
const MIN_SPLIT_ROWS = 48;

const up4 = (x: number) => Math.ceil(x / 4) * 4;

/**
 * The tiles of a batch job's C (m x n), a function of the shape alone (the
 * same partition for any thread count): rows in balanced blocks of at most
 * 128 and columns of at most 256 (multiples of 4, GEMM's register tile); then,
 * while the job has fewer than 4 tasks, rows split further down to about 48;
 * and while it has fewer than 2, columns split (a single short, wide C). Tall
 * tiles keep GEMM's panel reuse: a 32-row tile of a Gram with k = 40000 ran
 * at half the speed of the whole call, a 52-row one within 10%. O(1).
 */
export function batchTiles(m: number, n: number, batch: number, reduce: boolean): { tileRows: number; tileCols: number; tasks: number } {
  const times = reduce ? 1 : batch;
  let rb = Math.ceil(m / MAX_ROWS), cb = Math.ceil(n / MAX_COLS);
  while (rb * cb * times < 4 && m / (rb + 1) >= MIN_SPLIT_ROWS) rb++;
  while (rb * cb * times < 2 && n / (cb + 1) >= 8) cb++;
  const tileRows = up4(Math.ceil(m / rb)), tileCols = up4(Math.ceil(n / cb));
  return { tileRows, tileCols, tasks: Math.ceil(m / tileRows) * Math.ceil(n / tileCols) * times };
}

/** One batch of GEMMs as gemmBatchTask reads it (see GemmBatchJob in kernels/mode-product.ts); pointers are byte offsets. */
interface BatchCall {
  tA: boolean; tB: boolean; m: number; n: number; k: number; alpha: number;
  A: number; lda: number; sA: number; B: number; ldb: number; sB: number;
  beta: number; C: number; ldc: number; sC: number; batch: number; reduce: boolean;
}

/** Writes the job gemmBatchTask reads (18 i32 fields, then alpha and beta as f64 at 72 and 80) at byte offset `job`. */
function writeBatchJob(memory: WebAssembly.Memory, job: number, c: BatchCall, tileRows: number, tileCols: number): void {
  new Int32Array(memory.buffer, job, 18).set([
    c.tA ? 1 : 0, c.tB ? 1 : 0, c.m, c.n, c.k, c.A, c.lda, c.sA, c.B, c.ldb, c.sB, c.C, c.ldc, c.sC, c.batch, c.reduce ? 1 : 0, tileRows, tileCols,
  ]);
  new Float64Array(memory.buffer, job + 72, 2).set([c.alpha, c.beta]);
}

/**
 * `k` with its mode products, unfolding Grams, MTTKRPs and gemm split over
 * the pool when `instance` is threaded and a run holds threads; `k` itself
 * otherwise. Each falls back to the serial kernel (the same bits) when the
 * run has one thread or the work is small.
 */
export function withTensorThreads(k: TensorKernels, instance: WasmInstance<TensorExports>, p: (v: Float64Array) => number): TensorKernels {
  if (!instance.threaded) return k;
  const job = instance.arena.permanent(EIG_BATCH_JOB_BYTES); // at bind time, with the arena empty (a batch job, or one beside an eigenproblem)
  /**
   * Runs the batch on the pool and returns true, or returns false when it should stay serial. With `eig`
   * (the fields of an eigenproblem, `extra` its multiply-adds), the job runs it as task 0 beside the batch's tiles.
   */
  const parallel = (c: BatchCall, eig: number[] | null = null, extra = 0): boolean => {
    const run = instance.tasks;
    if (!run || run.threads < 2 || c.m * c.n * Math.max(c.k, 1) * c.batch + extra < PARALLEL_MIN) return false;
    const { tileRows, tileCols, tasks } = batchTiles(c.m, c.n, c.batch, c.reduce);
    if (tasks < 2 && !eig) return false;
    writeBatchJob(instance.memory, job, c, tileRows, tileCols);
    if (!eig) run.run("gemmBatchTask", job, tasks);
    else {
      new Int32Array(instance.memory.buffer, job + EIG_FIELDS, eig.length + 1).set([...eig, 0]);
      run.run("eigBatchTask", job, tasks + 1);
    }
    return true;
  };
  const one = { sA: 0, sB: 0, sC: 0, batch: 1, reduce: false };
  /** The batch job of modeProduct(transM, left, n, right, J, X, M, ldm, out). */
  const product = (transM: boolean, left: number, n: number, right: number, J: number, X: Float64Array, M: Float64Array, ldm: number, out: Float64Array): BatchCall =>
    right === 1
      ? { tA: false, tB: !transM, m: left, n: J, k: n, alpha: 1, A: p(X), lda: n, B: p(M), ldb: ldm, beta: 0, C: p(out), ldc: J, ...one }
      : {
        tA: transM, tB: false, m: J, n: right, k: n, alpha: 1, A: p(M), lda: ldm, sA: 0, B: p(X), ldb: right, sB: n * right,
        beta: 0, C: p(out), ldc: right, sC: J * right, batch: left, reduce: false,
      };
  return {
    ...k,
    gemm(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc) {
      if (m <= 0 || n <= 0 || !parallel({ tA, tB, m, n, k: kk, alpha, A: p(A), lda, B: p(B), ldb, beta, C: p(C), ldc, ...one })) {
        k.gemm(tA, tB, m, n, kk, alpha, A, lda, B, ldb, beta, C, ldc);
      }
    },
    scanPieces(n, x, out) {
      // One task per piece (each piece's values as on one thread; the caller reduces them in piece order).
      const run = instance.tasks, pieces = Math.ceil(n / SCAN_PIECE);
      if (!run || run.threads < 2 || pieces < 4) return k.scanPieces(n, x, out);
      new Int32Array(instance.memory.buffer, job, 3).set([n, p(x), p(out)]);
      run.run("scanTask", job, pieces);
    },
    modeProduct(transM, left, n, right, J, X, M, ldm, out) {
      if (!parallel(product(transM, left, n, right, J, X, M, ldm, out))) k.modeProduct(transM, left, n, right, J, X, M, ldm, out);
    },
    tridiagonalEigBeside(n, G, d, e, tau, w, Z, ql, lw, maxIter, transM, left, m, right, J, X, M, ldm, out) {
      // One job: the eigenproblem (task 0, claimed first: the longest) beside the product's tiles; the same calls, the same bits.
      const eig = [n, p(G), p(d), p(e), p(tau), p(w), p(Z), p(ql), lw, maxIter];
      if (!parallel(product(transM, left, m, right, J, X, M, ldm, out), eig, 9 * n * n * n)) {
        return k.tridiagonalEigBeside(n, G, d, e, tau, w, Z, ql, lw, maxIter, transM, left, m, right, J, X, M, ldm, out);
      }
      return new Int32Array(instance.memory.buffer, job + EIG_RESULT, 1)[0];
    },
    unfoldingGram(left, n, right, X, G) {
      // The kernel's own tiling (the lower triangle's tiles, each mirrored), one task per tile: the same bits.
      const run = instance.tasks, tasks = gramTasks(n);
      if (!run || run.threads < 2 || tasks < 2 || n * n * left * right < PARALLEL_MIN) return k.unfoldingGram(left, n, right, X, G);
      new Int32Array(instance.memory.buffer, job, 5).set([left, n, right, p(X), p(G)]);
      run.run("gramTask", job, tasks);
    },
    mttkrp(left, n, right, R, X, KL, KR, out, scratch) {
      const nr = n * right;
      const c: BatchCall = left >= right
        ? { tA: true, tB: false, m: R, n: nr, k: left, alpha: 1, A: p(KL), lda: R, B: p(X), ldb: nr, beta: 0, C: p(scratch), ldc: nr, ...one }
        : { tA: false, tB: false, m: left * n, n: R, k: right, alpha: 1, A: p(X), lda: right, B: p(KR), ldb: R, beta: 0, C: p(scratch), ldc: R, ...one };
      if (parallel(c)) k.mttkrpFinish(left, n, right, R, KL, KR, out, scratch);
      else k.mttkrp(left, n, right, R, X, KL, KR, out, scratch);
    },
  };
}
