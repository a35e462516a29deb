// The TypeScript twin of assembly/tasks.ts: the pieces the worker pool runs
// (docs/ARCHITECTURE.md, "Threads"). A task twin takes its job as an object
// instead of a block of WASM memory.
import { gramBand, lewisUpdate } from "./lewis-update.js";
import { rowNormsOfProduct } from "./rows.js";
import { stackQrR } from "./tallqr.js";

/** Rows of A per task of the row-norm and Lewis passes (assembly/tasks.ts ROW_TASK_ROWS). */
export const ROW_TASK_ROWS = 1024;

/** ROW_TASK_ROWS. O(1). */
export function rowTaskRows(): number {
  return ROW_TASK_ROWS;
}

/** The arguments of one rowNormsOfProduct call, as the WASM job block holds them. */
export interface RowNormsJob {
  n: number; d: number; k: number; A: Float64Array; lda: number; B: Float64Array; ldb: number; upper: boolean; out: Float64Array;
}

/** Task t of the job: rowNormsOfProduct on rows [t ROW_TASK_ROWS, (t + 1) ROW_TASK_ROWS). O(ROW_TASK_ROWS d k). */
export function rowNormsTask(job: RowNormsJob, t: number, z: Float64Array): void {
  const { n, d, k, A, lda, B, ldb, upper, out } = job;
  const i0 = t * ROW_TASK_ROWS;
  if (i0 >= n) return;
  rowNormsOfProduct(Math.min(ROW_TASK_ROWS, n - i0), d, k, A.subarray(i0 * lda), lda, B, ldb, upper, out.subarray(i0), z);
}

function stackQrPiece(n: number, d: number, B: Float64Array, ldb: number, rows: number, Rs: Float64Array, g: Float64Array, t: number): void {
  const i0 = t * rows;
  if (i0 >= n) return;
  stackQrR(Math.min(rows, n - i0), d, B.subarray(i0 * ldb), ldb, Rs.subarray(t * d * d, (t + 1) * d * d), g);
}

/**
 * Piece t (rows [t rows, (t + 1) rows) of B, n x d, overwritten) folded into
 * the upper triangular R_t, the t-th d x d block of Rs, by stackQrR, for every
 * piece. g: 2d doubles. O(2nd²).
 */
export function stackQrPieces(n: number, d: number, B: Float64Array, ldb: number, rows: number, Rs: Float64Array, g: Float64Array): void {
  for (let t = 0; t * rows < n; t++) stackQrPiece(n, d, B, ldb, rows, Rs, g, t);
}

/** The arguments of one stackQrPieces call, as the WASM job block holds them. */
export interface StackQrJob {
  n: number; d: number; B: Float64Array; ldb: number; rows: number; Rs: Float64Array;
}

/** Task t of the job: piece t of stackQrPieces. g: 2d doubles. O(2 rows d²). */
export function stackQrTask(job: StackQrJob, t: number, g: Float64Array): void {
  const { n, d, B, ldb, rows, Rs } = job;
  stackQrPiece(n, d, B, ldb, rows, Rs, g, t);
}

/** The arguments of one lewisUpdate call and the tasks' maxima, as the WASM job block holds them. */
export interface LewisJob {
  n: number; d: number; A: Float64Array; lda: number; U: Float64Array; p: number; alpha: number;
  lw: Float64Array; v: Float64Array; changes: Float64Array;
}

/** Task t of the job: lewisUpdate on rows [t ROW_TASK_ROWS, (t + 1) ROW_TASK_ROWS), its max |Δ lw_i| in changes[t]. z: 2d doubles. */
export function lewisTask(job: LewisJob, t: number, z: Float64Array): void {
  const { n, d, A, lda, U, p, alpha, lw, v, changes } = job;
  const i0 = t * ROW_TASK_ROWS;
  if (i0 >= n) return;
  changes[t] = lewisUpdate(Math.min(ROW_TASK_ROWS, n - i0), d, A.subarray(i0 * lda), lda, U, p, alpha, lw.subarray(i0), v.subarray(i0), z);
}

/** Column groups of a countSketch job for d columns: one per 8 columns, 1 to 8. O(1). */
export function sketchGroups(d: number): number {
  return Math.min(8, Math.max(1, d >> 3));
}

/** The arguments of one unweighted countSketch call, as the WASM job block holds them. */
export interface CountSketchJob {
  n: number; d: number; A: Float64Array; lda: number; u: Float64Array; m: number; SA: Float64Array;
}

