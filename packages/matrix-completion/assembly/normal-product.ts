// w = Dᵀ(D p) over the rows of one row regression's gathered design D: the
// pass every conjugate-gradient step of robust-altmin makes, O(cnt k).
//
// Layout: D's rows are kp = k rounded up to even doubles apart, the padding
// column zero, and p, w likewise, so every row is nv = kp/2 whole v128
// registers. Rounding convention (the twin, src/kernels/normal-product.ts,
// repeats it): the dot d·p runs in one two-lane accumulator (even columns in
// lane 0, odd in lane 1, in column order) and is lane 0 + lane 1, except at
// 9-16 columns (nv = 5..8): two accumulators, one over registers 0, 2, 4, 6
// and one over 1, 3, 5, 7, added lane by lane, then lane 0 + lane 1; w and
// |D p|² are summed in two sets, rows of even q and rows of odd q, each in
// row order, then added (two chains, so a row's update need not wait for the
// previous row's: that latency, not the arithmetic, bounds a one-chain loop
// over short rows), except at 5-16 columns (nv = 3..8), summed in one set in
// row order: there the two sets would not fit in registers with p and the row.
//
// Paths, one convention: up to 4 columns (nv <= 2) rows go in pairs with
// both sets of w in registers; at 5-8 columns p, w and the row stay in
// registers; at 9-16 rows go by chunks of CHUNK, the dots with all of p in
// registers, then the updates with all of w; wider rows by chunks in strips
// of up to 8 columns (the dots, each row's accumulator parked in buf between
// strips; then the updates, both sets of w's strip in registers). Each
// register count is one specialisation (constant-folded after inlining), so
// no k needs code of its own.
import { madd } from "../../linalg/assembly/simd";

/** Rows per chunk of the wide path (buf holds CHUNK v128 accumulators). */
export const CHUNK = 64;

/** Registers of the strip starting at register j0 of nv: the fewest strips of at most 4, as even as they go (5 = 3 + 2, not 4 + 1). */
@inline export function stripWidth(nv: i32, j0: i32): i32 {
  const left = nv - j0, strips = (left + 3) >> 2;
  return (left + strips - 1) / strips;
}

