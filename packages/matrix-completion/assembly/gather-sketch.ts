// The first pass over one row regression's observations in robust-altmin:
// gathers the design D (the other side's factor rows at the row's observed
// columns), forms the gradient g = Dᵀ(t - D x) at the warm start x, and
// sketches D: a CountSketch adds ±d_q to bucket rows of SD (the SRHT's
// first pass, gatherSigned, is in assembly/gather-signed.ts), and returns the
// squared residual |t - D x|² (the driver carries it through the CG steps,
// so the iteration's training loss needs no pass of its own). O(cnt k).
//
// Layout and rounding as assembly/normal-product.ts: rows kp = k rounded up
// to even doubles apart, zero padded; d·x in one two-lane accumulator, lane
// 0 + lane 1; g and |t - D x|² summed in two sets (even and odd q) then
// added, except at 5-16 columns (one set in row order); each r² is rounded
// before it is added (no fused multiply-add). Paths: up to 4 columns rows in
// pairs; at 5-8 x, g and the row in registers; at 9-12 g and the row in
// registers, x read from memory; at 13-16 by chunks (gather and dot with x in
// registers; then g and the sketch); wider by chunks in strips of up to 8 columns.
// Twin: src/kernels/gather-sketch.ts.
import { madd } from "../../linalg/assembly/simd";
import { CHUNK, lane2, storeRow, storeSets, stripWidth } from "./normal-product";

/** Register J of a row at p (NV registers; when ODD the last holds one double and a zero). */
@inline function ld(NV: i32, ODD: bool, J: i32, p: usize): v128 {
  const a = p + (<usize>J << 4);
  return ODD && J == NV - 1 ? v128.load64_zero(a) : v128.load(a);
}

/** b += d with d's sign flipped by neg (exactly ±d). */
@inline function addSigned(b: usize, d: v128, neg: v128): void {
  v128.store(b, f64x2.add(v128.load(b), v128.xor(d, neg)));
}

/** The bucket row of observation q (T: byte offset | sign bit) and its sign mask. */
@inline function bucketOf(T: usize, j: i32): i32 {
  return load<i32>(T + (<usize>j << 2));
}

@inline function signOf(t: i32): v128 {
  return i64x2.splat(<i64>(t & 1) << 63);
}

/** One observation of the two-set fused path (up to 4 columns): gathers it into D, sketches it, returns its dot with x as two lanes. */
@inline function gatherOne(
  NV: i32, ODD: bool, q: i32, frow: usize, row: usize, start: i32, idx: usize, vals: usize, F: usize, D: usize, SD: usize, T: usize,
  x: usize, x0: v128, x1: v128,
): v128 {
  const zero = f64x2.splat(0);
  const j = load<i32>(idx + (<usize>(start + q) << 2));
  const src = F + <usize>j * frow, dq = D + <usize>q * row;
  const d0 = ld(NV, ODD, 0, src);
  const d1 = NV > 1 ? ld(NV, ODD, 1, src) : zero;
  v128.store(dq, d0);
  if (NV > 1) v128.store(dq, d1, 16);
  let a = madd(d0, x0, zero);
  if (NV > 1) a = madd(d1, x1, a);
  const t = bucketOf(T, j);
  const neg = signOf(t), b = SD + <usize>(t & ~1);
  addSigned(b, d0, neg);
  if (NV > 1) addSigned(b + 16, d1, neg);
  return a;
}

