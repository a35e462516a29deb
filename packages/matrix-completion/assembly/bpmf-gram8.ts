// A row's precision and right-hand side for BPMF's Gibbs half-step when the
// design rows are 8 wide (k = 7 with the bias, the default, or k = 8 without):
// P = alpha Σ f fᵀ + Lam and alpha Σ t f + h0 with every sum in registers,
// read straight from F_j (no gathered copy, no tiles in memory). Three passes
// over the row's observations, each with at most nine two-lane sums: the
// right-hand side, Σ t² and row 7 (all ones with the bias: its terms are plain
// adds); rows 0-4 of the lower triangle; rows 5 and 6. Nine sums, F_j's four
// pairs and a splat fit V8's 15 vector registers; two passes of fifteen and
// ten sums spilled on every observation (half-steps 8-12% slower on
// MovieLens-shaped ratings). Each entry still receives its terms one at a time in q
// order from zero, one multiply-add each, then alpha times the sum plus the
// prior (never fused): the bits of formNormal's twin
// (src/kernels/normal-solve.ts) followed by bpmfRows' scaling. Pairs that
// straddle the diagonal also write an entry above it; nothing reads the upper
// triangle. Twin: src/kernels/bpmf.ts (bpmfRows).
import { madd } from "../../linalg/assembly/simd";

/** Address of F's row for observation q (k doubles). */
@inline function fRow(F: usize, idx: usize, q: i32, k: i32): usize {
  return F + ((<usize>load<i32>(idx + (<usize>q << 2)) * <usize>k) << 3);
}

/** The design row's last pair: (f6, 1) with the bias (k = 7; no read past the row), else (f6, f7). */
@inline function lastPair(f: usize, fitBias: bool): v128 {
  return fitBias ? f64x2.replace_lane(v128.load64_zero(f, 48), 1, 1.0) : v128.load(f, 48);
}

/** G[r][c, c + 1] = alpha · s + Lam[r][c, c + 1] (a multiply, then an add). */
@inline function put(G: usize, Lam: usize, al: v128, r: i32, c: i32, s: v128): void {
  const o = <usize>(r * 8 + c) << 3;
  v128.store(G + o, f64x2.add(f64x2.mul(al, s), v128.load(Lam + o)));
}

/**
 * G (8 x 8, lower triangle) = alpha Σ f fᵀ + Lam and b = alpha Σ t f + h0 over the observations q in [start, end) of
 * one row: f = [F_j, 1] with the bias (k = 7), F_j without (k = 8); t = vals[q] - mu - otherBias[j]. With ow not 0
 * (the roots of the observations' weights, r = ow[j]), each observation's design row and target are r f and r t (each
 * product rounded once), read from Fw (eight doubles a row, Fw[8j + c] = r F_j[c], and r itself last with the bias:
 * bpmfWeightRows); the plain sums kept for sampleError8 are those of the scaled rows, so it returns the weighted
 * squared error Σ (r (x · f - t))².
 */
export function precision8(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool,
  alpha: f64, Lam: usize, h0: usize, G: usize, b: usize, raw: usize, ow: usize, Fw: usize,
): void {
  if (ow != 0) {
    // Weighted (each observation's row and target scaled by ow[j], the rows read from Fw): a variant of its own, so
    // the plain passes stay as they were.
    if (raw != 0) {
      if (fitBias) passes(start, end, 7, idx, vals, F, otherBias, mu, true, alpha, Lam, h0, G, b, raw, true, ow, Fw, true);
      else passes(start, end, 8, idx, vals, F, otherBias, mu, false, alpha, Lam, h0, G, b, raw, true, ow, Fw, true);
    } else if (fitBias) passes(start, end, 7, idx, vals, F, otherBias, mu, true, alpha, Lam, h0, G, b, 0, false, ow, Fw, true);
    else passes(start, end, 8, idx, vals, F, otherBias, mu, false, alpha, Lam, h0, G, b, 0, false, ow, Fw, true);
  } else if (raw != 0) {
    if (fitBias) passes(start, end, 7, idx, vals, F, otherBias, mu, true, alpha, Lam, h0, G, b, raw, true, 0, 0, false);
    else passes(start, end, 8, idx, vals, F, otherBias, mu, false, alpha, Lam, h0, G, b, raw, true, 0, 0, false);
  } else if (fitBias) passes(start, end, 7, idx, vals, F, otherBias, mu, true, alpha, Lam, h0, G, b, 0, false, 0, 0, false);
  else passes(start, end, 8, idx, vals, F, otherBias, mu, false, alpha, Lam, h0, G, b, 0, false, 0, 0, false);
}

