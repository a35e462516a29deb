import { LowrankError, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkPositiveInt, checkShape } from "../validate.js";
import { type CoreChain, seededChain } from "./ring-contraction.js";
import type { TensorGeneratorOptions } from "./tucker.js";

/** A tensor train: entry (i_1..i_N) = G_1[0, i_1, :] G_2[:, i_2, :] ... G_N[:, i_N, 0] (+ noise). */
export interface TtTensor extends CoreChain {
  /** The N + 1 bond ranks, 1 at both ends (TensorLy's convention). */
  ranks: number[];
}

/**
 * A seeded tensor of exact TT ranks. `ranks` is one number (every inner bond),
 * the N - 1 inner bonds, or all N + 1 bonds with 1 at both ends. Cores are
 * Gaussian with variance 1 / r_{k-1}, so that entries stay O(1) as bonds grow,
 * then the first core is scaled for an RMS entry of 1. Generic cores make the
 * k-th unfolding (modes 1..k by the rest) rank r_k exactly, provided
 * r_k <= r_{k-1} n_k and r_{k-1} <= n_k r_k; other ranks throw RANK.
 *
 * Complexity: O(size * max r^2) time.
 *
 * @example
 * const { tensor, cores } = ttTensor([4, 5, 6, 7], [2, 3, 2], { seed: 1 });
 * cores[1].shape; // [2, 5, 3]
 */
export function ttTensor(shape: number[], ranks: number | number[], opts?: TensorGeneratorOptions): TtTensor {
  const options = readOptions("ttTensor", opts, GENERATOR_OPTIONS);
  const dims = checkShape("shape", shape);
  const N = dims.length;
  let bonds: number[];
  if (typeof ranks === "number") bonds = [1, ...dims.slice(1).map(() => checkPositiveInt("ranks", ranks)), 1];
  else if (Array.isArray(ranks) && ranks.length === N - 1) bonds = [1, ...ranks, 1];
  else if (Array.isArray(ranks) && ranks.length === N + 1) bonds = ranks.slice();
  else throw new LowrankError("SHAPE", `ranks must be a number or have ${N - 1} or ${N + 1} entries`);
  bonds.forEach((r, k) => checkPositiveInt(`ranks[${k}]`, r));
  if (bonds[0] !== 1 || bonds[N] !== 1) throw new LowrankError("RANK", "a tensor train has bond ranks 1 at both ends");
  for (let k = 0; k < N; k++) {
    if (bonds[k + 1] > bonds[k] * dims[k] || bonds[k] > dims[k] * bonds[k + 1]) {
      throw new LowrankError("RANK", `bond ranks ${bonds[k]}, ${bonds[k + 1]} around mode ${k} (size ${dims[k]}) cannot both be exact`);
    }
  }
  return seededChain("ttTensor", dims, bonds, options);
}
