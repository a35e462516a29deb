// BPMF's Gibbs half-step for 8-wide design rows (the default k = 7 with the
// bias, or k = 8 without), two rows at a time: each row's precision and
// right-hand side come from precision8 (assembly/bpmf-gram8.ts), then the two
// rows' Cholesky factors and triangular solves run side by side in the two
// lanes of every SIMD operation. A lone row's factorisation is a chain of
// dependent square roots, divisions and subtractions; two independent chains
// in one instruction stream take about the time of one. Each lane performs
// exactly the operations of bpmfRows' single-row path, in the same order, so
// the bits are those of the twin (src/kernels/bpmf.ts, bpmfRows).
import { precision8 } from "./bpmf-gram8";

/** Doubles of scratch rows8 takes from `work`: two G and b, the paired factor (64 entries), right-hand sides, means, reciprocal pivots. */
export const ROWS8_SCRATCH: i32 = 2 * (64 + 8) + 2 * 64 + 3 * 16;

/** Entry (r, c) of a paired 8 x 8 matrix (both rows' values in one v128). */
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
  const GA = work, GB = GA + 512, bA = GB + 512, bB = bA + 64, P = bB + 64, B = P + 1024, Y = B + 128, R = Y + 128;
  let failed = 0;
  for (let i = i0; i < i1; i += 2) {
    const two = i + 1 < i1, j = two ? i + 1 : i;
    const sA = load<i32>(ptr + (<usize>i << 2)), eA = load<i32>(ptr + (<usize>(i + 1) << 2));
    const sB = load<i32>(ptr + (<usize>j << 2)), eB = load<i32>(ptr + (<usize>(j + 1) << 2));
    precision8(sA, eA, k, idx, vals, F, otherBias, mu, fitBias, alpha, Lam, h0, GA, bA);
    if (two) precision8(sB, eB, k, idx, vals, F, otherBias, mu, fitBias, alpha, Lam, h0, GB, bB);
    const gB = two ? GB : GA, hB = two ? bB : bA;
    // Pair the two rows: entry (r, c) holds (row i's, row j's); the right-hand sides with their normals added after.
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c <= r; c += 2) {
        const o = <usize>(r * 8 + c) << 3, a = v128.load(GA + o), b = v128.load(gB + o);
        v128.store(at(P, r, c), v128.shuffle<f64>(a, b, 0, 2));
        v128.store(at(P, r, c), v128.shuffle<f64>(a, b, 1, 3), 16);
      }
    }
    for (let c = 0; c < 8; c += 2) {
      const o = <usize>c << 3, a = v128.load(bA + o), b = v128.load(hB + o);
      v128.store(B + (<usize>c << 4), v128.shuffle<f64>(a, b, 0, 2));
      v128.store(B + (<usize>c << 4), v128.shuffle<f64>(a, b, 1, 3), 16);
    }
    const ok = cholesky2(P, R);
    forward2(P, R, B);
    // y = L⁻¹ b; the sample is L⁻ᵀ (y + z), the mean L⁻ᵀ y.
    const zA = z + (<usize>i << 6), zB = z + (<usize>j << 6);
    for (let c = 0; c < 8; c += 2) {
      const o = <usize>c << 3, a = v128.load(zA + o), b = v128.load(zB + o), p = B + (<usize>c << 4);
      const y0 = v128.load(p), y1 = v128.load(p, 16);
      v128.store(Y + (<usize>c << 4), y0);
      v128.store(Y + (<usize>c << 4), y1, 16);
      v128.store(p, f64x2.add(y0, v128.shuffle<f64>(a, b, 0, 2)));
      v128.store(p, f64x2.add(y1, v128.shuffle<f64>(a, b, 1, 3)), 16);
    }
    backward2(P, R, B, Y);
    const okA = i64x2.extract_lane(ok, 0) != 0, okB = i64x2.extract_lane(ok, 1) != 0;
    put(i, 0, eA > sA && okA, k, fitBias, B, Y, X, M, ownBias, meanBias);
    if (eA > sA && !okA) failed++;
    if (two) {
      put(j, 1, eB > sB && okB, k, fitBias, B, Y, X, M, ownBias, meanBias);
      if (eB > sB && !okB) failed++;
    }
  }
  return failed;
}

