// TypeScript twin of assembly/gemm.ts: the same product in textbook loop
// order (no packing, so the blocking constants only size the WASM scratch).

import { micro, MR, NR } from "./gemm-micro.js";

/** Register tile rows and columns of the WASM micro-kernel (assembly/gemm-micro.ts). */
export { MR, NR };
/** Blocking of the WASM kernel: depth, rows of A, columns of B per packed block. */
export const KC = 256;
export const MC = 126;
export const NC = 516;
/** Doubles of packing scratch the WASM gemm needs: the packed A block plus the packed B panel. */
export const GEMM_WORK_F64 = MC * KC + KC * NC;

/** GEMM_WORK_F64 (the js kernel uses no scratch). O(1). */
export function gemmWorkSize(): number {
  return GEMM_WORK_F64;
}

/** C = alpha op(A) op(B) + beta C; op(A) m x k, op(B) k x n, all row-major. beta = 0 ignores C's contents. O(mnk). */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const c = i * ldc;
    for (let j = 0; j < n; j++) C[c + j] = beta === 0 ? 0 : beta * C[c + j];
  }
  if (k === 0 || alpha === 0) return;
  // i-p-j order keeps the innermost loop on contiguous rows of B and C (for untransposed B).
  for (let i = 0; i < m; i++) {
    const c = i * ldc;
    for (let p = 0; p < k; p++) {
      const a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);
      if (a === 0) continue;
      if (!transB) {
        const b = p * ldb;
        for (let j = 0; j < n; j++) C[c + j] += a * B[b + j];
      } else {
        for (let j = 0; j < n; j++) C[c + j] += a * B[j * ldb + p];
      }
    }
  }
}

/** Rows and columns of one block of C in the parallel GEMM's fixed grid (the WASM kernel's GEMM_TASK_ROWS / _COLS). */
export const GEMM_TASK_ROWS = 256;
export const GEMM_TASK_COLS = 256;
/** Bytes of the WASM gemm job block (the twin takes a `GemmJob` object instead). */
export const GEMM_JOB_BYTES = 64;

/** GEMM_TASK_ROWS. O(1). */
export function gemmTaskRows(): number {
  return GEMM_TASK_ROWS;
}

/** GEMM_TASK_COLS. O(1). */
export function gemmTaskCols(): number {
  return GEMM_TASK_COLS;
}

/** The arguments of one gemm call, as the WASM job block holds them. */
export interface GemmJob {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; A: Float64Array; lda: number; B: Float64Array; ldb: number;
  beta: number; C: Float64Array; ldc: number;
}

/**
 * Task t of the job: `gemm` on block (t / columnBlocks, t % columnBlocks) of
 * C's fixed grid with the whole k, so the tasks together give the single call's
 * result bit for bit, in any order. O(GEMM_TASK_ROWS GEMM_TASK_COLS k).
 */
export function gemmTask(job: GemmJob, t: number): void {
  const { transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc } = job;
  const cols = Math.ceil(n / GEMM_TASK_COLS);
  const i0 = Math.floor(t / cols) * GEMM_TASK_ROWS, j0 = (t % cols) * GEMM_TASK_COLS;
  if (i0 >= m) return;
  gemm(
    transA, transB, Math.min(GEMM_TASK_ROWS, m - i0), Math.min(GEMM_TASK_COLS, n - j0), k,
    alpha, A.subarray(transA ? i0 : i0 * lda), lda, B.subarray(transB ? j0 * ldb : j0), ldb,
    beta, C.subarray(i0 * ldc + j0), ldc,
  );
}

/** The packed job's pieces of C, and the span of one packing piece (assembly/gemm.ts). */
export const GEMM_PIECE_ROWS = 126;
export const GEMM_PIECE_COLS = 252;
export const GEMM_PACK_SPAN = 252;
/** Bytes of the WASM packed gemm job block (the twin takes a `PackedGemmJob` object instead). */
export const GEMM_PACKED_JOB_BYTES = 76;

/** x rounded up to a multiple of MR (rows of the packed op(A)), of NR (columns of the packed op(B)). */
const upMR = (x: number) => Math.ceil(x / MR) * MR;
const upNR = (x: number) => Math.ceil(x / NR) * NR;

/** GEMM_PIECE_ROWS. O(1). */
export function gemmPieceRows(): number {
  return GEMM_PIECE_ROWS;
}