/** Task t of the job: columns [⌊t d / G⌋, ⌊(t + 1) d / G⌋) of every row scattered as countSketch does (y ± x). O(n d / G). */
export function countSketchTask(job: CountSketchJob, t: number): void {
  const { n, d, A, lda, u, m, SA } = job;
  const G = sketchGroups(d);
  if (t >= G) return;
  const c0 = Math.floor((t * d) / G), c1 = Math.floor(((t + 1) * d) / G);
  for (let i = 0; i < n; i++) {
    const code = Math.min(Math.floor(u[i] * 2 * m), 2 * m - 1);
    const x = i * lda, y = (code >> 1) * d;
    if (code & 1) for (let c = c0; c < c1; c++) SA[y + c] = SA[y + c] - A[x + c];
    else for (let c = c0; c < c1; c++) SA[y + c] = SA[y + c] + A[x + c];
  }
}

/** Bands of rows of a weightedGram job for d columns: one per 8 columns, 1 to 4. O(1). */
export function gramGroups(d: number): number {
  return Math.min(4, Math.max(1, d >> 3));
}

/** First row of band g: ⌊d √(g / G)⌋ (0 and d at the ends). O(1). */
export function gramBandStart(d: number, g: number): number {
  const G = gramGroups(d);
  if (g <= 0) return 0;
  if (g >= G) return d;
  return Math.floor(d * Math.sqrt(g / G));
}

/** The arguments of one weightedGram call, as the WASM job block holds them. */
export interface GramJob {
  n: number; d: number; A: Float64Array; lda: number; v: Float64Array; G: Float64Array;
}

/** Task t of the job: band t of G's lower triangle over all rows of A (G zeroed and mirrored by the caller). O(n d² / G). */
export function weightedGramTask(job: GramJob, t: number): void {
  const { n, d, A, lda, v, G } = job;
  const j0 = gramBandStart(d, t), j1 = gramBandStart(d, t + 1);
  if (j0 >= j1) return;
  gramBand(n, j0, j1, d, A, lda, v, G);
}

/** Lanes of the streamed R, rows per block, rows copied at a time (assembly/tasks.ts LANES, BLOCK_ROWS, LANE_CHUNK). */
const LANES = 8, BLOCK_ROWS = 2048, LANE_CHUNK = 128;

function stackQrLane(n: number, d: number, A: Float64Array, lda: number, from: number, Rs: Float64Array, work: Float64Array, l: number): void {
  const R = Rs.subarray(l * d * d, (l + 1) * d * d), g = work.subarray(LANE_CHUNK * d);
  const first = Math.trunc(from / BLOCK_ROWS);
  for (let b = (first + ((((l - first) % LANES) + LANES) % LANES)) * BLOCK_ROWS; b < n; b += LANES * BLOCK_ROWS) {
    const e = Math.min(n, b + BLOCK_ROWS);
    for (let s = b; s < e; s += LANE_CHUNK) {
      const c = Math.min(LANE_CHUNK, e - s);
      for (let i = 0; i < c; i++) work.set(A.subarray((s + i) * lda, (s + i) * lda + d), i * d);
      stackQrR(c, d, work, d, R, g);
    }
  }
}

/**
 * Every lane of the streamed R of rows from..n-1 of a whole A (n x d, not
 * modified; `from` a multiple of 2048): lane l folds the blocks of 2048 rows
 * whose index is l mod 8 into R_l (the l-th d x d block of Rs), going on
 * from where a call on the rows below `from` stopped, by stackQrR, 128 rows
 * at a time copied into work (128 d + 2d doubles). O(2(n - from)d²).
 */
export function stackQrLanes(n: number, d: number, A: Float64Array, lda: number, from: number, Rs: Float64Array, work: Float64Array): void {
  for (let l = 0; l < LANES; l++) stackQrLane(n, d, A, lda, from, Rs, work, l);
}

/** The arguments of one stackQrLanes call, as the WASM job block holds them. */
export interface LanesJob {
  n: number; d: number; A: Float64Array; lda: number; Rs: Float64Array; from: number;
}

/** Task t of the job: lane t of stackQrLanes. work: 128 d + 2d doubles. O(2nd²/8). */
export function stackQrLaneTask(job: LanesJob, t: number, work: Float64Array): void {
  if (t >= LANES) return;
  stackQrLane(job.n, job.d, job.A, job.lda, job.from, job.Rs, work, t);
}
