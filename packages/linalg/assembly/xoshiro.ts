// Mirror of src/rng.ts (twin: src/kernels/xoshiro.ts): xoshiro128** with 53-bit uniforms and polar normals.
// The state block (32 bytes) is laid out as in Rng.saveState: s0..s3 (u32),
// spare flag (u32) at 16, spare (f64) at 24. Math.log is the host's (JSMath)
// so that normals round exactly as in TypeScript.

@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

@inline function nextU32(st: usize): u32 {
  let s0 = load<u32>(st), s1 = load<u32>(st, 4), s2 = load<u32>(st, 8), s3 = load<u32>(st, 12);
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
  return result;
}

@inline function uniform(st: usize): f64 {
  const a = nextU32(st) >>> 5;
  const b = nextU32(st) >>> 6;
  return (<f64>a * 67108864.0 + <f64>b) / 9007199254740992.0;
}

function normal(st: usize): f64 {
  if (load<u32>(st, 16)) {
    store<u32>(st, 0, 16);
    return load<f64>(st, 24);
  }
  while (true) {
    const u = 2.0 * uniform(st) - 1.0;
    const v = 2.0 * uniform(st) - 1.0;
    const q = u * u + v * v;
    if (q > 0.0 && q < 1.0) {
      const f = Math.sqrt((-2.0 * JSMath.log(q)) / q);
      store<f64>(st, v * f, 24);
      store<u32>(st, 1, 16);
      return u * f;
    }
  }
  return 0;
}

/** Fills out[0..n) with uniforms in [0, 1), advancing the state at `st`. */
export function rngFillUniform(st: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), uniform(st));
}

/** Fills out[0..n) with standard normals, advancing the state at `st`. */
export function rngFillNormal(st: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), normal(st));
}
