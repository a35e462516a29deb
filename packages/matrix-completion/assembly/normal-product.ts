// w = Dᵀ(D p) over the rows of one row regression's gathered design D: the
// pass every conjugate-gradient step of robust-altmin makes, O(cnt k).
//
// Layout: D's rows are kp = k rounded up to even doubles apart, the padding
// column zero, and p, w likewise (padded with zero), so every row is nv = kp/2
// whole v128 registers. Rounding convention (the twin, src/kernels/normal-product.ts,
// repeats it): the dot d·p runs in one two-lane accumulator (even columns in
// lane 0, odd in lane 1, in column order) and is lane 0 + lane 1; w's entries
// receive v_q d_q in row order; |D p|² sums v_q² in row order.
//
// Two paths, one convention: up to 8 columns (nv <= 4) p and w stay in
// registers for the whole pass (one specialisation per nv, constant-folded
// after inlining); wider rows go in chunks of CHUNK rows, two sweeps per
// chunk over strips of 8 columns (the dots, with p's strip in registers and
// each row's accumulator parked in buf; then the updates, with w's strip in
// registers), so no k needs its own code and p, w never round-trip memory per row.
import { madd } from "../../linalg/assembly/simd";

/** Rows per chunk of the wide path (buf holds CHUNK v128 accumulators). */
export const CHUNK = 64;

@inline function productFused(NV: i32, cnt: i32, row: usize, D: usize, p: usize, w: usize): f64 {
  const zero = f64x2.splat(0);
  const p0 = v128.load(p);
  const p1 = NV > 1 ? v128.load(p, 16) : zero;
  const p2 = NV > 2 ? v128.load(p, 32) : zero;
  const p3 = NV > 3 ? v128.load(p, 48) : zero;
  let w0 = zero, w1 = zero, w2 = zero, w3 = zero;
  let qq: f64 = 0;
  for (let q = 0; q < cnt; q++) {
    const dq = D + <usize>q * row;
    const d0 = v128.load(dq);
    const d1 = NV > 1 ? v128.load(dq, 16) : zero;
    const d2 = NV > 2 ? v128.load(dq, 32) : zero;
    const d3 = NV > 3 ? v128.load(dq, 48) : zero;
    let a = madd(d0, p0, zero);
    if (NV > 1) a = madd(d1, p1, a);
    if (NV > 2) a = madd(d2, p2, a);
    if (NV > 3) a = madd(d3, p3, a);
    const v = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    qq += v * v;
    const vv = f64x2.splat(v);
    w0 = madd(vv, d0, w0);
    if (NV > 1) w1 = madd(vv, d1, w1);
    if (NV > 2) w2 = madd(vv, d2, w2);
    if (NV > 3) w3 = madd(vv, d3, w3);
  }
  v128.store(w, w0);
  if (NV > 1) v128.store(w, w1, 16);
  if (NV > 2) v128.store(w, w2, 32);
  if (NV > 3) v128.store(w, w3, 48);
  return qq;
}

/** Adds the strip's columns (NV registers at D, p) to each row's accumulator in buf (started at zero when first). */
@inline function stripDots(NV: i32, n: i32, row: usize, D: usize, p: usize, buf: usize, first: bool): void {
  const zero = f64x2.splat(0);
  const p0 = v128.load(p);
  const p1 = NV > 1 ? v128.load(p, 16) : zero;
  const p2 = NV > 2 ? v128.load(p, 32) : zero;
  const p3 = NV > 3 ? v128.load(p, 48) : zero;
  for (let q = 0; q < n; q++) {
    const dq = D + <usize>q * row, bq = buf + (<usize>q << 4);
    let a = first ? zero : v128.load(bq);
    a = madd(v128.load(dq), p0, a);
    if (NV > 1) a = madd(v128.load(dq, 16), p1, a);
    if (NV > 2) a = madd(v128.load(dq, 32), p2, a);
    if (NV > 3) a = madd(v128.load(dq, 48), p3, a);
    v128.store(bq, a);
  }
}

/** w's strip (NV registers) += v_q d_q over the chunk's rows, v_q splat in buf. */
@inline function stripUpdates(NV: i32, n: i32, row: usize, D: usize, buf: usize, w: usize): void {
  const zero = f64x2.splat(0);
  let w0 = v128.load(w);
  let w1 = NV > 1 ? v128.load(w, 16) : zero;
  let w2 = NV > 2 ? v128.load(w, 32) : zero;
  let w3 = NV > 3 ? v128.load(w, 48) : zero;
  for (let q = 0; q < n; q++) {
    const dq = D + <usize>q * row;
    const vv = v128.load(buf + (<usize>q << 4));
    w0 = madd(vv, v128.load(dq), w0);
    if (NV > 1) w1 = madd(vv, v128.load(dq, 16), w1);
    if (NV > 2) w2 = madd(vv, v128.load(dq, 32), w2);
    if (NV > 3) w3 = madd(vv, v128.load(dq, 48), w3);
  }
  v128.store(w, w0);
  if (NV > 1) v128.store(w, w1, 16);
  if (NV > 2) v128.store(w, w2, 32);
  if (NV > 3) v128.store(w, w3, 48);
}

/**
 * w (kp doubles) = Dᵀ(D p) over the cnt rows of D (kp = k rounded up to
 * even, padding zero); returns |D p|². buf: 2 CHUNK doubles of scratch (wide rows only).
 */
export function normalProduct(cnt: i32, k: i32, D: usize, p: usize, w: usize, buf: usize): f64 {
  const nv = (k + 1) >> 1;
  const row = <usize>nv << 4;
  if (nv == 1) return productFused(1, cnt, row, D, p, w);
  if (nv == 2) return productFused(2, cnt, row, D, p, w);
  if (nv == 3) return productFused(3, cnt, row, D, p, w);
  if (nv == 4) return productFused(4, cnt, row, D, p, w);
  memory.fill(w, 0, row);
  let qq: f64 = 0;
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row;
    for (let j0 = 0; j0 < nv; j0 += 4) {
      const o = <usize>j0 << 4, ns = min(4, nv - j0);
      if (ns == 4) stripDots(4, n, row, Dc + o, p + o, buf, j0 == 0);
      else if (ns == 3) stripDots(3, n, row, Dc + o, p + o, buf, j0 == 0);
      else if (ns == 2) stripDots(2, n, row, Dc + o, p + o, buf, j0 == 0);
      else stripDots(1, n, row, Dc + o, p + o, buf, j0 == 0);
    }
    for (let q = 0; q < n; q++) {
      const bq = buf + (<usize>q << 4);
      const a = v128.load(bq);
      const v = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      qq += v * v;
      v128.store(bq, f64x2.splat(v));
    }
    for (let j0 = 0; j0 < nv; j0 += 4) {
      const o = <usize>j0 << 4, ns = min(4, nv - j0);
      if (ns == 4) stripUpdates(4, n, row, Dc + o, buf, w + o);
      else if (ns == 3) stripUpdates(3, n, row, Dc + o, buf, w + o);
      else if (ns == 2) stripUpdates(2, n, row, Dc + o, buf, w + o);
      else stripUpdates(1, n, row, Dc + o, buf, w + o);
    }
  }
  return qq;
}
