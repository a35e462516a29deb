// TypeScript twin of assembly/scan.ts: one pass over a whole tensor in fixed
// pieces, each piece's largest |entry| and sum of squares (the same lanes and
// order as the WASM kernel, so the same bits).

/** Entries per piece. */
export const SCAN_PIECE = 1 << 16;

/** A scanPieces job as scanTask reads it. */
export interface ScanJob {
  n: number;
  x: Float64Array;
  out: Float64Array;
}

/** Piece p: out[2p] = max |x_i|, out[2p + 1] = Σ x_i² in four lanes (i mod 4) added as (l0 + l1) + (l2 + l3). */
function scanPiece(n: number, x: Float64Array, out: Float64Array, p: number): void {
  const i0 = p * SCAN_PIECE;
  if (i0 >= n) return;
  const c = Math.min(SCAN_PIECE, n - i0);
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0, m = 0;
  let i = 0;
  for (; i + 4 <= c; i += 4) {
    const a = x[i0 + i], b = x[i0 + i + 1], d = x[i0 + i + 2], e = x[i0 + i + 3];
    l0 += a * a;
    l1 += b * b;
    l2 += d * d;
    l3 += e * e;
    m = Math.max(m, Math.abs(a), Math.abs(b), Math.abs(d), Math.abs(e));
  }
  for (; i < c; i++) {
    const v = x[i0 + i], q = v * v;
    m = Math.max(m, Math.abs(v));
    const lane = i & 3;
    if (lane === 0) l0 += q;
    else if (lane === 1) l1 += q;
    else if (lane === 2) l2 += q;
    else l3 += q;
  }
  out[2 * p] = m;
  out[2 * p + 1] = (l0 + l1) + (l2 + l3);
}

/** Every piece of x (n finite entries), ⌈n / SCAN_PIECE⌉ pairs (max |x_i|, Σ x_i²) in out. O(n). */
export function scanPieces(n: number, x: Float64Array, out: Float64Array): void {
  for (let p = 0; p * SCAN_PIECE < n; p++) scanPiece(n, x, out, p);
}

/** Task t of a scanPieces job: piece t. */
export function scanTask(job: ScanJob, t: number): void {
  scanPiece(job.n, job.x, job.out, t);
}
