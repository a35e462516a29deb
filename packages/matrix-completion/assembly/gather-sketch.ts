// The first pass over one row regression's observations in robust-altmin:
// gathers the design D (the other side's factor rows at the row's observed
// columns), forms the gradient g = Dᵀ(t - D x) at the warm start x, and
// sketches D: a CountSketch adds ±d_q to bucket rows of SD (gatherSketch),
// the SRHT's first stage writes ±d_q to H (gatherSigned). O(cnt k).
//
// Layout and rounding as assembly/normal-product.ts: D, g, SD and H rows are
// kp = k rounded up to even doubles apart with a zero padding column; the dot
// d·x runs in one two-lane accumulator (even columns in lane 0, odd in lane
// 1) and is lane 0 + lane 1; g's entries receive r_q d_q in row order.
// Up to 8 columns x and g stay in registers (one specialisation per register
// count and parity); wider rows go by chunks, two sweeps each (gather and dot,
// then the strips of g and of the sketch). Twin: src/kernels/gather-sketch.ts.
import { madd } from "../../linalg/assembly/simd";
import { CHUNK } from "./normal-product";
import { mix32 } from "./sketch-hash";

/** Register J of a k-long row at p (NV registers; when ODD the last holds one double and a zero). */
@inline function ld(NV: i32, ODD: bool, J: i32, p: usize): v128 {
  const a = p + (<usize>J << 4);
  return ODD && J == NV - 1 ? v128.load64_zero(a) : v128.load(a);
}

/** b += d with d's sign flipped by neg (exactly ±d). */
@inline function addSigned(b: usize, d: v128, neg: v128): void {
  v128.store(b, f64x2.add(v128.load(b), v128.xor(d, neg)));
}

@inline function gatherFused(
  NV: i32, ODD: bool, cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize,
): void {
  const frow = <usize>k << 3, row = <usize>NV << 4;
  const zero = f64x2.splat(0);
  const x0 = ld(NV, ODD, 0, x);
  const x1 = NV > 1 ? ld(NV, ODD, 1, x) : zero;
  const x2 = NV > 2 ? ld(NV, ODD, 2, x) : zero;
  const x3 = NV > 3 ? ld(NV, ODD, 3, x) : zero;
  let g0 = zero, g1 = zero, g2 = zero, g3 = zero;
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const src = F + <usize>j * frow, dq = D + <usize>q * row;
    const d0 = ld(NV, ODD, 0, src);
    const d1 = NV > 1 ? ld(NV, ODD, 1, src) : zero;
    const d2 = NV > 2 ? ld(NV, ODD, 2, src) : zero;
    const d3 = NV > 3 ? ld(NV, ODD, 3, src) : zero;
    v128.store(dq, d0);
    if (NV > 1) v128.store(dq, d1, 16);
    if (NV > 2) v128.store(dq, d2, 32);
    if (NV > 3) v128.store(dq, d3, 48);
    let a = madd(d0, x0, zero);
    if (NV > 1) a = madd(d1, x1, a);
    if (NV > 2) a = madd(d2, x2, a);
    if (NV > 3) a = madd(d3, x3, a);
    const vr = f64x2.splat(load<f64>(vals + (<usize>(start + q) << 3)) - (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1)));
    g0 = madd(vr, d0, g0);
    if (NV > 1) g1 = madd(vr, d1, g1);
    if (NV > 2) g2 = madd(vr, d2, g2);
    if (NV > 3) g3 = madd(vr, d3, g3);
    const t = load<i32>(T + (<usize>j << 2));
    const neg = i64x2.splat(<i64>(t & 1) << 63);
    const b = SD + <usize>(t & ~1);
    addSigned(b, d0, neg);
    if (NV > 1) addSigned(b + 16, d1, neg);
    if (NV > 2) addSigned(b + 32, d2, neg);
    if (NV > 3) addSigned(b + 48, d3, neg);
  }
  v128.store(g, g0);
  if (NV > 1) v128.store(g, g1, 16);
  if (NV > 2) v128.store(g, g2, 32);
  if (NV > 3) v128.store(g, g3, 48);
}

/**
 * Copies the k-long row at src to dst (padded to nv registers with zero) and
 * returns t minus its dot with the padded row xp, in the two-lane order.
 */
@inline function copyResidual(nv: i32, odd: bool, src: usize, dst: usize, xp: usize, t: f64): f64 {
  let a = f64x2.splat(0);
  for (let J = 0; J < nv; J++) {
    const o = <usize>J << 4;
    const d = odd && J == nv - 1 ? v128.load64_zero(src + o) : v128.load(src + o);
    v128.store(dst + o, d);
    a = madd(d, v128.load(xp + o), a);
  }
  return t - (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1));
}

