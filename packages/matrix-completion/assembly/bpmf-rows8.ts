// BPMF's Gibbs half-step for 8-wide design rows (the default k = 7 with the
// bias, or k = 8 without), four rows at a time: each row's precision and
// right-hand side come from precision8 (assembly/bpmf-gram8.ts), then the
// rows' Cholesky factors and triangular solves run two to a SIMD operation
// (one row per lane), the two pairs interleaved in one loop. A lone row's
// factorisation is a chain of dependent square roots, divisions and
// subtractions; four independent chains in one instruction stream take
// little more than the time of one. Each lane performs
// exactly the operations of bpmfRows' single-row path, in the same order, so
// the bits are those of the twin (src/kernels/bpmf.ts, bpmfRows).
import { precision8 } from "./bpmf-gram8";

/** Doubles of scratch rows8 takes from `work`: four G and b, two paired factors, right-hand sides, means, reciprocal pivots, masks. */
export const ROWS8_SCRATCH: i32 = 4 * (64 + 8) + 2 * (128 + 3 * 16) + 4;

/** Entry (r, c) of a paired 8 x 8 matrix (two rows' values in one v128). */
@inline function at(P: usize, r: i32, c: i32): usize {
  return P + (<usize>(r * 8 + c) << 4);
}

/**
 * bpmfRows for d = 8 (k = 7 with fitBias, k = 8 without) on rows i0 <= i < i1; `work` holds at least ROWS8_SCRATCH
 * doubles. Returns the number of rows with observations whose precision was not positive definite (left at zero).
 */