@inline function gatherFused(
  NV: i32, ODD: bool, cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize,
): f64 {
  const frow = <usize>k << 3, row = <usize>NV << 4;
  const zero = f64x2.splat(0);
  const x0 = ld(NV, ODD, 0, x);
  const x1 = NV > 1 ? ld(NV, ODD, 1, x) : zero;
  let a0 = zero, a1 = zero, b0 = zero, b1 = zero;
  let rr = zero; // lane 0: rows of even q, lane 1: odd q
  let q = 0;
  for (; q + 2 <= cnt; q += 2) {
    const dq = D + <usize>q * row, dr = dq + row;
    const s0 = gatherOne(NV, ODD, q, frow, row, start, idx, vals, F, D, SD, T, x, x0, x1);
    const t0 = gatherOne(NV, ODD, q + 1, frow, row, start, idx, vals, F, D, SD, T, x, x0, x1);
    // [r, u]: the two rows' residuals t - d·x, each dot its lanes' sum.
    const ru = f64x2.sub(v128.load(vals + (<usize>(start + q) << 3)), f64x2.add(v128.shuffle<f64>(s0, t0, 0, 2), v128.shuffle<f64>(s0, t0, 1, 3)));
    rr = f64x2.add(rr, f64x2.mul(ru, ru));
    const r = v128.shuffle<f64>(ru, ru, 0, 0), u = v128.shuffle<f64>(ru, ru, 1, 1);
    a0 = madd(r, v128.load(dq), a0);
    b0 = madd(u, v128.load(dr), b0);
    if (NV > 1) {
      a1 = madd(r, v128.load(dq, 16), a1);
      b1 = madd(u, v128.load(dr, 16), b1);
    }
  }
  let even = f64x2.extract_lane(rr, 0);
  if (q < cnt) {
    const dq = D + <usize>q * row;
    const rs = load<f64>(vals + (<usize>(start + q) << 3)) - lane2(gatherOne(NV, ODD, q, frow, row, start, idx, vals, F, D, SD, T, x, x0, x1));
    even += rs * rs;
    const r = f64x2.splat(rs);
    a0 = madd(r, v128.load(dq), a0);
    if (NV > 1) a1 = madd(r, v128.load(dq, 16), a1);
  }
  v128.store(g, f64x2.add(a0, b0));
  if (NV > 1) v128.store(g, f64x2.add(a1, b1), 16);
  return even + f64x2.extract_lane(rr, 1);
}

/** The fused first pass at 5-8 columns with one set of g: x, g and the row all in registers. */
@inline function gatherFused1(
  NV: i32, ODD: bool, cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize,
): f64 {
  const frow = <usize>k << 3, row = <usize>NV << 4;
  const zero = f64x2.splat(0);
  const x0 = ld(NV, ODD, 0, x), x1 = ld(NV, ODD, 1, x), x2 = ld(NV, ODD, 2, x), x3 = NV > 3 ? ld(NV, ODD, 3, x) : zero;
  let g0 = zero, g1 = zero, g2 = zero, g3 = zero;
  let rr: f64 = 0;
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const src = F + <usize>j * frow, dq = D + <usize>q * row;
    const d0 = ld(NV, ODD, 0, src), d1 = ld(NV, ODD, 1, src), d2 = ld(NV, ODD, 2, src), d3 = NV > 3 ? ld(NV, ODD, 3, src) : zero;
    v128.store(dq, d0);
    v128.store(dq, d1, 16);
    v128.store(dq, d2, 32);
    if (NV > 3) v128.store(dq, d3, 48);
    let a = madd(d0, x0, zero);
    a = madd(d1, x1, a);
    a = madd(d2, x2, a);
    if (NV > 3) a = madd(d3, x3, a);
    const rs = load<f64>(vals + (<usize>(start + q) << 3)) - lane2(a);
    rr += rs * rs;
    const r = f64x2.splat(rs);
    g0 = madd(r, d0, g0);
    g1 = madd(r, d1, g1);
    g2 = madd(r, d2, g2);
    if (NV > 3) g3 = madd(r, d3, g3);
    const t = bucketOf(T, j);
    const neg = signOf(t), b = SD + <usize>(t & ~1);
    addSigned(b, d0, neg);
    addSigned(b + 16, d1, neg);
    addSigned(b + 32, d2, neg);
    if (NV > 3) addSigned(b + 48, d3, neg);
  }
  storeRow(NV, g, g0, g1, g2, g3, zero, zero, zero, zero);
  return rr;
}

/**
 * The fused first pass at 9-12 columns (nv = 5, 6), one set of g: the row and
 * g in registers, x read from memory (L1: x, g and the row do not fit in
 * registers together). Each observation is read from F once; by chunks (the
 * row read back from D) this pass took about 25% longer at 10 columns.
 */
