import type { Rng } from "@lowrank/linalg";

/**
 * Rescales `data` to root-mean-square 1 and returns the factor applied, so
 * that every generator's `noise` option reads as a noise-to-signal ratio
 * regardless of shape and rank.
 */
export function normalizeRms(data: Float64Array): number {
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += data[i] * data[i];
  const rms = Math.sqrt(ss / data.length);
  const factor = rms > 0 ? 1 / rms : 1;
  for (let i = 0; i < data.length; i++) data[i] *= factor;
  return factor;
}

/** Adds independent N(0, sigma^2) noise to every entry; a no-op for sigma = 0 (and draws nothing). */
export function addGaussianNoise(rng: Rng, data: Float64Array, sigma: number): void {
  if (sigma === 0) return;
  for (let i = 0; i < data.length; i++) data[i] += sigma * rng.normal();
}
