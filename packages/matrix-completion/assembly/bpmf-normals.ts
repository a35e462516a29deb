// Standard normals for BPMF's row draws, faster than linalg's shared
// generator: xoshiro128+ (four 32-bit words of state, kept by the caller)
// feeding Marsaglia's polar method, with the logarithm computed here (range
// reduction to [sqrt(1/2), sqrt(2)) and the atanh series to s^17: relative
// error about 1e-15) instead of a call out to JavaScript's Math.log. Only
// plain double operations and integer bit work, none fused, so the
// TypeScript twin (src/kernels/bpmf-normals.ts) produces the same bits.

/** 2^-31: a signed 32-bit integer to [-1, 1). */
const TWO_M31: f64 = 1.0 / 2147483648.0;

/** ln x for a normal positive double x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m - 1) / (m + 1)). */
@inline export function logPositive(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    e++;
  }
  const s = (m - 1.0) / (m + 1.0), s2 = s * s;
  // c1 + c2 y + ... + c8 y^7 (c_i = 1 / (2i + 1), y = s²) by Estrin's scheme: a short dependency chain.
  const y2 = s2 * s2, y4 = y2 * y2;
  const pl = (1.0 / 3.0 + s2 * (1.0 / 5.0)) + y2 * (1.0 / 7.0 + s2 * (1.0 / 9.0));
  const ph = (1.0 / 11.0 + s2 * (1.0 / 13.0)) + y2 * (1.0 / 15.0 + s2 * (1.0 / 17.0));
  const p = s2 * (pl + y4 * ph);
  const ls = 2.0 * s + 2.0 * s * p;
  return <f64>e * 0.6931471805599453 + ls;
}

/**
 * The all-zero state is xoshiro128+'s one fixed point: it is replaced in memory by fixed words of the golden ratio's
 * and pi's bits (bpmfNormals and bpmfGammas, assembly/bpmf-scales.ts).
 */
@inline export function fixZeroState(state: usize): void {
  if ((load<u32>(state) | load<u32>(state, 4) | load<u32>(state, 8) | load<u32>(state, 12)) != 0) return;
  store<u32>(state, 0x9e3779b9);
  store<u32>(state, 0x243f6a88, 4);
  store<u32>(state, 0x85a308d3, 8);
  store<u32>(state, 0x13198a2e, 12);
}

/**
 * out[0..n) = standard normals by the polar method: candidates (u, v) uniform on [-1, 1)² (a 32-bit output each, as a
 * signed integer times 2^-31), two candidates a step (one per SIMD lane, the logarithm, square root and division
 * lane-wise); each with 0 < q = u² + v² < 1 gives u f and v f, f = sqrt(-2 ln q / q), in candidate order. An odd n drops
 * the last pair's second, and a pair accepted once out is full is dropped. `state` holds the generator's four u32
 * (seeded by the caller; an all-zero state is replaced by fixed words) and is advanced.
 */
export function bpmfNormals(n: i32, out: usize, state: usize): void {
  fixZeroState(state);
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const c = f64x2.splat(TWO_M31), one = f64x2.splat(1.0), root2 = f64x2.splat(1.4142135623730951), half = f64x2.splat(0.5);
  const mant = i64x2.splat(0x000fffffffffffff), expOne = i64x2.splat(0x3ff0000000000000), bias = i64x2.splat(1023);
  let i = 0;
  while (i < n) {
    // Four xoshiro128+ outputs (r = s0 + s3, then the state's shifts and xors): u and v of candidate a, then of b.
    let r = s0 + s3, t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const ua = r;
    r = s0 + s3; t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const va = r;
    r = s0 + s3; t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const ub = r;
    r = s0 + s3; t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const vb = r;
    const w = i32x4(<i32>ua, <i32>ub, <i32>va, <i32>vb);
    const u = f64x2.mul(f64x2.convert_low_i32x4_s(w), c);
    const v = f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(w, w, 2, 3, 0, 1)), c);
    const q = f64x2.add(f64x2.mul(u, u), f64x2.mul(v, v));
    // ln q lane-wise, as logPositive.
    const big0 = i64x2.sub(i64x2.shr_u(q, 52), bias);
    let m = v128.or(v128.and(q, mant), expOne);
    const big = f64x2.gt(m, root2);
    m = v128.bitselect(f64x2.mul(m, half), m, big);
    const e = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(i64x2.sub(big0, big), big0, 0, 2, 0, 2));
    const sv = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one)), s2v = f64x2.mul(sv, sv);
    const y2 = f64x2.mul(s2v, s2v), y4 = f64x2.mul(y2, y2);
    const pl = f64x2.add(
      f64x2.add(f64x2.splat(1.0 / 3.0), f64x2.mul(s2v, f64x2.splat(1.0 / 5.0))),
      f64x2.mul(y2, f64x2.add(f64x2.splat(1.0 / 7.0), f64x2.mul(s2v, f64x2.splat(1.0 / 9.0)))),
    );
    const ph = f64x2.add(
      f64x2.add(f64x2.splat(1.0 / 11.0), f64x2.mul(s2v, f64x2.splat(1.0 / 13.0))),
      f64x2.mul(y2, f64x2.add(f64x2.splat(1.0 / 15.0), f64x2.mul(s2v, f64x2.splat(1.0 / 17.0)))),
    );
    const p = f64x2.mul(s2v, f64x2.add(pl, f64x2.mul(y4, ph)));
    const two = f64x2.splat(2.0), twoS = f64x2.mul(two, sv);
    const ln = f64x2.add(f64x2.mul(e, f64x2.splat(0.6931471805599453)), f64x2.add(twoS, f64x2.mul(twoS, p)));
    const f = f64x2.sqrt(f64x2.div(f64x2.mul(f64x2.splat(-2.0), ln), q));
    const x = f64x2.mul(u, f), z = f64x2.mul(v, f);
    const qa = f64x2.extract_lane(q, 0), qb = f64x2.extract_lane(q, 1);
    if (i + 4 <= n) {
      // Both pairs fit whatever is accepted: each is stored, and i moves past it only if accepted (a rejected pair's
      // slots are written again by the next accepted one before i passes them). No branch on the acceptance.
      store<f64>(out + (<usize>i << 3), f64x2.extract_lane(x, 0));
      store<f64>(out + (<usize>(i + 1) << 3), f64x2.extract_lane(z, 0));
      i += select<i32>(2, 0, <i32>(qa > 0) & <i32>(qa < 1));
      store<f64>(out + (<usize>i << 3), f64x2.extract_lane(x, 1));
      store<f64>(out + (<usize>(i + 1) << 3), f64x2.extract_lane(z, 1));
      i += select<i32>(2, 0, <i32>(qb > 0) & <i32>(qb < 1));
      continue;
    }
    if (qa > 0 && qa < 1) {
      store<f64>(out + (<usize>i << 3), f64x2.extract_lane(x, 0));
      if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), f64x2.extract_lane(z, 0));
      i += 2;
    }
    if (i < n && qb > 0 && qb < 1) {
      store<f64>(out + (<usize>i << 3), f64x2.extract_lane(x, 1));
      if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), f64x2.extract_lane(z, 1));
      i += 2;
    }
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}
