// Passes over a tall A in row blocks: the wasm backend copies each block into
// its memory (A is never copied whole, and the kernels read it from cache),
// and the R factor of A streamed block by block.
import { type DenseMatrix } from "@lowrank/linalg";
import { JsWorkspace, qrBlockedWorkSize, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { QR_LANES } from "./threads.js";

/** Rows per block of the chunked QR (`tallQrR`): with 21 columns a block is 25 KB, cache-resident (64 to 512 measured within 7%). */
export const QR_CHUNK = 128;

/** Rows per pass block: the wasm backend copies A into its memory this many rows at a time (about 800 KB at d = 50, L2-resident). */
export const STREAM_ROWS = 2048;

/**
 * Rows per block of the CountSketch pass: about 200 KB of A (at most
 * STREAM_ROWS), so that each block evicts little of a sketch SA that does not
 * fit in L2 (1e6 x 50, SA 4 MB: 512-row blocks 28-29.5 ms, 2048-row ones 31-32.5).
 */
export function sketchBlockRows(d: number): number {
  let rows = STREAM_ROWS;
  while (rows > 256 && rows * d * 8 > 204800) rows >>= 1;
  return rows;
}

/**
 * The consecutive blocks of at most `blockRows` (default STREAM_ROWS) rows of
 * A, as [rows, start, count]. On js the blocks are views of A; on wasm each
 * is copied into `buf` (blockRows · d doubles plus `offset` leading ones the
 * caller may use), so A is never copied into WASM memory whole and the
 * kernels read it from cache. A generator, so that a pass can pause between
 * blocks (the asynchronous entry points yield to the event loop there).
 */
export function* rowBlocks(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, buf: Float64Array, offset: number, blockRows = STREAM_ROWS,
): Generator<[rows: Float64Array, start: number, count: number], void, void> {
  const n = A.rows, d = A.cols;
  const direct = ws instanceof JsWorkspace;
  for (let start = 0; start < n; start += blockRows) {
    const c = Math.min(blockRows, n - start);
    const src = A.data.subarray(start * d, (start + c) * d);
    if (direct) yield [src, start, c];
    else {
      buf.set(src, offset);
      yield [buf.subarray(offset, offset + c * d), start, c];
    }
  }
}

/**
 * Widest A whose streamed R the wasm backend computes by the structured
 * stacked-QR kernel `stackQrR` instead of linalg's blocked Householder QR of
 * [R; block] (one 2058 x d block, relaxed-simd: 71 vs 164 µs at d = 10,
 * 429 vs 816 µs at d = 30, 1.16 vs 1.29 ms at d = 50; the blocked QR's GEMMs
 * should win beyond, untested). The js backend always uses `stackQrR`, its
 * fastest plain-TypeScript QR at every measured width (449 vs 574 µs for
 * `tallQrR` at d = 10).
 */
export const STACK_QR_MAX_D = 64;

/** Scratch of {@link streamedR} for d columns, taken once (for callers that stream many times). */
export interface StreamScratch {
  buf: Float64Array;
  tau: Float64Array;
  /** The blocked QR's work on wasm for d > STACK_QR_MAX_D; stackQrR's 2d doubles otherwise. */
  work: Float64Array;
  /** stackQrR's lanes: QR_LANES partial R factors (d x d each); empty on the blocked path. */
  lanes: Float64Array;
  /** True when the block goes to linalg's blocked QR (wasm, d > STACK_QR_MAX_D). */
  blocked: boolean;
}

function usesBlocked(K: SensitivityKernels, d: number): boolean {
  return K.backend === "wasm" && d > STACK_QR_MAX_D;
}

/** Rows of A a pass holds in WASM memory at once: QR_LANES blocks (a run with threads hands them all to the pool), at most n. */
export function passRows(n: number): number {
  return Math.max(1, Math.min(n, QR_LANES * STREAM_ROWS));
}

/** Takes the scratch of {@link streamedR} for an n x d A from `ws` ({@link streamedRSize}(d, n) doubles at most). */
export function streamScratch(ws: Workspace<SensitivityKernels>, d: number, n: number): StreamScratch {
  const blocked = usesBlocked(ws.kernels, d);
  return {
    buf: ws.f64(blocked ? (STREAM_ROWS + d) * d : passRows(n) * d),
    tau: ws.f64(d),
    work: ws.f64(blocked ? qrBlockedWorkSize(STREAM_ROWS + d, d) : 2 * d),
    lanes: ws.f64(blocked ? 0 : QR_LANES * d * d),
    blocked,
  };
}

/**
 * R (d x d, upper triangular, zero below) with AᵀA = RᵀR, streamed over row
 * blocks of 2048 rows, A read once and never copied whole. Block b is copied
 * into `buf` (into WASM memory on wasm) and folded by `stackQrR`, the
 * structured Householder QR of [R_l; block] that skips R_l's zeros and reads
 * each 128-row piece of the block from L1 once per column, into the partial
 * factor R_l of lane l = b mod QR_LANES; the lanes' factors are then folded
 * into R in lane order. The blocks of a lane and the lanes are taken in a
 * fixed order, so R is the same for any number of blocks per call: a run
 * with threads copies QR_LANES blocks at once and folds them on the pool
 * (`stackQrPieces`), one thread one block at a time, with the same bits. On
 * wasm for d > STACK_QR_MAX_D each block is instead stacked under R ([R;
 * block], d extra rows) and reduced by linalg's blocked (compact-WY,
 * GEMM-based) Householder QR, faster there, on one thread. O(2nd²).
 */
export function streamedR(K: SensitivityKernels, A: DenseMatrix, R: Float64Array, sc: StreamScratch): void {
  for (const _ of streamedRSteps(K, A, R, sc));
}

/** {@link streamedR} as a generator that yields after every call on a block (or QR_LANES blocks). */
export function* streamedRSteps(K: SensitivityKernels, A: DenseMatrix, R: Float64Array, sc: StreamScratch): Generator<void, void, void> {
  const d = A.cols;
  const { buf, tau, work, lanes, blocked } = sc;
  R.fill(0, 0, d * d);
  if (!blocked) {
    const dd = d * d;
    lanes.fill(0);
    const rows = K.streamBlocks() * STREAM_ROWS;
    for (const [block, start, c] of rowBlocks(new JsWorkspace(K), A, buf, 0, rows)) {
      buf.set(block);
      const lane = (start / STREAM_ROWS) % QR_LANES;
      K.stackQrPieces(c, d, buf, d, STREAM_ROWS, lanes.subarray(lane * dd, QR_LANES * dd), work);
      yield;
    }
    foldLanes(K, A.rows, d, R, lanes, work);
    return;
  }
  let first = true;
  for (const [rows, , c] of rowBlocks(new JsWorkspace(K), A, buf, 0)) {
    let m = c;
    if (first) buf.set(rows);
    else {
      buf.set(R);
      buf.set(rows, d * d);
      m = d + c;
    }
    first = false;
    K.householderQrBlocked(m, d, buf, d, tau, work);
    const k = Math.min(m, d);
    R.fill(0);
    for (let i = 0; i < k; i++) R.set(buf.subarray(i * d + i, i * d + d), i * d + i);
    yield;
  }
}

/** R from the lanes' factors: lane 0's, then each further lane that took rows stacked under it. g: 2d doubles. */
function foldLanes(K: SensitivityKernels, n: number, d: number, R: Float64Array, lanes: Float64Array, g: Float64Array): void {
  const dd = d * d;
  R.set(lanes.subarray(0, dd));
  const used = Math.min(QR_LANES, Math.ceil(n / STREAM_ROWS));
  for (let l = 1; l < used; l++) K.stackQrR(d, d, lanes.subarray(l * dd, (l + 1) * dd), d, R, g);
}

/**
 * {@link streamedR} of an n x d A copied whole into WASM memory (into `a`,
 * n d doubles), with the same bits: the lanes' factors by `stackQrLanes` (one
 * task per lane on the pool; no copies of blocks), then folded in lane order.
 * The first sixteenth of the rows (in whole blocks) is copied first; the
 * pool folds it while this thread copies the rest, then
 * the rest is folded (each lane goes on where it stopped, so the split changes
 * no bit). Needs the stackQrR path (not `sc.blocked`); sc.buf serves as the
 * lanes' 128-row work (n > 128).
 */
export function wholeR(K: SensitivityKernels, A: DenseMatrix, a: Float64Array, R: Float64Array, sc: StreamScratch): void {
  const n = A.rows, d = A.cols;
  // About 1/16 of A: the lanes of these rows take the pool about as long as this thread takes to copy the rest.
  const head = Math.min(n, Math.ceil(n / (16 * STREAM_ROWS)) * STREAM_ROWS);
  a.set(A.data.subarray(0, head * d));
  let copied = head === n;
  const rest = (): void => {
    a.set(A.data.subarray(head * d, n * d), head * d);
    copied = true;
  };
  sc.lanes.fill(0);
  K.stackQrLanes(head, d, a, d, 0, sc.lanes, sc.buf, copied ? undefined : rest);
  if (!copied) rest(); // a kernel set with no pool does not call `meanwhile`
  if (head < n) K.stackQrLanes(n, d, a, d, head, sc.lanes, sc.buf);
  foldLanes(K, n, d, R, sc.lanes, sc.work);
}

/** f64 entries {@link streamScratch} takes for an n x d A. */
export function streamedRSize(d: number, n: number): number {
  return Math.max((STREAM_ROWS + d) * d, passRows(n) * d) + Math.max(qrBlockedWorkSize(STREAM_ROWS + d, d), 2 * d) + d + QR_LANES * d * d;
}