export function rows8(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: bool, z: usize, M: usize, meanBias: usize, work: usize,
): i32 {
  // Row l of a group: G at G0 + 512 l, b at b0 + 64 l. Pair p (rows 2p, 2p + 1): P, B, Y, R at 1024 p, 128 p past theirs.
  const G0 = work, b0 = G0 + 2048, P = b0 + 256, B = P + 2048, Y = B + 256, R = Y + 256, OK = R + 256;
  let failed = 0;
  for (let i = i0; i < i1; i += 4) {
    // A short last group repeats its last row in the spare lanes (computed, never written back).
    const rows = min(4, i1 - i);
    for (let l = 0; l < rows; l++) {
      const s = load<i32>(ptr + (<usize>(i + l) << 2)), e = load<i32>(ptr + (<usize>(i + l + 1) << 2));
      precision8(s, e, k, idx, vals, F, otherBias, mu, fitBias, alpha, Lam, h0, G0 + (<usize>l << 9), b0 + (<usize>l << 6));
    }
    for (let p = 0; p < 2; p++) {
      const la = min(2 * p, rows - 1), lb = min(2 * p + 1, rows - 1);
      pairUp(G0 + (<usize>la << 9), G0 + (<usize>lb << 9), b0 + (<usize>la << 6), b0 + (<usize>lb << 6), P + (<usize>p << 10), B + (<usize>p << 7));
    }
    cholesky22(P, R, OK);
    forward22(P, R, B);
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
    backward22(P, R, B, Y);
    for (let l = 0; l < rows; l++) {
      const r = i + l, has = load<i32>(ptr + (<usize>(r + 1) << 2)) > load<i32>(ptr + (<usize>r << 2));
      const ok = load<i64>(OK + (<usize>l << 3)) != 0, p = <usize>(l >> 1) << 7, lane = <usize>(l & 1) << 3;
      put(r, has && ok, k, fitBias, B + p + lane, Y + p + lane, X, M, ownBias, meanBias);
      if (has && !ok) failed++;
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

/**
 * The lower Cholesky factors of the four lanes' matrices (two pairs, P and P + 1024 bytes) in place, right-looking as
 * choleskySmall in assembly/bpmf.ts: each entry loses L[i][j] L[c][j] in j order, a multiply then a subtract. R (and
 * R + 128) gets the reciprocal pivots; OK's four i64 are all ones for a lane whose every pivot was positive.
 */
@inline function cholesky22(P: usize, R: usize, OK: usize): void {
  const zero = f64x2.splat(0), one = f64x2.splat(1), Q = P + 1024, S = R + 128;
  let ok = f64x2.eq(zero, zero), ok2 = ok;
  for (let j = 0; j < 8; j++) {
    const p = v128.load(at(P, j, j)), p2 = v128.load(at(Q, j, j));
    ok = v128.and(ok, f64x2.gt(p, zero));
    ok2 = v128.and(ok2, f64x2.gt(p2, zero));
    const l = f64x2.sqrt(p), l2 = f64x2.sqrt(p2);
    const r = f64x2.div(one, l), r2 = f64x2.div(one, l2);
    v128.store(at(P, j, j), l);
    v128.store(at(Q, j, j), l2);
    v128.store(R + (<usize>j << 4), r);
    v128.store(S + (<usize>j << 4), r2);
    for (let i = j + 1; i < 8; i++) {
      v128.store(at(P, i, j), f64x2.mul(v128.load(at(P, i, j)), r));
      v128.store(at(Q, i, j), f64x2.mul(v128.load(at(Q, i, j)), r2));
    }
    for (let i = j + 1; i < 8; i++) {
      const lij = v128.load(at(P, i, j)), lij2 = v128.load(at(Q, i, j));
      for (let c = j + 1; c <= i; c++) {
        v128.store(at(P, i, c), f64x2.sub(v128.load(at(P, i, c)), f64x2.mul(lij, v128.load(at(P, c, j)))));
        v128.store(at(Q, i, c), f64x2.sub(v128.load(at(Q, i, c)), f64x2.mul(lij2, v128.load(at(Q, c, j)))));
      }
    }
  }
  v128.store(OK, ok);
  v128.store(OK, ok2, 16);
}

/** B = L⁻¹ B in the four lanes; each B[i] loses L[i][t] y[t] in t order. */
@inline function forward22(P: usize, R: usize, B: usize): void {
  const Q = P + 1024, S = R + 128, C = B + 128;
  for (let t = 0; t < 8; t++) {
    const o = <usize>t << 4;
    const yt = f64x2.mul(v128.load(B + o), v128.load(R + o)), yt2 = f64x2.mul(v128.load(C + o), v128.load(S + o));
    v128.store(B + o, yt);
    v128.store(C + o, yt2);
    for (let i = t + 1; i < 8; i++) {
      const oi = <usize>i << 4;
      v128.store(B + oi, f64x2.sub(v128.load(B + oi), f64x2.mul(v128.load(at(P, i, t)), yt)));
      v128.store(C + oi, f64x2.sub(v128.load(C + oi), f64x2.mul(v128.load(at(Q, i, t)), yt2)));
    }
  }
}

/** B = L⁻ᵀ B and Y = L⁻ᵀ Y in the four lanes; each entry i loses L[t][i] x[t] in descending t order. */
@inline function backward22(P: usize, R: usize, B: usize, Y: usize): void {
  const Q = P + 1024, S = R + 128, C = B + 128, Z = Y + 128;
  for (let t = 7; t >= 0; t--) {
    const o = <usize>t << 4, r = v128.load(R + o), r2 = v128.load(S + o);
    const xb = f64x2.mul(v128.load(B + o), r), xy = f64x2.mul(v128.load(Y + o), r);
    const xb2 = f64x2.mul(v128.load(C + o), r2), xy2 = f64x2.mul(v128.load(Z + o), r2);
    v128.store(B + o, xb);
    v128.store(Y + o, xy);
    v128.store(C + o, xb2);
    v128.store(Z + o, xy2);
    for (let i = 0; i < t; i++) {
      const oi = <usize>i << 4, l = v128.load(at(P, t, i)), l2 = v128.load(at(Q, t, i));
      v128.store(B + oi, f64x2.sub(v128.load(B + oi), f64x2.mul(l, xb)));
      v128.store(Y + oi, f64x2.sub(v128.load(Y + oi), f64x2.mul(l, xy)));
      v128.store(C + oi, f64x2.sub(v128.load(C + oi), f64x2.mul(l2, xb2)));
      v128.store(Z + oi, f64x2.sub(v128.load(Z + oi), f64x2.mul(l2, xy2)));
    }
  }
}
