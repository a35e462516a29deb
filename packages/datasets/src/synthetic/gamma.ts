import type { Rng } from "@lowrank/linalg";

/**
 * Gamma(shape, 1) variate by Marsaglia and Tsang (2000), "A simple method for
 * generating gamma variables", with the boost Gamma(a) = Gamma(a + 1) U^(1/a)
 * for a < 1. Needed for chi-square mixing at non-integer degrees of freedom.
 * O(1) expected (acceptance above 95% for every shape).
 */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