@inline export function lane2(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** Stores the registers r0..r(NV-1) of a row at w (NV <= 8; the others are not read). */
@inline export function storeRow(
  NV: i32, w: usize, r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128, r6: v128, r7: v128,
): void {
  v128.store(w, r0);
  if (NV > 1) v128.store(w, r1, 16);
  if (NV > 2) v128.store(w, r2, 32);
  if (NV > 3) v128.store(w, r3, 48);
  if (NV > 4) v128.store(w, r4, 64);
  if (NV > 5) v128.store(w, r5, 80);
  if (NV > 6) v128.store(w, r6, 96);
  if (NV > 7) v128.store(w, r7, 112);
}

/** Stores the two accumulator sets of a strip of NV registers (a at wa, b at wb), each register's pair together. */
@inline export function storeSets(
  NV: i32, wa: usize, wb: usize, a0: v128, a1: v128, a2: v128, a3: v128, b0: v128, b1: v128, b2: v128, b3: v128,
): void {
  v128.store(wa, a0);
  v128.store(wb, b0);
  if (NV > 1) {
    v128.store(wa, a1, 16);
    v128.store(wb, b1, 16);
  }
  if (NV > 2) {
    v128.store(wa, a2, 32);
    v128.store(wb, b2, 32);
  }
  if (NV > 3) {
    v128.store(wa, a3, 48);
    v128.store(wb, b3, 48);
  }
}

/** Row q of the pass: its dot v with p, |v|² into qq, and v d into the set (w0..w3). NV registers; p's first two in registers. */
@inline function productRow(NV: i32, dq: usize, p: usize, p0: v128, p1: v128): v128 {
  let a = madd(v128.load(dq), p0, f64x2.splat(0));
  if (NV > 1) a = madd(v128.load(dq, 16), p1, a);
  if (NV > 2) a = madd(v128.load(dq, 32), v128.load(p, 32), a);
  if (NV > 3) a = madd(v128.load(dq, 48), v128.load(p, 48), a);
  return a;
}

@inline function productFused(NV: i32, cnt: i32, row: usize, D: usize, p: usize, w: usize): f64 {
  const zero = f64x2.splat(0);
  const p0 = v128.load(p);
  const p1 = NV > 1 ? v128.load(p, 16) : zero;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
  let qq = zero; // lane 0: rows of even q, lane 1: odd q
  let q = 0;
  for (; q + 2 <= cnt; q += 2) {
    const dq = D + <usize>q * row, dr = dq + row;
    const s = productRow(NV, dq, p, p0, p1), t = productRow(NV, dr, p, p0, p1);
    // [v, u] = the two rows' dots, each its lanes' sum.
    const vu = f64x2.add(v128.shuffle<f64>(s, t, 0, 2), v128.shuffle<f64>(s, t, 1, 3));
    qq = madd(vu, vu, qq);
    const vv = v128.shuffle<f64>(vu, vu, 0, 0), uu = v128.shuffle<f64>(vu, vu, 1, 1);
    a0 = madd(vv, v128.load(dq), a0);
    b0 = madd(uu, v128.load(dr), b0);
    if (NV > 1) {
      a1 = madd(vv, v128.load(dq, 16), a1);
      b1 = madd(uu, v128.load(dr, 16), b1);
    }
    if (NV > 2) {
      a2 = madd(vv, v128.load(dq, 32), a2);
      b2 = madd(uu, v128.load(dr, 32), b2);
    }
    if (NV > 3) {
      a3 = madd(vv, v128.load(dq, 48), a3);
      b3 = madd(uu, v128.load(dr, 48), b3);
    }
  }
  let qa = f64x2.extract_lane(qq, 0);
  if (q < cnt) {
    const dq = D + <usize>q * row;
    const v = lane2(productRow(NV, dq, p, p0, p1));
    qa += v * v;
    const vv = f64x2.splat(v);
    a0 = madd(vv, v128.load(dq), a0);
    if (NV > 1) a1 = madd(vv, v128.load(dq, 16), a1);
    if (NV > 2) a2 = madd(vv, v128.load(dq, 32), a2);
    if (NV > 3) a3 = madd(vv, v128.load(dq, 48), a3);
  }
  v128.store(w, f64x2.add(a0, b0));
  if (NV > 1) v128.store(w, f64x2.add(a1, b1), 16);
  if (NV > 2) v128.store(w, f64x2.add(a2, b2), 32);
  if (NV > 3) v128.store(w, f64x2.add(a3, b3), 48);
  return qa + f64x2.extract_lane(qq, 1);
}

/** The fused pass at 5-8 columns with one set: p, w and the row all in registers (two sets would not fit, and re-reading costs more than the chain). */
@inline function productFused1(NV: i32, cnt: i32, row: usize, D: usize, p: usize, w: usize): f64 {
  const p0 = v128.load(p), p1 = v128.load(p, 16), p2 = v128.load(p, 32), p3 = NV > 3 ? v128.load(p, 48) : f64x2.splat(0);
  const zero = f64x2.splat(0);
  let w0 = zero, w1 = zero, w2 = zero, w3 = zero;
  let qq: f64 = 0;
  for (let q = 0; q < cnt; q++) {
    const dq = D + <usize>q * row;
    const d0 = v128.load(dq), d1 = v128.load(dq, 16), d2 = v128.load(dq, 32), d3 = NV > 3 ? v128.load(dq, 48) : zero;
    let a = madd(d0, p0, zero);
    a = madd(d1, p1, a);
    a = madd(d2, p2, a);
    if (NV > 3) a = madd(d3, p3, a);
    const v = lane2(a);
    qq += v * v;
    const vv = f64x2.splat(v);
    w0 = madd(vv, d0, w0);
    w1 = madd(vv, d1, w1);
    w2 = madd(vv, d2, w2);
    if (NV > 3) w3 = madd(vv, d3, w3);
  }
  storeRow(NV, w, w0, w1, w2, w3, zero, zero, zero, zero);
  return qq;
}

/**
 * The wide pass at 9-16 columns (nv = 5..8), one set: per chunk, the dots
 * with all of p in registers (each dot in two accumulators, registers 0, 2,
 * 4, 6 and 1, 3, 5, 7, added before the lanes: half the dependency chain),
 * then the updates with all of w in registers. p and w are loaded per chunk,
 * so the two never hold registers at once.
 */
@inline function productWide(NV: i32, cnt: i32, row: usize, D: usize, p: usize, w: usize, buf: usize): f64 {
  const zero = f64x2.splat(0);
  storeRow(NV, w, zero, zero, zero, zero, zero, zero, zero, zero);
  let qq: f64 = 0;
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row;
    {
      const p0 = v128.load(p, 0);
      const p1 = v128.load(p, 16);
      const p2 = v128.load(p, 32);
      const p3 = v128.load(p, 48);
      const p4 = v128.load(p, 64);
      const p5 = NV > 5 ? v128.load(p, 80) : zero;
      const p6 = NV > 6 ? v128.load(p, 96) : zero;
      const p7 = NV > 7 ? v128.load(p, 112) : zero;
      for (let q = 0; q < n; q++) {
        const dq = Dc + <usize>q * row;
        let a = madd(v128.load(dq), p0, zero);
        let b = madd(v128.load(dq, 16), p1, zero);
        a = madd(v128.load(dq, 32), p2, a);
        b = madd(v128.load(dq, 48), p3, b);
        a = madd(v128.load(dq, 64), p4, a);
        if (NV > 5) b = madd(v128.load(dq, 80), p5, b);
        if (NV > 6) a = madd(v128.load(dq, 96), p6, a);
        if (NV > 7) b = madd(v128.load(dq, 112), p7, b);
        const v = lane2(f64x2.add(a, b));
        qq += v * v;
        v128.store(buf + (<usize>q << 4), f64x2.splat(v));
      }
    }
    {
      let w0 = v128.load(w, 0), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48), w4 = v128.load(w, 64);
      let w5 = NV > 5 ? v128.load(w, 80) : zero, w6 = NV > 6 ? v128.load(w, 96) : zero, w7 = NV > 7 ? v128.load(w, 112) : zero;
      for (let q = 0; q < n; q++) {
        const dq = Dc + <usize>q * row;
        const vv = v128.load(buf + (<usize>q << 4));
        w0 = madd(vv, v128.load(dq, 0), w0);
        w1 = madd(vv, v128.load(dq, 16), w1);
        w2 = madd(vv, v128.load(dq, 32), w2);
        w3 = madd(vv, v128.load(dq, 48), w3);
        w4 = madd(vv, v128.load(dq, 64), w4);
        if (NV > 5) w5 = madd(vv, v128.load(dq, 80), w5);
        if (NV > 6) w6 = madd(vv, v128.load(dq, 96), w6);
        if (NV > 7) w7 = madd(vv, v128.load(dq, 112), w7);
      }
      storeRow(NV, w, w0, w1, w2, w3, w4, w5, w6, w7);
    }
  }
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

