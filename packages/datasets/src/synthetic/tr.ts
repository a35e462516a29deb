import { LowrankError, Rng, type Tensor, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkGenerated, checkPositiveInt, checkSeed, checkShape, checkedSize } from "../validate.js";
import { addGaussianNoise, normalizeRms } from "./noise.js";
import { checkRingCost, ringToTensor } from "./ring-contraction.js";
import { gaussianCore } from "./tt.js";
import type { TensorGeneratorOptions } from "./tucker.js";

/** A tensor ring: entry (i_1..i_N) = trace(G_1[:, i_1, :] G_2[:, i_2, :] ... G_N[:, i_N, :]) (+ noise). */
export interface TrTensor {
  tensor: Tensor;
  /** cores[k] has shape [ranks[k], shape[k], ranks[k + 1]]. */
  cores: Tensor[];
  /** The N + 1 bond ranks with ranks[0] === ranks[N] (TensorLy's convention). */
  ranks: number[];
}

/**
 * A seeded tensor ring. `ranks` is one number (every bond), the N bonds
 * r_0..r_{N-1} (r_N = r_0 closes the ring), or N + 1 bonds with equal ends.
 * Cores are Gaussian with variance 1 / r_{k-1}; the first core is then scaled
 * for an RMS entry of 1. TR ranks are not unique (cyclic shifts and gauge
 * freedom), but the unfolding of modes 1..k against the rest has rank at most
 * r_0 r_k, attained for generic cores when r_0 r_k is at most both sides' sizes.
 *
 * Complexity: O(r_0 * size * max r^2) time.
 *
 * @example
 * const { tensor, cores } = trTensor([6, 7, 8], [2, 3, 2], { seed: 4 });
 * cores[2].shape; // [2, 8, 2]
 */
export function trTensor(shape: number[], ranks: number | number[], opts?: TensorGeneratorOptions): TrTensor {
  const options = readOptions("trTensor", opts, GENERATOR_OPTIONS);
  const dims = checkShape("shape", shape);
  const N = dims.length;
  let bonds: number[];
  if (typeof ranks === "number") bonds = [...dims, 0].map(() => checkPositiveInt("ranks", ranks));
  else if (Array.isArray(ranks) && ranks.length === N) bonds = [...ranks, ranks[0]];
  else if (Array.isArray(ranks) && ranks.length === N + 1) bonds = ranks.slice();
  else throw new LowrankError("SHAPE", `ranks must be a number or have ${N} or ${N + 1} entries`);
  bonds.forEach((r, k) => checkPositiveInt(`ranks[${k}]`, r));
  if (bonds[0] !== bonds[N]) throw new LowrankError("RANK", "a tensor ring needs ranks[0] === ranks[N]");
  checkedSize("tensor", dims);
  checkRingCost("trTensor", bonds, dims);
  const noise = options.noise ?? 0;
  const rng = new Rng(checkSeed(options.seed));
  const cores = dims.map((n, k) => gaussianCore(rng, bonds[k], n, bonds[k + 1]));
  const tensor = ringToTensor(cores);
  const factor = normalizeRms(tensor.data);
  for (let i = 0; i < cores[0].data.length; i++) cores[0].data[i] *= factor;
  addGaussianNoise(rng, tensor.data, noise);
  checkGenerated(tensor.data, "trTensor: tensor", "noise too large");
  return { tensor, cores, ranks: bonds };
}