@inline function gatherFusedX(
  NV: i32, ODD: bool, cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize,
): f64 {
  const frow = <usize>k << 3, row = <usize>NV << 4;
  const zero = f64x2.splat(0);
  let g0 = zero, g1 = zero, g2 = zero, g3 = zero, g4 = zero, g5 = zero;
  let rr: f64 = 0;
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const src = F + <usize>j * frow, dq = D + <usize>q * row;
    const d0 = ld(NV, ODD, 0, src), d1 = ld(NV, ODD, 1, src), d2 = ld(NV, ODD, 2, src), d3 = ld(NV, ODD, 3, src), d4 = ld(NV, ODD, 4, src);
    const d5 = NV > 5 ? ld(NV, ODD, 5, src) : zero;
    v128.store(dq, d0);
    v128.store(dq, d1, 16);
    v128.store(dq, d2, 32);
    v128.store(dq, d3, 48);
    v128.store(dq, d4, 64);
    if (NV > 5) v128.store(dq, d5, 80);
    let a = madd(d0, ld(NV, ODD, 0, x), zero);
    a = madd(d1, ld(NV, ODD, 1, x), a);
    a = madd(d2, ld(NV, ODD, 2, x), a);
    a = madd(d3, ld(NV, ODD, 3, x), a);
    a = madd(d4, ld(NV, ODD, 4, x), a);
    if (NV > 5) a = madd(d5, ld(NV, ODD, 5, x), a);
    const rs = load<f64>(vals + (<usize>(start + q) << 3)) - lane2(a);
    rr += rs * rs;
    const r = f64x2.splat(rs);
    g0 = madd(r, d0, g0);
    g1 = madd(r, d1, g1);
    g2 = madd(r, d2, g2);
    g3 = madd(r, d3, g3);
    g4 = madd(r, d4, g4);
    if (NV > 5) g5 = madd(r, d5, g5);
    const t = bucketOf(T, j);
    const neg = signOf(t), b = SD + <usize>(t & ~1);
    addSigned(b, d0, neg);
    addSigned(b + 16, d1, neg);
    addSigned(b + 32, d2, neg);
    addSigned(b + 48, d3, neg);
    addSigned(b + 64, d4, neg);
    if (NV > 5) addSigned(b + 80, d5, neg);
  }
  storeRow(NV, g, g0, g1, g2, g3, g4, g5, zero, zero);
  return rr;
}

/** The wide first pass at 13-16 columns (nv = 7, 8; written for 5..8), one set of g: per chunk, gather and dot with all of x in registers, then the gradient (all of g in registers) and the sketch. */
@inline function gatherWide(
  NV: i32, ODD: bool, cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize, buf: usize,
): f64 {
  const frow = <usize>k << 3, row = <usize>NV << 4;
  const zero = f64x2.splat(0);
  const x0 = ld(NV, ODD, 0, x);
  const x1 = ld(NV, ODD, 1, x);
  const x2 = ld(NV, ODD, 2, x);
  const x3 = ld(NV, ODD, 3, x);
  const x4 = ld(NV, ODD, 4, x);
  const x5 = NV > 5 ? ld(NV, ODD, 5, x) : zero;
  const x6 = NV > 6 ? ld(NV, ODD, 6, x) : zero;
  const x7 = NV > 7 ? ld(NV, ODD, 7, x) : zero;
  let g0 = zero, g1 = zero, g2 = zero, g3 = zero, g4 = zero, g5 = zero, g6 = zero, g7 = zero;
  let rr: f64 = 0;
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row, s0 = start + q0;
    for (let q = 0; q < n; q++) {
      const src = F + <usize>load<i32>(idx + (<usize>(s0 + q) << 2)) * frow, dq = Dc + <usize>q * row;
      let d = ld(NV, ODD, 0, src);
      v128.store(dq, d);
      let a = madd(d, x0, zero);
      { d = ld(NV, ODD, 1, src); v128.store(dq, d, 16); a = madd(d, x1, a); }
      { d = ld(NV, ODD, 2, src); v128.store(dq, d, 32); a = madd(d, x2, a); }
      { d = ld(NV, ODD, 3, src); v128.store(dq, d, 48); a = madd(d, x3, a); }
      { d = ld(NV, ODD, 4, src); v128.store(dq, d, 64); a = madd(d, x4, a); }
      if (NV > 5) { d = ld(NV, ODD, 5, src); v128.store(dq, d, 80); a = madd(d, x5, a); }
      if (NV > 6) { d = ld(NV, ODD, 6, src); v128.store(dq, d, 96); a = madd(d, x6, a); }
      if (NV > 7) { d = ld(NV, ODD, 7, src); v128.store(dq, d, 112); a = madd(d, x7, a); }
      const rs = load<f64>(vals + (<usize>(s0 + q) << 3)) - lane2(a);
      rr += rs * rs;
      v128.store(buf + (<usize>q << 4), f64x2.splat(rs));
    }
    for (let q = 0; q < n; q++) {
      const dq = Dc + <usize>q * row;
      const r = v128.load(buf + (<usize>q << 4));
      const t = bucketOf(T, load<i32>(idx + (<usize>(s0 + q) << 2)));
      const neg = signOf(t), b = SD + <usize>(t & ~1);
      { const d = v128.load(dq, 0); g0 = madd(r, d, g0); addSigned(b + 0, d, neg); }
      { const d = v128.load(dq, 16); g1 = madd(r, d, g1); addSigned(b + 16, d, neg); }
      { const d = v128.load(dq, 32); g2 = madd(r, d, g2); addSigned(b + 32, d, neg); }
      { const d = v128.load(dq, 48); g3 = madd(r, d, g3); addSigned(b + 48, d, neg); }
      { const d = v128.load(dq, 64); g4 = madd(r, d, g4); addSigned(b + 64, d, neg); }
      if (NV > 5) { const d = v128.load(dq, 80); g5 = madd(r, d, g5); addSigned(b + 80, d, neg); }
      if (NV > 6) { const d = v128.load(dq, 96); g6 = madd(r, d, g6); addSigned(b + 96, d, neg); }
      if (NV > 7) { const d = v128.load(dq, 112); g7 = madd(r, d, g7); addSigned(b + 112, d, neg); }
    }
  }
  storeRow(NV, g, g0, g1, g2, g3, g4, g5, g6, g7);
  return rr;
}