/** raw[r][c, c + 1] = s (the plain sums, RAW_T past them the targets' squares: sampleError8 reads them). */
@inline function keep(raw: usize, r: i32, c: i32, s: v128): void {
  v128.store(raw + (<usize>(r * 8 + c) << 3), s);
}

/** Bytes of one row's plain sums for sampleError8: Σ f fᵀ (8 x 8, lower triangle), Σ t f (8) at 512, Σ t² at RAW_T. */
export const RAW_T: usize = 576;
export const RAW_BYTES: usize = 592;

/**
 * The sample's squared error over the row's observations from the plain sums, Σ (x · f - t)² =
 * Σ_r x_r (2 Σ_{c<r} A_rc x_c + A_rr x_r) - 2 Σ_r x_r (Σ t f)_r + Σ t², each sum from zero in index order, at least 0;
 * x = [X_i, ownBias_i] (k = 7 with the bias) or X_i (k = 8). The terms cancel to the residuals' size, so its absolute
 * error is about 1e-16 Σ t²: negligible on the sampler's standardised values (residuals of the targets' order), not on
 * raw values far from zero. Straight-line code (entry (r, c) of the sums at 8 (8r + c) bytes): the loop form took
 * about 100 cycles a row, most of it branches and dependent address arithmetic. Twin: src/kernels/bpmf-scored.ts.
 */
export function sampleError8(raw: usize, x: usize, bias: f64, fitBias: bool): f64 {
  const x0 = load<f64>(x), x1 = load<f64>(x, 8), x2 = load<f64>(x, 16), x3 = load<f64>(x, 24), x4 = load<f64>(x, 32), x5 = load<f64>(x, 40), x6 = load<f64>(x, 48);
  const x7 = fitBias ? bias : load<f64>(x, 56);
  // s_r = Σ_{c<r} A_rc x_c from zero in c order: seven independent chains.
  const s1 = 0.0 + load<f64>(raw, 64) * x0;
  const s2 = 0.0 + load<f64>(raw, 128) * x0 + load<f64>(raw, 136) * x1;
  const s3 = 0.0 + load<f64>(raw, 192) * x0 + load<f64>(raw, 200) * x1 + load<f64>(raw, 208) * x2;
  const s4 = 0.0 + load<f64>(raw, 256) * x0 + load<f64>(raw, 264) * x1 + load<f64>(raw, 272) * x2 + load<f64>(raw, 280) * x3;
  const s5 = 0.0 + load<f64>(raw, 320) * x0 + load<f64>(raw, 328) * x1 + load<f64>(raw, 336) * x2 + load<f64>(raw, 344) * x3 + load<f64>(raw, 352) * x4;
  const s6 = 0.0 + load<f64>(raw, 384) * x0 + load<f64>(raw, 392) * x1 + load<f64>(raw, 400) * x2 + load<f64>(raw, 408) * x3 + load<f64>(raw, 416) * x4 + load<f64>(raw, 424) * x5;
  const s7 = 0.0 + load<f64>(raw, 448) * x0 + load<f64>(raw, 456) * x1 + load<f64>(raw, 464) * x2 + load<f64>(raw, 472) * x3 + load<f64>(raw, 480) * x4 + load<f64>(raw, 488) * x5 + load<f64>(raw, 496) * x6;
  // q = Σ_r x_r (2 s_r + A_rr x_r) and lin = Σ_r x_r (Σ t f)_r from zero in r order.
  let q: f64 = 0.0 + x0 * (2.0 * 0.0 + load<f64>(raw, 0) * x0);
  q += x1 * (2.0 * s1 + load<f64>(raw, 72) * x1);
  q += x2 * (2.0 * s2 + load<f64>(raw, 144) * x2);
  q += x3 * (2.0 * s3 + load<f64>(raw, 216) * x3);
  q += x4 * (2.0 * s4 + load<f64>(raw, 288) * x4);
  q += x5 * (2.0 * s5 + load<f64>(raw, 360) * x5);
  q += x6 * (2.0 * s6 + load<f64>(raw, 432) * x6);
  q += x7 * (2.0 * s7 + load<f64>(raw, 504) * x7);
  let lin: f64 = 0.0 + x0 * load<f64>(raw, 512);
  lin += x1 * load<f64>(raw, 520);
  lin += x2 * load<f64>(raw, 528);
  lin += x3 * load<f64>(raw, 536);
  lin += x4 * load<f64>(raw, 544);
  lin += x5 * load<f64>(raw, 552);
  lin += x6 * load<f64>(raw, 560);
  lin += x7 * load<f64>(raw, 568);
  return max<f64>(0.0, q - 2.0 * lin + load<f64>(raw + RAW_T));
}