/** GEMM_PIECE_COLS. O(1). */
export function gemmPieceCols(): number {
  return GEMM_PIECE_COLS;
}

/** Pieces of the packing job: per KC panel of k, the row spans of op(A) then the column spans of op(B). O(1). */
export function gemmPackTasks(m: number, n: number, k: number): number {
  return Math.ceil(k / KC) * (Math.ceil(m / GEMM_PACK_SPAN) + Math.ceil(n / GEMM_PACK_SPAN));
}

/** Doubles of the packed operands: k (upMR(m) + upNR(n)). O(1). */
export function gemmPackedSize(m: number, n: number, k: number): number {
  return k * (upMR(m) + upNR(n));
}

/** A packed gemm job: a gemm job plus the packed operands' arrays (layout in assembly/gemm.ts). */
export interface PackedGemmJob extends GemmJob {
  Ap: Float64Array;
  Bp: Float64Array;
  /** The piece task 0 computes (gemmComputeTask; default 0). */
  first?: number;
}

/**
 * Packs piece t of the job: a span of rows of alpha op(A) or of columns of
 * op(B) in one KC panel, into Ap / Bp in the WASM layout (MR-row / NR-column
 * strips, zero-padded), with the same products. O(GEMM_PACK_SPAN KC).
 */
export function gemmPackTask(job: PackedGemmJob, t: number): void {
  const { transA, transB, m, n, k, alpha, A, lda, B, ldb, Ap, Bp } = job;
  const spansA = Math.ceil(m / GEMM_PACK_SPAN), per = spansA + Math.ceil(n / GEMM_PACK_SPAN);
  const pc = Math.floor(t / per) * KC, r = t % per;
  if (pc >= k) return;
  const kc = Math.min(KC, k - pc);
  const a = r < spansA;
  const s0 = (a ? r : r - spansA) * GEMM_PACK_SPAN, len = Math.min(GEMM_PACK_SPAN, (a ? m : n) - s0);
  const W = a ? MR : NR, dst = a ? Ap : Bp, base = pc * (a ? upMR(m) : upNR(n)) + s0 * kc;
  for (let s = 0; s < (a ? upMR(len) : upNR(len)); s++) {
    const strip = base + (s - (s % W)) * kc + (s % W), i = s0 + s;
    for (let p = 0; p < kc; p++) {
      let v = 0;
      if (s < len) {
        if (a) v = alpha * (transA ? A[(pc + p) * lda + i] : A[i * lda + pc + p]);
        else v = transB ? B[i * ldb + pc + p] : B[(pc + p) * ldb + i];
      }
      dst[strip + p * W] = v;
    }
  }
}

/**
 * Piece p = first + t of the packed job's C (block p / columnPieces, p % columnPieces):
 * beta C, then per panel each MR x NR tile's sum over the panel, accumulated
 * from zero in k order and added to C, as the WASM micro-kernel does (so the
 * simd build's result is this one's bit for bit). O(GEMM_PIECE_ROWS GEMM_PIECE_COLS k).
 */
export function gemmComputeTask(job: PackedGemmJob, task: number): void {
  const { m, n, k, alpha, beta, C, ldc, Ap, Bp } = job;
  const t = task + (job.first ?? 0);
  const cols = Math.ceil(n / GEMM_PIECE_COLS);
  const i0 = Math.floor(t / cols) * GEMM_PIECE_ROWS, j0 = (t % cols) * GEMM_PIECE_COLS;
  if (i0 >= m) return;
  const mb = Math.min(GEMM_PIECE_ROWS, m - i0), nb = Math.min(GEMM_PIECE_COLS, n - j0);
  for (let i = 0; i < mb; i++) {
    const c = (i0 + i) * ldc + j0;
    if (beta !== 1) for (let j = 0; j < nb; j++) C[c + j] = beta === 0 ? 0 : beta * C[c + j];
  }
  if (k <= 0 || alpha === 0) return;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let jr = 0; jr < nb; jr += NR) {
      const b = pc * upNR(n) + (j0 + jr) * kc;
      for (let ir = 0; ir < mb; ir += MR) {
        const a = pc * upMR(m) + (i0 + ir) * kc;
        micro(kc, Ap, a, Bp, b, C, (i0 + ir) * ldc + j0 + jr, ldc, Math.min(MR, mb - ir), Math.min(NR, nb - jr));
      }
    }
  }
}