/** Gathers the strip (NV registers, at column offset o) of each row of a chunk into D and adds its dot with x to buf. */
@inline function stripGather(
  NV: i32, ODD: bool, n: i32, row: usize, frow: usize, o: usize, idx: usize, start: i32, F: usize, D: usize, x: usize, buf: usize, first: bool,
): void {
  const zero = f64x2.splat(0);
  const x0 = ld(NV, ODD, 0, x + o);
  const x1 = NV > 1 ? ld(NV, ODD, 1, x + o) : zero;
  const x2 = NV > 2 ? ld(NV, ODD, 2, x + o) : zero;
  const x3 = NV > 3 ? ld(NV, ODD, 3, x + o) : zero;
  for (let q = 0; q < n; q++) {
    const src = F + <usize>load<i32>(idx + (<usize>(start + q) << 2)) * frow + o, dq = D + <usize>q * row + o, bq = buf + (<usize>q << 4);
    let a = first ? zero : v128.load(bq);
    const d0 = ld(NV, ODD, 0, src);
    v128.store(dq, d0);
    a = madd(d0, x0, a);
    if (NV > 1) {
      const d1 = ld(NV, ODD, 1, src);
      v128.store(dq, d1, 16);
      a = madd(d1, x1, a);
    }
    if (NV > 2) {
      const d2 = ld(NV, ODD, 2, src);
      v128.store(dq, d2, 32);
      a = madd(d2, x2, a);
    }
    if (NV > 3) {
      const d3 = ld(NV, ODD, 3, src);
      v128.store(dq, d3, 48);
      a = madd(d3, x3, a);
    }
    v128.store(bq, a);
  }
}

/** The strip (NV registers) of the two sets ga (even rows), gb (odd rows) += r_q d_q and of each row's bucket += ±d_q, over a chunk of n rows. */
@inline function stripGradient(
  NV: i32, n: i32, row: usize, D: usize, buf: usize, ga: usize, gb: usize, SD: usize, T: usize, idx: usize, start: i32,
): void {
  const zero = f64x2.splat(0);
  let a0 = v128.load(ga), b0 = v128.load(gb);
  let a1 = NV > 1 ? v128.load(ga, 16) : zero, b1 = NV > 1 ? v128.load(gb, 16) : zero;
  let a2 = NV > 2 ? v128.load(ga, 32) : zero, b2 = NV > 2 ? v128.load(gb, 32) : zero;
  let a3 = NV > 3 ? v128.load(ga, 48) : zero, b3 = NV > 3 ? v128.load(gb, 48) : zero;
  for (let q = 0; q < n; q++) {
    const dq = D + <usize>q * row;
    const r = v128.load(buf + (<usize>q << 4));
    const t = bucketOf(T, load<i32>(idx + (<usize>(start + q) << 2)));
    const neg = signOf(t), b = SD + <usize>(t & ~1);
    const d0 = v128.load(dq);
    const d1 = NV > 1 ? v128.load(dq, 16) : zero;
    const d2 = NV > 2 ? v128.load(dq, 32) : zero;
    const d3 = NV > 3 ? v128.load(dq, 48) : zero;
    addSigned(b, d0, neg);
    if (NV > 1) addSigned(b + 16, d1, neg);
    if (NV > 2) addSigned(b + 32, d2, neg);
    if (NV > 3) addSigned(b + 48, d3, neg);
    if (q & 1) {
      b0 = madd(r, d0, b0);
      if (NV > 1) b1 = madd(r, d1, b1);
      if (NV > 2) b2 = madd(r, d2, b2);
      if (NV > 3) b3 = madd(r, d3, b3);
    } else {
      a0 = madd(r, d0, a0);
      if (NV > 1) a1 = madd(r, d1, a1);
      if (NV > 2) a2 = madd(r, d2, a2);
      if (NV > 3) a3 = madd(r, d3, a3);
    }
  }
  storeSets(NV, ga, gb, a0, a1, a2, a3, b0, b1, b2, b3);
}