/** The strip (NV registers) of the two sets wa (even rows) and wb (odd rows) += v_q d_q over a chunk of n rows (n even unless last), v_q splat in buf. */
@inline function stripUpdates(NV: i32, n: i32, row: usize, D: usize, buf: usize, wa: usize, wb: usize): void {
  const zero = f64x2.splat(0);
  let a0 = v128.load(wa), b0 = v128.load(wb);
  let a1 = NV > 1 ? v128.load(wa, 16) : zero, b1 = NV > 1 ? v128.load(wb, 16) : zero;
  let a2 = NV > 2 ? v128.load(wa, 32) : zero, b2 = NV > 2 ? v128.load(wb, 32) : zero;
  let a3 = NV > 3 ? v128.load(wa, 48) : zero, b3 = NV > 3 ? v128.load(wb, 48) : zero;
  let q = 0;
  for (; q + 2 <= n; q += 2) {
    const dq = D + <usize>q * row, dr = dq + row;
    const vv = v128.load(buf + (<usize>q << 4)), uu = v128.load(buf + (<usize>q << 4), 16);
    a0 = madd(vv, v128.load(dq), a0);
    b0 = madd(uu, v128.load(dr), b0);
    if (NV > 1) {
      a1 = madd(vv, v128.load(dq, 16), a1);
      b1 = madd(uu, v128.load(dr, 16), b1);
    }
    if (NV > 2) {
      a2 = madd(vv, v128.load(dq, 32), a2);
      b2 = madd(uu, v128.load(dr, 32), b2);
    }
    if (NV > 3) {
      a3 = madd(vv, v128.load(dq, 48), a3);
      b3 = madd(uu, v128.load(dr, 48), b3);
    }
  }
  if (q < n) {
    const dq = D + <usize>q * row;
    const vv = v128.load(buf + (<usize>q << 4));
    a0 = madd(vv, v128.load(dq), a0);
    if (NV > 1) a1 = madd(vv, v128.load(dq, 16), a1);
    if (NV > 2) a2 = madd(vv, v128.load(dq, 32), a2);
    if (NV > 3) a3 = madd(vv, v128.load(dq, 48), a3);
  }
  storeSets(NV, wa, wb, a0, a1, a2, a3, b0, b1, b2, b3);
}

