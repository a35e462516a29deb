// One pass over a whole tensor in fixed pieces (docs/ARCHITECTURE.md, the
// tensor-network section): each piece's largest |entry| and sum of squares,
// which the caller reduces in piece order (src/scaling.ts scanTensor), so the
// result does not depend on how many threads ran the pieces. Mirrored in
// src/kernels/scan.ts.

/** Entries per piece (512 KiB). */
export const SCAN_PIECE: i32 = 1 << 16;

/**
 * Piece p of x (n finite entries): out[2p] = max |x_i|, out[2p + 1] = Σ x_i²
 * over i in [p SCAN_PIECE, (p + 1) SCAN_PIECE), the squares summed in four
 * lanes (entry i into lane i mod 4, in order) added as (l0 + l1) + (l2 + l3).
 */
@inline function scanPiece(n: i32, x: usize, out: usize, p: i32): void {
  const i0 = p * SCAN_PIECE;
  if (i0 >= n) return;
  const c = min(SCAN_PIECE, n - i0);
  const a = x + (<usize>i0 << 3);
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), m01 = f64x2.splat(0), m23 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= c; i += 4) {
    const v = v128.load(a + (<usize>i << 3)), w = v128.load(a + (<usize>i << 3), 16);
    s01 = f64x2.add(s01, f64x2.mul(v, v));
    s23 = f64x2.add(s23, f64x2.mul(w, w));
    m01 = f64x2.max(m01, f64x2.abs(v));
    m23 = f64x2.max(m23, f64x2.abs(w));
  }
  let l0 = f64x2.extract_lane(s01, 0), l1 = f64x2.extract_lane(s01, 1), l2 = f64x2.extract_lane(s23, 0), l3 = f64x2.extract_lane(s23, 1);
  let m = max(max(f64x2.extract_lane(m01, 0), f64x2.extract_lane(m01, 1)), max(f64x2.extract_lane(m23, 0), f64x2.extract_lane(m23, 1)));
  for (; i < c; i++) {
    const v = load<f64>(a + (<usize>i << 3));
    m = max(m, Math.abs(v));
    const q = v * v;
    const lane = i & 3;
    if (lane == 0) l0 += q;
    else if (lane == 1) l1 += q;
    else if (lane == 2) l2 += q;
    else l3 += q;
  }
  const o = out + (<usize>p << 4);
  store<f64>(o, m);
  store<f64>(o, (l0 + l1) + (l2 + l3), 8);
}

/** Every piece of x (n entries), ⌈n / SCAN_PIECE⌉ pairs (max |x_i|, Σ x_i²) in out. O(n). */
export function scanPieces(n: i32, x: usize, out: usize): void {
  for (let p = 0; p * SCAN_PIECE < n; p++) scanPiece(n, x, out, p);
}

/** Task t of a scanPieces job (i32 n, x, out): piece t. */
export function scanTask(job: usize, t: i32, scratch: usize): void {
  scanPiece(load<i32>(job), <usize>load<u32>(job, 4), <usize>load<u32>(job, 8), t);
}
