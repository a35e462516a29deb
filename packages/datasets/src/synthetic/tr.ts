import { LowrankError, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkPositiveInt, checkShape } from "../validate.js";
import { type CoreChain, seededChain } from "./ring-contraction.js";
import type { TensorGeneratorOptions } from "./tucker.js";

/** A tensor ring: entry (i_1..i_N) = trace(G_1[:, i_1, :] G_2[:, i_2, :] ... G_N[:, i_N, :]) (+ noise). */
export interface TrTensor extends CoreChain {
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
  return seededChain("trTensor", dims, bonds, options);
}
