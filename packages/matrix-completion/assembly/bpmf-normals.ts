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
 * out[0..n) = standard normals by the polar method: u, v uniform on [-1, 1) (a 32-bit output each, as a signed
 * integer times 2^-31), kept when 0 < q = u² + v² < 1, giving u f and v f with f = sqrt(-2 ln q / q); an odd n drops the
 * last pair's second. `state` holds the generator's four u32 (seeded by the caller; an all-zero state is replaced by fixed words) and is
 * advanced.
 */
export function bpmfNormals(n: i32, out: usize, state: usize): void {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  // The all-zero state is xoshiro's one fixed point: it is replaced by fixed words of the golden ratio's and pi's bits.
  if ((s0 | s1 | s2 | s3) == 0) {
    s0 = 0x9e3779b9;
    s1 = 0x243f6a88;
    s2 = 0x85a308d3;
    s3 = 0x13198a2e;
  }
  let i = 0, u: f64 = 0;
  for (let half = 0; i < n; half ^= 1) {
    // One xoshiro128+ step: r = s0 + s3, then the state's shifts and xors.
    const r = s0 + s3, t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const x = <f64><i32>r * TWO_M31;
    if (half == 0) {
      u = x;
      continue;
    }
    const q = u * u + x * x;
    if (q > 0 && q < 1) {
      const f = Math.sqrt((-2.0 * logPositive(q)) / q);
      store<f64>(out + (<usize>i << 3), u * f);
      if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), x * f);
      i += 2;
    }
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}
