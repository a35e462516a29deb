// Task kernels of the worker pool (docs/ARCHITECTURE.md, "Threads" and the
// @lowrank/sensitivity-sampling section): each runs piece `t` of a job whose
// arguments the TypeScript side wrote at `job` (src/threads.ts), the pieces a
// fixed partition of the rows that does not depend on the thread count, and
// nothing summed across pieces. Mirrored in src/kernels/tasks.ts.
import { rowNormsOfProduct } from "./rows";
import { stackQrR } from "./tallqr";
import { gramBand, lewisUpdate } from "./lewis-update";

/** Rows of A per task of the row-norm and Lewis passes (each row's result does not depend on its neighbours). */
export const ROW_TASK_ROWS: i32 = 1024;

export function rowTaskRows(): i32 {
  return ROW_TASK_ROWS;
}

/**
 * Task t of a rowNormsOfProduct job: rows [t ROW_TASK_ROWS, (t + 1) ROW_TASK_ROWS).
 * Job: i32 n, d, k, A, lda, B, ldb, upper, out (byte offsets for pointers).
 * Every row's sums run as in the single call, so the tasks give its bits.
 */
export function rowNormsTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4), k = load<i32>(job, 8);
  const A = <usize>load<u32>(job, 12), lda = load<i32>(job, 16);
  const B = <usize>load<u32>(job, 20), ldb = load<i32>(job, 24);
  const upper = load<i32>(job, 28) != 0, out = <usize>load<u32>(job, 32);
  const i0 = t * ROW_TASK_ROWS;
  if (i0 >= n) return;
  const a = A + ((<usize>i0 * <usize>lda) << 3);
  rowNormsOfProduct(min(ROW_TASK_ROWS, n - i0), d, k, a, lda, B, ldb, upper, out + (<usize>i0 << 3), scratch);
}

/** Piece t of stackQrPieces: rows [t rows, (t + 1) rows) of B folded into the t-th d x d triangle of Rs. */
@inline function stackQrPiece(n: i32, d: i32, B: usize, ldb: i32, rows: i32, Rs: usize, g: usize, t: i32): void {
  const i0 = t * rows;
  if (i0 >= n) return;
  const r = Rs + ((<usize>t * <usize>d * <usize>d) << 3);
  stackQrR(min(rows, n - i0), d, B + ((<usize>i0 * <usize>ldb) << 3), ldb, r, g);
}

/**
 * The R factors of consecutive pieces of `rows` rows of B (n x d, leading
 * dimension ldb, overwritten): piece t updates the upper triangular R_t, the
 * t-th d x d block of Rs, by stackQrR. The pieces are independent, so they
 * run in any order on any thread with the same bits. g: 2d doubles. O(2nd²).
 */
export function stackQrPieces(n: i32, d: i32, B: usize, ldb: i32, rows: i32, Rs: usize, g: usize): void {
  for (let t = 0; t * rows < n; t++) stackQrPiece(n, d, B, ldb, rows, Rs, g, t);
}

/** Task t of a stackQrPieces job (i32 n, d, B, ldb, rows, Rs); scratch holds g (2d doubles). */
export function stackQrTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4);
  const B = <usize>load<u32>(job, 8), ldb = load<i32>(job, 12);
  const rows = load<i32>(job, 16), Rs = <usize>load<u32>(job, 20);
  stackQrPiece(n, d, B, ldb, rows, Rs, scratch, t);
}

/**
 * Task t of a lewisUpdate job: lewisUpdate on rows [t ROW_TASK_ROWS, (t + 1)
 * ROW_TASK_ROWS), its max |Δ lw_i| stored at changes[t] (the caller takes the
 * max over the tasks: a max does not depend on the order). Job: i32 n, d, A,
 * lda, U, lw, v, changes, then f64 p and alpha at bytes 32 and 40; scratch
 * holds z (2d doubles).
 */
export function lewisTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4);
  const A = <usize>load<u32>(job, 8), lda = load<i32>(job, 12), U = <usize>load<u32>(job, 16);
  const lw = <usize>load<u32>(job, 20), v = <usize>load<u32>(job, 24), changes = <usize>load<u32>(job, 28);
  const p = load<f64>(job, 32), alpha = load<f64>(job, 40);
  const i0 = t * ROW_TASK_ROWS;
  if (i0 >= n) return;
  const o = <usize>i0 << 3;
  const ch = lewisUpdate(min(ROW_TASK_ROWS, n - i0), d, A + <usize>i0 * (<usize>lda << 3), lda, U, p, alpha, lw + o, v + o, scratch);
  store<f64>(changes + (<usize>t << 3), ch);
}

/** Column groups of a countSketch job for d columns: one per 8 columns, 1 to 8 (a function of d alone). */
export function sketchGroups(d: i32): i32 {
  return min(8, max(1, d >> 3));
}

/**
 * Task t of an unweighted countSketch job: columns [⌊t d / G⌋, ⌊(t + 1) d / G⌋)
 * of every row (G = sketchGroups(d)), scattered in row order as countSketch
 * does (y + s x with s = ±1, exact as y ± x), so each entry of SA gets the
 * single call's sums. Job: i32 n, d, A, lda, u, m, SA.
 */
