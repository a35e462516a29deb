import { type DenseMatrix, LowrankError, Rng, type Tensor, checkSize, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkGenerated, checkPositiveInt, checkSeed, checkShape, checkWork, checkedSize } from "../validate.js";
import { modeProduct } from "./mode-product.js";
import { addGaussianNoise, normalizeRms } from "./noise.js";
import { randomOrthonormal } from "./orthonormal.js";

/** Options shared by the tensor generators. */
export interface TensorGeneratorOptions {
  /** PRNG seed (default 0). */
  seed?: number;
  /** Standard deviation of Gaussian noise added to every entry of the unit-RMS tensor (default 0). */
  noise?: number;
}

/** A Tucker tensor: tensor = core x_1 factors[0] x_2 factors[1] ... (+ noise). */
export interface TuckerTensor {
  tensor: Tensor;
  /** Shape `ranks`, Gaussian before scaling. */
  core: Tensor;
  /** factors[k] is shape[k] x ranks[k] with orthonormal columns. */
  factors: DenseMatrix[];
}

/**
 * A seeded tensor of exact multilinear rank `ranks`: a Gaussian core times
 * orthonormalised Gaussian factors, so each mode-k unfolding has rank
 * ranks[k] w.h.p. The core is scaled so the noiseless tensor has RMS entry 1.
 * Exactness needs ranks[k] <= shape[k] and ranks[k] <= product of the other
 * ranks (an unfolding cannot exceed either); other ranks throw RANK.
 *
 * Complexity: O(sum_k shape[k] ranks[k]^2 + size * max rank) time.
 *
 * @example
 * const { tensor, core, factors } = tuckerTensor([20, 30, 40], [3, 4, 5], { seed: 7 });
 */
export function tuckerTensor(
  shape: number[],
  ranks: number | number[],
  opts?: TensorGeneratorOptions,
): TuckerTensor {
  const options = readOptions("tuckerTensor", opts, GENERATOR_OPTIONS);
  const dims = checkShape("shape", shape);
  const r = typeof ranks === "number" ? dims.map(() => checkPositiveInt("ranks", ranks)) : checkShape("ranks", ranks);
  if (r.length !== dims.length) {
    throw new LowrankError("SHAPE", `ranks has ${r.length} entries, shape has ${dims.length}`);
  }
  let rankProduct = 1;
  for (const rk of r) rankProduct *= checkPositiveInt("rank", rk);
  for (let k = 0; k < dims.length; k++) {
    if (r[k] > dims[k]) throw new LowrankError("RANK", `ranks[${k}] = ${r[k]} exceeds shape[${k}] = ${dims[k]}`);
    if (dims.length > 1 && r[k] > rankProduct / r[k]) {
      throw new LowrankError("RANK", `ranks[${k}] = ${r[k]} exceeds the product of the other ranks`);
    }
  }
  checkedSize("tensor", dims);
  checkSize(rankProduct, "tuckerTensor: core");
  // The factors, then each mode product's result (modes 0..k at full size, the rest at rank), and the work.
  let work = 0;
  const current = r.slice();
  for (let k = 0; k < dims.length; k++) {
    checkSize(dims[k] * r[k], `tuckerTensor: factors[${k}]`);
    work += 2 * dims[k] * r[k] * r[k];
    let before = 1;
    for (const d of current) before *= d;
    current[k] = dims[k];
    checkedSize("tuckerTensor: partial product", current);
    work += before * dims[k];
  }
  checkWork(work, "tuckerTensor");
  const noise = options.noise ?? 0;
  const rng = new Rng(checkSeed(options.seed));
  const factors = dims.map((n, k) => randomOrthonormal(rng, n, r[k]));
  const core: Tensor = { shape: r.slice(), data: rng.fillNormal(new Float64Array(rankProduct)) };
  let tensor: Tensor = core;
  for (let k = 0; k < dims.length; k++) tensor = modeProduct(tensor, factors[k], k);
  // Orthonormal factors preserve the Frobenius norm, so scaling the core by
  // the tensor's factor keeps tensor = core x factors exact.
  const factor = normalizeRms(tensor.data);
  for (let i = 0; i < core.data.length; i++) core.data[i] *= factor;
  addGaussianNoise(rng, tensor.data, noise);
  checkGenerated(tensor.data, "tuckerTensor: tensor", "noise too large");
  return { tensor, core, factors };
}
