// Exact power-of-two lifting for the kernels' rare small-column paths.
// Mirrored in src/kernels/scale.ts.

/** 2^k for -1022 <= k <= 1023, built from its bits. */
@inline export function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + k) << 52);
}

/** The k >= 0 with 2^k s in [0.5, 1) for 0 < s < 0.5, found by exact doublings. */
export function liftExponent(s: f64): i32 {
  let k = 0;
  while (s < pow2(-100)) {
    s *= pow2(100);
    k += 100;
  }
  while (s < 0.5) {
    s *= 2;
    k++;
  }
  return k;
}

/** x 2^k for 0 <= k <= 2000 as two exact factors. */
export function liftBy(x: f64, k: i32): f64 {
  const k1 = k > 1000 ? 1000 : k;
  return x * pow2(k1) * pow2(k - k1);
}

/** x 2^-k for 0 <= k <= 2000, the larger factor first so that only the last multiplication rounds. */
export function dropBy(x: f64, k: i32): f64 {
  const k1 = k > 1000 ? 1000 : k;
  return x * pow2(-k1) * pow2(k1 - k);
}