/** Row i's sample and mean from lane `lane` of B and Y, or zeros when not ok (no observations, or a pivot not positive). */
@inline function put(
  i: i32, lane: i32, ok: bool, k: i32, fitBias: bool, B: usize, Y: usize, X: usize, M: usize, ownBias: usize, meanBias: usize,
): void {
  const x = X + (<usize>(i * k) << 3), m = M + (<usize>(i * k) << 3), l = <usize>lane << 3;
  for (let c = 0; c < k; c++) {
    const o = (<usize>c << 4) + l;
    store<f64>(x + (<usize>c << 3), ok ? load<f64>(B + o) : 0.0);
    store<f64>(m + (<usize>c << 3), ok ? load<f64>(Y + o) : 0.0);
  }
  const o = (<usize>k << 4) + l;
  store<f64>(ownBias + (<usize>i << 3), ok && fitBias ? load<f64>(B + o) : 0.0);
  store<f64>(meanBias + (<usize>i << 3), ok && fitBias ? load<f64>(Y + o) : 0.0);
}

/**
 * The lower Cholesky factors of both lanes' matrices in place (right-looking, as choleskySmall in assembly/bpmf.ts:
 * each entry loses L[i][j] L[c][j] in j order, a multiply then a subtract); R gets the reciprocal pivots. Returns
 * per lane all ones when every pivot was positive.
 */
@inline function cholesky2(P: usize, R: usize): v128 {
  const zero = f64x2.splat(0), one = f64x2.splat(1);
  let ok = f64x2.eq(zero, zero);
  for (let j = 0; j < 8; j++) {
    const p = v128.load(at(P, j, j));
    ok = v128.and(ok, f64x2.gt(p, zero));
    const l = f64x2.sqrt(p), r = f64x2.div(one, l);
    v128.store(at(P, j, j), l);
    v128.store(R + (<usize>j << 4), r);
    for (let i = j + 1; i < 8; i++) v128.store(at(P, i, j), f64x2.mul(v128.load(at(P, i, j)), r));
    for (let i = j + 1; i < 8; i++) {
      const lij = v128.load(at(P, i, j));
      for (let c = j + 1; c <= i; c++) v128.store(at(P, i, c), f64x2.sub(v128.load(at(P, i, c)), f64x2.mul(lij, v128.load(at(P, c, j)))));
    }
  }
  return ok;
}

/** B = L⁻¹ B in both lanes; each B[i] loses L[i][t] y[t] in t order. */
@inline function forward2(P: usize, R: usize, B: usize): void {
  for (let t = 0; t < 8; t++) {
    const bt = B + (<usize>t << 4), yt = f64x2.mul(v128.load(bt), v128.load(R + (<usize>t << 4)));
    v128.store(bt, yt);
    for (let i = t + 1; i < 8; i++) {
      const bi = B + (<usize>i << 4);
      v128.store(bi, f64x2.sub(v128.load(bi), f64x2.mul(v128.load(at(P, i, t)), yt)));
    }
  }
}

/** B = L⁻ᵀ B and Y = L⁻ᵀ Y in both lanes; each entry i loses L[t][i] x[t] in descending t order. */
@inline function backward2(P: usize, R: usize, B: usize, Y: usize): void {
  for (let t = 7; t >= 0; t--) {
    const o = <usize>t << 4, r = v128.load(R + o);
    const xb = f64x2.mul(v128.load(B + o), r), xy = f64x2.mul(v128.load(Y + o), r);
    v128.store(B + o, xb);
    v128.store(Y + o, xy);
    for (let i = 0; i < t; i++) {
      const oi = <usize>i << 4, l = v128.load(at(P, t, i));
      v128.store(B + oi, f64x2.sub(v128.load(B + oi), f64x2.mul(l, xb)));
      v128.store(Y + oi, f64x2.sub(v128.load(Y + oi), f64x2.mul(l, xy)));
    }
  }
}
