// TypeScript twin of assembly/scale.ts: exact power-of-two lifting for the
// kernels' rare small-column paths.

/** 2^k for -1022 <= k <= 1023. */
export function pow2(k: number): number {
  return 2 ** k;
}

/** The k >= 0 with 2^k s in [0.5, 1) for 0 < s < 0.5, found by exact doublings. */
export function liftExponent(s: number): number {
  let k = 0;
  while (s < 2 ** -100) {
    s *= 2 ** 100;
    k += 100;
  }
  while (s < 0.5) {
    s *= 2;
    k++;
  }
  return k;
}

/** x 2^k for 0 <= k <= 2000 as two exact factors (the second rounds once when the result is subnormal). */
export function liftBy(x: number, k: number): number {
  const k1 = k > 1000 ? 1000 : k;
  return x * 2 ** k1 * 2 ** (k - k1);
}

/** x 2^-k for 0 <= k <= 2000: the larger factor first, so that only the last multiplication rounds. */
export function dropBy(x: number, k: number): number {
  const k1 = k > 1000 ? 1000 : k;
  return x * 2 ** -k1 * 2 ** (k1 - k);
}