/** g's strip (NV registers) += r_q d_q and the strip of each row's bucket += ±d_q, over a chunk of n rows. */
@inline function stripGradient(NV: i32, n: i32, row: usize, D: usize, buf: usize, g: usize, SD: usize, T: usize, idx: usize, start: i32): void {
  const zero = f64x2.splat(0);
  let g0 = v128.load(g);
  let g1 = NV > 1 ? v128.load(g, 16) : zero;
  let g2 = NV > 2 ? v128.load(g, 32) : zero;
  let g3 = NV > 3 ? v128.load(g, 48) : zero;
  for (let q = 0; q < n; q++) {
    const dq = D + <usize>q * row;
    const vr = v128.load(buf + (<usize>q << 4));
    const t = load<i32>(T + (<usize>load<i32>(idx + (<usize>(start + q) << 2)) << 2));
    const neg = i64x2.splat(<i64>(t & 1) << 63);
    const b = SD + <usize>(t & ~1);
    const d0 = v128.load(dq);
    g0 = madd(vr, d0, g0);
    addSigned(b, d0, neg);
    if (NV > 1) {
      const d1 = v128.load(dq, 16);
      g1 = madd(vr, d1, g1);
      addSigned(b + 16, d1, neg);
    }
    if (NV > 2) {
      const d2 = v128.load(dq, 32);
      g2 = madd(vr, d2, g2);
      addSigned(b + 32, d2, neg);
    }
    if (NV > 3) {
      const d3 = v128.load(dq, 48);
      g3 = madd(vr, d3, g3);
      addSigned(b + 48, d3, neg);
    }
  }
  v128.store(g, g0);
  if (NV > 1) v128.store(g, g1, 16);
  if (NV > 2) v128.store(g, g2, 32);
  if (NV > 3) v128.store(g, g3, 48);
}

/** xp (kp doubles) = the k-long x padded with zero. */
@inline function padded(k: i32, x: usize, xp: usize): void {
  memory.copy(xp, x, <usize>k << 3);
  if (k & 1) store<f64>(xp + (<usize>k << 3), 0);
}

/**
 * CountSketch first pass of the row whose observations are [start, start + cnt):
 * D (cnt rows) gathered from F (k columns), g (kp) = Dᵀ(t - D x) for the
 * row x of X (k doubles), SD's bucket rows += ±d_q, T[j] holding bucket row
 * byte offset | sign bit for row j of F. SD must be zeroed by the caller.
 * buf: 2 CHUNK + kp doubles of scratch (rows wider than 8 only). O(cnt k).
 */
export function gatherSketch(
  cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize, buf: usize,
): void {
  const nv = (k + 1) >> 1, odd = (k & 1) != 0;
  if (nv <= 4) {
    if (nv == 1) {
      if (odd) gatherFused(1, true, cnt, k, start, idx, vals, F, D, x, g, SD, T);
      else gatherFused(1, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
    } else if (nv == 2) {
      if (odd) gatherFused(2, true, cnt, k, start, idx, vals, F, D, x, g, SD, T);
      else gatherFused(2, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
    } else if (nv == 3) {
      if (odd) gatherFused(3, true, cnt, k, start, idx, vals, F, D, x, g, SD, T);
      else gatherFused(3, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
    } else {
      if (odd) gatherFused(4, true, cnt, k, start, idx, vals, F, D, x, g, SD, T);
      else gatherFused(4, false, cnt, k, start, idx, vals, F, D, x, g, SD, T);
    }
    return;
  }
  const row = <usize>nv << 4, frow = <usize>k << 3;
  const xp = buf + (<usize>CHUNK << 4);
  padded(k, x, xp);
  memory.fill(g, 0, row);
  for (let q0 = 0; q0 < cnt; q0 += CHUNK) {
    const n = min(CHUNK, cnt - q0);
    const Dc = D + <usize>q0 * row, s0 = start + q0;
    for (let q = 0; q < n; q++) {
      const j = load<i32>(idx + (<usize>(s0 + q) << 2));
      const r = copyResidual(nv, odd, F + <usize>j * frow, Dc + <usize>q * row, xp, load<f64>(vals + (<usize>(s0 + q) << 3)));
      v128.store(buf + (<usize>q << 4), f64x2.splat(r));
    }
    for (let j0 = 0; j0 < nv; j0 += 4) {
      const o = <usize>j0 << 4, ns = min(4, nv - j0);
      if (ns == 4) stripGradient(4, n, row, Dc + o, buf, g + o, SD + o, T, idx, s0);
      else if (ns == 3) stripGradient(3, n, row, Dc + o, buf, g + o, SD + o, T, idx, s0);
      else if (ns == 2) stripGradient(2, n, row, Dc + o, buf, g + o, SD + o, T, idx, s0);
      else stripGradient(1, n, row, Dc + o, buf, g + o, SD + o, T, idx, s0);
    }
  }
}

/**
 * SRHT first pass: D and g as gatherSketch, and H's rows (kp apart) = ±d_q,
 * the sign of observation (i, j) from the row's key. buf: CHUNK + kp doubles. O(cnt k).
 */
export function gatherSigned(
  cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, H: usize, key: u32, buf: usize,
): void {
  const nv = (k + 1) >> 1, odd = (k & 1) != 0;
  const row = <usize>nv << 4, frow = <usize>k << 3;
  const xp = buf + (<usize>CHUNK << 4);
  padded(k, x, xp);
  memory.fill(g, 0, row);
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const dq = D + <usize>q * row, hq = H + <usize>q * row;
    const vr = f64x2.splat(copyResidual(nv, odd, F + <usize>j * frow, dq, xp, load<f64>(vals + (<usize>(start + q) << 3))));
    const neg = i64x2.splat(<i64>(mix32(key ^ <u32>j) & 1) << 63);
    for (let J = 0; J < nv; J++) {
      const o = <usize>J << 4;
      const d = v128.load(dq + o);
      v128.store(g + o, madd(vr, d, v128.load(g + o)));
      v128.store(hq + o, v128.xor(d, neg));
    }
  }
}
