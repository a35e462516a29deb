// Passes over a tall A in row blocks: the wasm backend copies each block into
// its memory (A is never copied whole, and the kernels read it from cache),
// and the R factor of A streamed block by block.
import { JsWorkspace, qrBlockedWorkSize, type DenseMatrix, type Workspace } from "@lowrank/linalg";
import type { SensitivityKernels } from "./kernels/index.js";

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
  /** True when the block goes to linalg's blocked QR (wasm, d > STACK_QR_MAX_D). */
  blocked: boolean;
}

function usesBlocked(K: SensitivityKernels, d: number): boolean {
  return K.backend === "wasm" && d > STACK_QR_MAX_D;
}

/** Takes the scratch of {@link streamedR} for d columns from `ws` ({@link streamedRSize}(d) doubles at most). */
export function streamScratch(ws: Workspace<SensitivityKernels>, d: number): StreamScratch {
  const blocked = usesBlocked(ws.kernels, d);
  return {
    buf: ws.f64((STREAM_ROWS + d) * d),
    tau: ws.f64(d),
    work: ws.f64(blocked ? qrBlockedWorkSize(STREAM_ROWS + d, d) : 2 * d),
    blocked,
  };
}

/**
 * R (d x d, upper triangular, zero below) with AᵀA = RᵀR, streamed over row
 * blocks of 2048 rows. Each block is copied into `buf` (into WASM memory on
 * wasm) and folded into the R so far by `stackQrR`, the structured
 * Householder QR of [R; block] that skips R's zeros and reads each 128-row
 * piece of the block from L1 once per column; on wasm for d > STACK_QR_MAX_D
 * the block is instead stacked under R ([R; block], d extra rows) and reduced
 * by linalg's blocked (compact-WY, GEMM-based) Householder QR, faster there.
 * A is read once and never copied whole. O(2nd²).
 */
export function streamedR(K: SensitivityKernels, A: DenseMatrix, R: Float64Array, sc: StreamScratch): void {
  for (const _ of streamedRSteps(K, A, R, sc));
}

/** {@link streamedR} as a generator that yields after every block. */
export function* streamedRSteps(K: SensitivityKernels, A: DenseMatrix, R: Float64Array, sc: StreamScratch): Generator<void, void, void> {
  const d = A.cols;
  const { buf, tau, work, blocked } = sc;
  R.fill(0, 0, d * d);
  let first = true;
  for (const [rows, , c] of rowBlocks(new JsWorkspace(K), A, buf, 0)) {
    if (!blocked) {
      buf.set(rows);
      K.stackQrR(c, d, buf, d, R, work);
    } else {
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
    }
    yield;
  }
}

/** f64 entries {@link streamScratch} takes. */
export function streamedRSize(d: number): number {
  return (STREAM_ROWS + d) * d + Math.max(qrBlockedWorkSize(STREAM_ROWS + d, d), 2 * d) + d;
}