export function countSketchTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4);
  const A = <usize>load<u32>(job, 8), lda = load<i32>(job, 12), u = <usize>load<u32>(job, 16);
  const m = load<i32>(job, 20), SA = <usize>load<u32>(job, 24);
  const G = sketchGroups(d);
  if (t >= G) return;
  const c0 = <i32>((<i64>t * d) / G), c1 = <i32>((<i64>(t + 1) * d) / G);
  if (c0 >= c1) return;
  const m2 = <f64>(2 * m);
  const rowA = <usize>lda << 3, rowS = <usize>d << 3, off = <usize>c0 << 3, w = c1 - c0;
  for (let i = 0; i < n; i++) {
    let code = <i32>Math.floor(load<f64>(u + (<usize>i << 3)) * m2);
    if (code >= 2 * m) code = 2 * m - 1;
    const x = A + <usize>i * rowA + off, y = SA + <usize>(code >> 1) * rowS + off;
    if ((code & 1) != 0) {
      for (let c = 0; c < w; c++) store<f64>(y + (<usize>c << 3), load<f64>(y + (<usize>c << 3)) - load<f64>(x + (<usize>c << 3)));
    } else {
      for (let c = 0; c < w; c++) store<f64>(y + (<usize>c << 3), load<f64>(y + (<usize>c << 3)) + load<f64>(x + (<usize>c << 3)));
    }
  }
}

/** Bands of rows of a weightedGram job for d columns: one per 8 columns, 1 to 4 (a function of d alone). */
export function gramGroups(d: i32): i32 {
  return min(4, max(1, d >> 3));
}

/** First row of band g of gramGroups(d): ⌊d √(g / G)⌋, so the bands hold about equal parts of the triangle. */
export function gramBandStart(d: i32, g: i32): i32 {
  const G = gramGroups(d);
  if (g <= 0) return 0;
  if (g >= G) return d;
  return <i32>Math.floor(<f64>d * Math.sqrt(<f64>g / <f64>G));
}

/**
 * Task t of a weightedGram job: band t of G's lower triangle (rows
 * gramBandStart(d, t) to gramBandStart(d, t + 1)), over all rows of A, on a
 * G the caller zeroed and mirrors afterwards. Job: i32 n, d, A, lda, v, G.
 */
export function weightedGramTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4);
  const A = <usize>load<u32>(job, 8), lda = load<i32>(job, 12), v = <usize>load<u32>(job, 16), G = <usize>load<u32>(job, 20);
  const j0 = gramBandStart(d, t), j1 = gramBandStart(d, t + 1);
  if (j0 >= j1) return;
  gramBand(n, j0, j1, d, A, lda, v, G);
}

/** Lanes of the streamed R (src/stream.ts QR_LANES) and rows per block (STREAM_ROWS). */
const LANES: i32 = 8;
const BLOCK_ROWS: i32 = 2048;
/** Rows copied at a time by stackQrLane (stackQrR's own chunk, so the chunks give its bits). */
const LANE_CHUNK: i32 = 128;

/**
 * Lane l of the streamed R on an A held whole (n x d, leading dimension lda,
 * not modified): the blocks of BLOCK_ROWS rows whose index is l mod LANES,
 * from row `from` (a multiple of BLOCK_ROWS: the lane goes on where an
 * earlier call on rows below `from` stopped), folded into R_l (the l-th
 * d x d block of Rs) by stackQrR, LANE_CHUNK rows at a time copied into work
 * (LANE_CHUNK d + 2d doubles). stackQrR takes its rows LANE_CHUNK at a time,
 * so this is the R_l that stackQrPieces gives on the copied blocks.
 */
@inline function stackQrLane(n: i32, d: i32, A: usize, lda: i32, from: i32, Rs: usize, work: usize, l: i32): void {
  const R = Rs + ((<usize>l * <usize>d * <usize>d) << 3);
  const g = work + ((<usize>LANE_CHUNK * <usize>d) << 3);
  const rowA = <usize>lda << 3, rowW = <usize>d << 3;
  const first = from / BLOCK_ROWS;
  for (let b = (first + (((l - first) % LANES) + LANES) % LANES) * BLOCK_ROWS; b < n; b += LANES * BLOCK_ROWS) {
    const e = min(n, b + BLOCK_ROWS);
    for (let s = b; s < e; s += LANE_CHUNK) {
      const c = min(LANE_CHUNK, e - s);
      for (let i = 0; i < c; i++) memory.copy(work + <usize>i * rowW, A + <usize>(s + i) * rowA, rowW);
      stackQrR(c, d, work, d, R, g);
    }
  }
}

/** Every lane of the streamed R of rows from..n-1 of a whole A, in lane order (stackQrLane). O(2(n - from)d²). */
export function stackQrLanes(n: i32, d: i32, A: usize, lda: i32, from: i32, Rs: usize, work: usize): void {
  for (let l = 0; l < LANES; l++) stackQrLane(n, d, A, lda, from, Rs, work, l);
}

/** Task t of a stackQrLanes job (i32 n, d, A, lda, Rs, from): lane t, with the thread's scratch as work. */
export function stackQrLaneTask(job: usize, t: i32, scratch: usize): void {
  const n = load<i32>(job), d = load<i32>(job, 4);
  const A = <usize>load<u32>(job, 8), lda = load<i32>(job, 12), Rs = <usize>load<u32>(job, 16), from = load<i32>(job, 20);
  if (t >= LANES) return;
  stackQrLane(n, d, A, lda, from, Rs, scratch, t);
}