@inline function passes(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool,
  alpha: f64, Lam: usize, h0: usize, G: usize, b: usize, raw: usize, scoring: bool, ow: usize, Fw: usize, weighted: bool,
): void {
  const al = f64x2.splat(alpha);
  // Three passes of at most nine sums each, so that the sums, F_j's four pairs and a splat stay in the 15 vector
  // registers V8 allocates (two passes of 15 and 10 spilled on every observation). Pass 1: the right-hand side, Σ t²
  // and row 7 (all ones with the bias: its terms are plain adds).
  let b0 = f64x2.splat(0), b1 = b0, b2 = b0, b3 = b0, tt = b0, e0 = b0, e1 = b0, e2 = b0, e3 = b0;
  for (let q = start; q < end; q++) {
    const j = <usize>load<i32>(idx + (<usize>q << 2));
    const f = F + ((j * <usize>k) << 3), g = Fw + (j << 6);
    // Weighted: every term from Fw's row j, r f (r = ow[j], the root of the observation's weight; with the bias its
    // last entry is r itself), and the target r t: the sums are those of the scaled rows [r f, r t].
    const x0 = weighted ? v128.load(g) : v128.load(f), x1 = weighted ? v128.load(g, 16) : v128.load(f, 16);
    const x2 = weighted ? v128.load(g, 32) : v128.load(f, 32), x3 = weighted ? v128.load(g, 48) : lastPair(f, fitBias);
    let t = load<f64>(vals + (<usize>q << 3)) - mu - load<f64>(otherBias + (j << 3));
    if (weighted) t = (fitBias ? f64x2.extract_lane(x3, 1) : load<f64>(ow + (j << 3))) * t;
    const ts = f64x2.splat(t);
    b0 = madd(ts, x0, b0);
    b1 = madd(ts, x1, b1);
    b2 = madd(ts, x2, b2);
    b3 = madd(ts, x3, b3);
    if (scoring) tt = madd(ts, ts, tt);
    if (fitBias && !weighted) {
      // 1 · f_c: the product is exact, so an add rounds as the multiply-add does.
      e0 = f64x2.add(e0, x0);
      e1 = f64x2.add(e1, x1);
      e2 = f64x2.add(e2, x2);
      e3 = f64x2.add(e3, x3);
    } else {
      const s = v128.load64_splat(weighted ? g : f, 56);
      e0 = madd(s, x0, e0);
      e1 = madd(s, x1, e1);
      e2 = madd(s, x2, e2);
      e3 = madd(s, x3, e3);
    }
  }
  if (scoring) {
    keep(raw, 7, 0, e0);
    keep(raw, 7, 2, e1);
    keep(raw, 7, 4, e2);
    keep(raw, 7, 6, e3);
    v128.store(raw + 512, b0);
    v128.store(raw + 512, b1, 16);
    v128.store(raw + 512, b2, 32);
    v128.store(raw + 512, b3, 48);
    store<f64>(raw + RAW_T, f64x2.extract_lane(tt, 0));
  }
  put(G, Lam, al, 7, 0, e0);
  put(G, Lam, al, 7, 2, e1);
  put(G, Lam, al, 7, 4, e2);
  put(G, Lam, al, 7, 6, e3);
  v128.store(b, f64x2.add(f64x2.mul(al, b0), v128.load(h0)));
  v128.store(b, f64x2.add(f64x2.mul(al, b1), v128.load(h0, 16)), 16);
  v128.store(b, f64x2.add(f64x2.mul(al, b2), v128.load(h0, 32)), 32);
  v128.store(b, f64x2.add(f64x2.mul(al, b3), v128.load(h0, 48)), 48);
  // Pass 2: rows 0-4 (pairs up to the diagonal).
  let a00 = f64x2.splat(0), a10 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00, c40 = a00, c41 = a00, c42 = a00;
  for (let q = start; q < end; q++) {
    const f = weighted ? fRow(Fw, idx, q, 8) : fRow(F, idx, q, k);
    const x0 = v128.load(f), x1 = v128.load(f, 16), x2 = v128.load(f, 32);
    let s = v128.load64_splat(f);
    a00 = madd(s, x0, a00);
    s = v128.load64_splat(f, 8);
    a10 = madd(s, x0, a10);
    s = v128.load64_splat(f, 16);
    a20 = madd(s, x0, a20);
    a21 = madd(s, x1, a21);
    s = v128.load64_splat(f, 24);
    a30 = madd(s, x0, a30);
    a31 = madd(s, x1, a31);
    s = v128.load64_splat(f, 32);
    c40 = madd(s, x0, c40);
    c41 = madd(s, x1, c41);
    c42 = madd(s, x2, c42);
  }
  if (scoring) {
    keep(raw, 0, 0, a00);
    keep(raw, 1, 0, a10);
    keep(raw, 2, 0, a20);
    keep(raw, 2, 2, a21);
    keep(raw, 3, 0, a30);
    keep(raw, 3, 2, a31);
    keep(raw, 4, 0, c40);
    keep(raw, 4, 2, c41);
    keep(raw, 4, 4, c42);
  }
  put(G, Lam, al, 0, 0, a00);
  put(G, Lam, al, 1, 0, a10);
  put(G, Lam, al, 2, 0, a20);
  put(G, Lam, al, 2, 2, a21);
  put(G, Lam, al, 3, 0, a30);
  put(G, Lam, al, 3, 2, a31);
  put(G, Lam, al, 4, 0, c40);
  put(G, Lam, al, 4, 2, c41);
  put(G, Lam, al, 4, 4, c42);
  // Pass 3: rows 5 and 6.
  let c50 = f64x2.splat(0), c51 = c50, c52 = c50, c60 = c50, c61 = c50, c62 = c50, c63 = c50;
  for (let q = start; q < end; q++) {
    const f = weighted ? fRow(Fw, idx, q, 8) : fRow(F, idx, q, k);
    const x0 = v128.load(f), x1 = v128.load(f, 16), x2 = v128.load(f, 32), x3 = weighted ? v128.load(f, 48) : lastPair(f, fitBias);
    let s = v128.load64_splat(f, 40);
    c50 = madd(s, x0, c50);
    c51 = madd(s, x1, c51);
    c52 = madd(s, x2, c52);
    s = v128.load64_splat(f, 48);
    c60 = madd(s, x0, c60);
    c61 = madd(s, x1, c61);
    c62 = madd(s, x2, c62);
    c63 = madd(s, x3, c63);
  }
  if (scoring) {
    keep(raw, 5, 0, c50);
    keep(raw, 5, 2, c51);
    keep(raw, 5, 4, c52);
    keep(raw, 6, 0, c60);
    keep(raw, 6, 2, c61);
    keep(raw, 6, 4, c62);
    keep(raw, 6, 6, c63);
  }
  put(G, Lam, al, 5, 0, c50);
  put(G, Lam, al, 5, 2, c51);
  put(G, Lam, al, 5, 4, c52);
  put(G, Lam, al, 6, 0, c60);
  put(G, Lam, al, 6, 2, c61);
  put(G, Lam, al, 6, 4, c62);
  put(G, Lam, al, 6, 6, c63);
}