/**
 * w (kp doubles) = Dᵀ(D p) over the cnt rows of D (kp = k rounded up to
 * even, padding zero); returns |D p|². buf: 2 CHUNK + kp doubles of scratch (wide rows only).
 */
export function normalProduct(cnt: i32, k: i32, D: usize, p: usize, w: usize, buf: usize): f64 {
  const nv = (k + 1) >> 1;
  const row = <usize>nv << 4;
  if (nv == 1) return productFused(1, cnt, row, D, p, w);
  if (nv == 2) return productFused(2, cnt, row, D, p, w);
  if (nv == 3) return productFused1(3, cnt, row, D, p, w);
  if (nv == 4) return productFused1(4, cnt, row, D, p, w);
  if (nv == 5) return productWide(5, cnt, row, D, p, w, buf);
  if (nv == 6) return productWide(6, cnt, row, D, p, w, buf);
  if (nv == 7) return productWide(7, cnt, row, D, p, w, buf);
  if (nv == 8) return productWide(8, cnt, row, D, p, w, buf);
  const wb = buf + (<usize>CHUNK << 4);
  memory.fill(w, 0, row);
  memory.fill(wb, 0, row);
  // Lane 0: rows of even q, lane 1: odd q; qa: the last row of an odd-length final chunk.
  let qq = f64x2.splat(0);
  let qa: f64 = 0;
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row;
    for (let j0 = 0, ns = 0; j0 < nv; j0 += ns) {
      ns = stripWidth(nv, j0);
      const o = <usize>j0 << 4;
      if (ns == 4) stripDots(4, n, row, Dc + o, p + o, buf, j0 == 0);
      else if (ns == 3) stripDots(3, n, row, Dc + o, p + o, buf, j0 == 0);
      else if (ns == 2) stripDots(2, n, row, Dc + o, p + o, buf, j0 == 0);
      else stripDots(1, n, row, Dc + o, p + o, buf, j0 == 0);
    }
    let q = 0;
    for (; q + 2 <= n; q += 2) {
      const bq = buf + (<usize>q << 4);
      const s0 = v128.load(bq), t0 = v128.load(bq, 16);
      const vu = f64x2.add(v128.shuffle<f64>(s0, t0, 0, 2), v128.shuffle<f64>(s0, t0, 1, 3));
      qq = madd(vu, vu, qq);
      v128.store(bq, v128.shuffle<f64>(vu, vu, 0, 0));
      v128.store(bq, v128.shuffle<f64>(vu, vu, 1, 1), 16);
    }
    if (q < n) {
      const bq = buf + (<usize>q << 4);
      const v = lane2(v128.load(bq));
      qa += v * v;
      v128.store(bq, f64x2.splat(v));
    }
    for (let j0 = 0, ns = 0; j0 < nv; j0 += ns) {
      ns = stripWidth(nv, j0);
      const o = <usize>j0 << 4;
      if (ns == 4) stripUpdates(4, n, row, Dc + o, buf, w + o, wb + o);
      else if (ns == 3) stripUpdates(3, n, row, Dc + o, buf, w + o, wb + o);
      else if (ns == 2) stripUpdates(2, n, row, Dc + o, buf, w + o, wb + o);
      else stripUpdates(1, n, row, Dc + o, buf, w + o, wb + o);
    }
  }
  for (let o: usize = 0; o < row; o += 16) v128.store(w + o, f64x2.add(v128.load(w + o), v128.load(wb + o)));
  return (f64x2.extract_lane(qq, 0) + qa) + f64x2.extract_lane(qq, 1);
}
