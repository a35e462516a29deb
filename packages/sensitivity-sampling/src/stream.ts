// Passes over a tall A in row blocks: the wasm backend copies each block into
// its memory (A is never copied whole, and the kernels read it from cache),
// and the R factor of A streamed block by block.
import { JsWorkspace, qrBlockedWorkSize, type DenseMatrix, type Workspace } from "@lowrank/linalg";
import type { SensitivityKernels } from "./kernels.js";

/** Rows per block of the chunked QR (`tallQrR`): with 21 columns a block is 25 KB, cache-resident (64 to 512 measured within 7%). */
export const QR_CHUNK = 128;

/** Rows per pass block: the wasm backend copies A into its memory this many rows at a time (about 800 KB at d = 50, L2-resident). */
export const STREAM_ROWS = 2048;

/**
 * Calls fn on consecutive blocks of at most STREAM_ROWS rows of A. On js the
 * blocks are views of A; on wasm each is copied into `buf` (STREAM_ROWS · d
 * doubles plus `offset` leading ones the caller may use), so A is never
 * copied into WASM memory whole and the kernels read it from cache.
 */
export function forRowBlocks(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, buf: Float64Array, offset: number,
  fn: (rows: Float64Array, start: number, count: number) => void,
): void {
  const n = A.rows, d = A.cols;
  const direct = ws instanceof JsWorkspace;
  for (let start = 0; start < n; start += STREAM_ROWS) {
    const c = Math.min(STREAM_ROWS, n - start);
    const src = A.data.subarray(start * d, (start + c) * d);
    if (direct) fn(src, start, c);
    else {
      buf.set(src, offset);
      fn(buf.subarray(offset, offset + c * d), start, c);
    }
  }
}

/** Scratch of {@link streamedR} for d columns, taken once (for callers that stream many times). */
export interface StreamScratch {
  buf: Float64Array;
  tau: Float64Array;
  work: Float64Array;
  /** tallQrR's chunk buffer on js; null on wasm (blocked QR). */
  qbuf: Float64Array | null;
}

/** Takes the scratch of {@link streamedR} for d columns from `ws` ({@link streamedRSize}(d) doubles at most). */
export function streamScratch(ws: Workspace<SensitivityKernels>, d: number): StreamScratch {
  const blocked = ws.kernels.backend === "wasm";
  return {
    buf: ws.f64((STREAM_ROWS + d) * d),
    tau: ws.f64(d),
    work: ws.f64(blocked ? qrBlockedWorkSize(STREAM_ROWS + d, d) : d),
    qbuf: blocked ? null : ws.f64((d + QR_CHUNK) * d),
  };
}

/**
 * R (d x d, upper triangular, zero below) with AᵀA = RᵀR, streamed over row
 * blocks: each block of 2048 rows is stacked under the R so far ([R; block],
 * d extra rows per block) and reduced. On wasm by linalg's blocked
 * (compact-WY, GEMM-based) Householder QR of the whole stack; on js by the
 * chunked `tallQrR` (128 rows at a time), the faster of the two in plain
 * TypeScript. A is read once and never copied whole. O(2nd²).
 */
export function streamedR(K: SensitivityKernels, A: DenseMatrix, R: Float64Array, sc: StreamScratch): void {
  const d = A.cols;
  const { buf, tau, work, qbuf } = sc;
  let first = true;
  forRowBlocks(new JsWorkspace(K), A, buf, 0, (rows, _start, c) => {
    let m = c;
    if (first) buf.set(rows);
    else {
      buf.set(R);
      buf.set(rows, d * d);
      m = d + c;
    }
    first = false;
    if (qbuf) K.tallQrR(m, d, buf, d, QR_CHUNK, R, qbuf, tau, work);
    else {
      K.householderQrBlocked(m, d, buf, d, tau, work);
      const k = Math.min(m, d);
      R.fill(0);
      for (let i = 0; i < k; i++) R.set(buf.subarray(i * d + i, i * d + d), i * d + i);
    }
  });
}

/** f64 entries {@link streamScratch} takes. */
export function streamedRSize(d: number): number {
  return (STREAM_ROWS + d) * d + Math.max(qrBlockedWorkSize(STREAM_ROWS + d, d), (d + QR_CHUNK) * d + d) + d;
}