/**
 * CountSketch first pass of the row whose observations are [start, start + cnt):
 * D (cnt rows) gathered from F (k columns), g (kp) = Dᵀ(t - D x) for the
 * row x of X (k doubles), SD's bucket rows += ±d_q, T[j] holding bucket row
 * byte offset | sign bit for row j of F. SD must be zeroed by the caller.
 * Returns |t - D x|². buf: 2 CHUNK + kp doubles of scratch (rows wider than 8 only). O(cnt k).
 */
export function gatherSketch(
  cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize, buf: usize,
): f64 {
  const nv = (k + 1) >> 1, odd = (k & 1) != 0;
  if (nv == 1) return odd ? gatherFused(1, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFused(1, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 2) return odd ? gatherFused(2, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFused(2, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 3) return odd ? gatherFused1(3, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFused1(3, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 4) return odd ? gatherFused1(4, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFused1(4, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 5) return odd ? gatherFusedX(5, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFusedX(5, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 6) return odd ? gatherFusedX(6, true, cnt, k, start, idx, vals, F, D, x, g, SD, T) : gatherFusedX(6, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
  if (nv == 7) return odd ? gatherWide(7, true, cnt, k, start, idx, vals, F, D, x, g, SD, T, buf) : gatherWide(7, false, cnt, k, start, idx, vals, F, D, x, g, SD, T, buf);
  if (nv == 8) return odd ? gatherWide(8, true, cnt, k, start, idx, vals, F, D, x, g, SD, T, buf) : gatherWide(8, false, cnt, k, start, idx, vals, F, D, x, g, SD, T, buf);
  const row = <usize>nv << 4, frow = <usize>k << 3;
  const gb = buf + (<usize>CHUNK << 4);
  memory.fill(g, 0, row);
  memory.fill(gb, 0, row);
  // |t - D x|² of rows of even q and of odd q (CHUNK is even: a chunk's q has the parity of the row's).
  let ra: f64 = 0, rb: f64 = 0;
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row, s0 = start + q0;
    for (let j0 = 0, ns = 0; j0 < nv; j0 += ns) {
      ns = stripWidth(nv, j0);
      const o = <usize>j0 << 4, first = j0 == 0, last = odd && j0 + ns == nv;
      if (ns == 4) { if (last) stripGather(4, true, n, row, frow, o, idx, s0, F, Dc, x, buf, first); else stripGather(4, false, n, row, frow, o, idx, s0, F, Dc, x, buf, first); }
      else if (ns == 3) { if (last) stripGather(3, true, n, row, frow, o, idx, s0, F, Dc, x, buf, first); else stripGather(3, false, n, row, frow, o, idx, s0, F, Dc, x, buf, first); }
      else if (ns == 2) { if (last) stripGather(2, true, n, row, frow, o, idx, s0, F, Dc, x, buf, first); else stripGather(2, false, n, row, frow, o, idx, s0, F, Dc, x, buf, first); }
      else { if (last) stripGather(1, true, n, row, frow, o, idx, s0, F, Dc, x, buf, first); else stripGather(1, false, n, row, frow, o, idx, s0, F, Dc, x, buf, first); }
    }
    for (let q = 0; q < n; q++) {
      const bq = buf + (<usize>q << 4);
      const rs = load<f64>(vals + (<usize>(s0 + q) << 3)) - lane2(v128.load(bq));
      if (q & 1) rb += rs * rs;
      else ra += rs * rs;
      v128.store(bq, f64x2.splat(rs));
    }
    for (let j0 = 0, ns = 0; j0 < nv; j0 += ns) {
      ns = stripWidth(nv, j0);
      const o = <usize>j0 << 4;
      if (ns == 4) stripGradient(4, n, row, Dc + o, buf, g + o, gb + o, SD + o, T, idx, s0);
      else if (ns == 3) stripGradient(3, n, row, Dc + o, buf, g + o, gb + o, SD + o, T, idx, s0);
      else if (ns == 2) stripGradient(2, n, row, Dc + o, buf, g + o, gb + o, SD + o, T, idx, s0);
      else stripGradient(1, n, row, Dc + o, buf, g + o, gb + o, SD + o, T, idx, s0);
    }
  }
  for (let o: usize = 0; o < row; o += 16) v128.store(g + o, f64x2.add(v128.load(g + o), v128.load(gb + o)));
  return ra + rb;
}
