// BPMF's Gibbs half-step for 8-wide design rows (the default k = 7 with the
// bias, or k = 8 without), four rows at a time: each row's precision and
// right-hand side come from precision8 (assembly/bpmf-gram8.ts), then the
// rows' Cholesky factors and triangular solves run two to a SIMD operation
// (one row per lane), the two pairs interleaved in straight-line code
// (assembly/bpmf-chol8.ts). A lone row's factorisation is a chain of
// dependent square roots, divisions and subtractions; four independent
// chains in one instruction stream take little more than the time of one.
// Each lane performs exactly the operations of bpmfRows' single-row path, in
// the same order, so the bits are those of the twin (src/kernels/bpmf.ts,
// bpmfRows).
import { cholesky8x4, backward8x4, forward8x4 } from "./bpmf-chol8";
import { precision8, RAW_BYTES, sampleError8 } from "./bpmf-gram8";

/** Doubles of scratch rows8 takes from `work`: four G and b, two paired factors, right-hand sides, means, reciprocal pivots, masks. */
export const ROWS8_SCRATCH: i32 = 4 * (64 + 8) + 2 * (128 + 3 * 16) + 4 + 4 * <i32>(RAW_BYTES >> 3);

/** Entry (r, c) of a paired 8 x 8 matrix (two rows' values in one v128). */
@inline function at(P: usize, r: i32, c: i32): usize {
  return P + (<usize>(r * 8 + c) << 4);
}

/**
 * bpmfRows for d = 8 (k = 7 with fitBias, k = 8 without) on rows i0 <= i < i1; `work` holds at least ROWS8_SCRATCH
 * doubles. ow (weights of the other side's rows), rs (this side's row scales) and Fw (the weighted design rows) as
 * bpmfRows takes them. Returns the number of rows with observations whose precision was not positive definite (left at zero).
 */
export function rows8(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: bool, z: usize, M: usize, meanBias: usize, work: usize, sums: usize,
  ow: usize, rs: usize, Fw: usize,
): i32 {
  // Row l of a group: G at G0 + 512 l, b at b0 + 64 l. Pair p (rows 2p, 2p + 1): P, B, Y, R at 1024 p, 128 p past theirs.
  // With sums (the fused scoring pass), each row's plain sums at RAW + RAW_BYTES l, its sample's error to sums[2i].
  const G0 = work, b0 = G0 + 2048, P = b0 + 256, B = P + 2048, Y = B + 256, R = Y + 256, OK = R + 256, RAW = OK + 32;
  let failed = 0;
  for (let i = i0; i < i1; i += 4) {
    // A short last group repeats its last row in the spare lanes (computed, never written back).
    const rows = min(4, i1 - i);
    for (let l = 0; l < rows; l++) {
      const s = load<i32>(ptr + (<usize>(i + l) << 2)), e = load<i32>(ptr + (<usize>(i + l + 1) << 2));
      // Row i's noise precision: alpha, times rs[i] when rows have scales of their own.
      const a = rs != 0 ? alpha * load<f64>(rs + (<usize>(i + l) << 3)) : alpha;
      precision8(s, e, k, idx, vals, F, otherBias, mu, fitBias, a, Lam, h0, G0 + (<usize>l << 9), b0 + (<usize>l << 6), sums != 0 ? RAW + <usize>l * RAW_BYTES : 0, ow, Fw);
    }
    for (let p = 0; p < 2; p++) {
      const la = min(2 * p, rows - 1), lb = min(2 * p + 1, rows - 1);
      pairUp(G0 + (<usize>la << 9), G0 + (<usize>lb << 9), b0 + (<usize>la << 6), b0 + (<usize>lb << 6), P + (<usize>p << 10), B + (<usize>p << 7));
    }
    cholesky8x4(P, R, OK);
    forward8x4(P, R, B);
    // y = L⁻¹ b; the sample is L⁻ᵀ (y + z), the mean L⁻ᵀ y.
    for (let p = 0; p < 2; p++) {
      const zA = z + (<usize>(i + min(2 * p, rows - 1)) << 6), zB = z + (<usize>(i + min(2 * p + 1, rows - 1)) << 6);
      const Bp = B + (<usize>p << 7), Yp = Y + (<usize>p << 7);
      for (let c = 0; c < 8; c += 2) {
        const o = <usize>c << 3, a = v128.load(zA + o), b = v128.load(zB + o), q = Bp + (<usize>c << 4), w = Yp + (<usize>c << 4);
        const y0 = v128.load(q), y1 = v128.load(q, 16);
        v128.store(w, y0);
        v128.store(w, y1, 16);
        v128.store(q, f64x2.add(y0, v128.shuffle<f64>(a, b, 0, 2)));
        v128.store(q, f64x2.add(y1, v128.shuffle<f64>(a, b, 1, 3)), 16);
      }
    }
    backward8x4(P, R, B, Y);
    for (let l = 0; l < rows; l++) {
      const r = i + l, has = load<i32>(ptr + (<usize>(r + 1) << 2)) > load<i32>(ptr + (<usize>r << 2));
      const ok = load<i64>(OK + (<usize>l << 3)) != 0, p = <usize>(l >> 1) << 7, lane = <usize>(l & 1) << 3;
      put(r, has && ok, k, fitBias, B + p + lane, Y + p + lane, X, M, ownBias, meanBias);
      if (has && !ok) failed++;
      if (sums != 0) {
        const err = sampleError8(RAW + <usize>l * RAW_BYTES, X + (<usize>(r * k) << 3), load<f64>(ownBias + (<usize>r << 3)), fitBias);
        store<f64>(sums + (<usize>r << 4), err);
      }
    }
  }
  return failed;
}

/** P (paired) entry (r, c) = (GA[r][c], GB[r][c]) on and below the diagonal, B = (bA, bB). */
@inline function pairUp(GA: usize, GB: usize, bA: usize, bB: usize, P: usize, B: usize): void {
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c <= r; c += 2) {
      const o = <usize>(r * 8 + c) << 3, a = v128.load(GA + o), b = v128.load(GB + o);
      v128.store(at(P, r, c), v128.shuffle<f64>(a, b, 0, 2));
      v128.store(at(P, r, c), v128.shuffle<f64>(a, b, 1, 3), 16);
    }
  }
  for (let c = 0; c < 8; c += 2) {
    const o = <usize>c << 3, a = v128.load(bA + o), b = v128.load(bB + o);
    v128.store(B + (<usize>c << 4), v128.shuffle<f64>(a, b, 0, 2));
    v128.store(B + (<usize>c << 4), v128.shuffle<f64>(a, b, 1, 3), 16);
  }
}

/** Row i's sample and mean from the lane at B and Y (entries 16 bytes apart), or zeros when not ok (no observations, or a pivot not positive). */
@inline function put(i: i32, ok: bool, k: i32, fitBias: bool, B: usize, Y: usize, X: usize, M: usize, ownBias: usize, meanBias: usize): void {
  const x = X + (<usize>(i * k) << 3), m = M + (<usize>(i * k) << 3);
  for (let c = 0; c < k; c++) {
    const o = <usize>c << 4;
    store<f64>(x + (<usize>c << 3), ok ? load<f64>(B + o) : 0.0);
    store<f64>(m + (<usize>c << 3), ok ? load<f64>(Y + o) : 0.0);
  }
  const o = <usize>k << 4;
  store<f64>(ownBias + (<usize>i << 3), ok && fitBias ? load<f64>(B + o) : 0.0);
  store<f64>(meanBias + (<usize>i << 3), ok && fitBias ? load<f64>(Y + o) : 0.0);
}
