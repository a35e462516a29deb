import { type DenseMatrix, Rng, type Tensor, checkSize, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkGenerated, checkPositiveInt, checkSeed, checkShape, checkWork, checkedSize } from "../validate.js";
import { addGaussianNoise, normalizeRms } from "./noise.js";
import type { TensorGeneratorOptions } from "./tucker.js";

/** A CP (CANDECOMP/PARAFAC) tensor: sum_r weights[r] * factors[0][:, r] o factors[1][:, r] o ... (+ noise). */
export interface CpTensor {
  tensor: Tensor;
  /** Descending, scaled so that the noiseless tensor has RMS entry 1. */
  weights: Float64Array;
  /** factors[k] is shape[k] x rank with unit-norm Gaussian columns. */
  factors: DenseMatrix[];
}

/**
 * A seeded sum of `rank` rank-one tensors with unit-norm Gaussian factor
 * columns and weights drawn uniformly from [1, 2) before scaling; generic
 * factors make each mode-k unfolding rank min(rank, shape[k], prod of other
 * shapes), and by Kruskal's condition the decomposition is unique when
 * sum_k min(rank, shape[k]) >= 2 rank + (N - 1).
 *
 * Complexity: O(size * rank) time, O(size / shape[N-1] * rank) extra memory.
 *
 * @example
 * const { tensor, weights, factors } = cpTensor([10, 12, 14], 4, { seed: 2 });
 */
export function cpTensor(shape: number[], rank: number, opts?: TensorGeneratorOptions): CpTensor {
  const options = readOptions("cpTensor", opts, GENERATOR_OPTIONS);
  const dims = checkShape("shape", shape);
  checkPositiveInt("rank", rank);
  const size = checkedSize("tensor", dims);
  // Every array below is sized before anything is allocated: the factors, the
  // Khatri-Rao prefixes, the tensor; and the work is bounded.
  let work = size * rank;
  let count = 1;
  for (let k = 0; k < dims.length; k++) {
    checkSize(dims[k] * rank, `cpTensor: factors[${k}]`);
    if (k < dims.length - 1) {
      checkSize(count * dims[k] * rank, "cpTensor: partial Khatri-Rao product");
      count *= dims[k];
      work += count * rank;
    }
  }
  checkWork(work, "cpTensor");
  const noise = options.noise ?? 0;
  const rng = new Rng(checkSeed(options.seed));

  const factors = dims.map((n) => {
    const data = rng.fillNormal(new Float64Array(n * rank));
    for (let c = 0; c < rank; c++) {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += data[i * rank + c] ** 2;
      const inv = 1 / Math.sqrt(ss);
      for (let i = 0; i < n; i++) data[i * rank + c] *= inv;
    }
    return { rows: n, cols: rank, data };
  });
  const weights = rng.fillUniform(new Float64Array(rank)).map((u) => 1 + u).sort().reverse();

  // Row-wise Khatri-Rao products of the leading factors, one mode at a time;
  // the last mode is contracted straight into the output.
  let prefix = Float64Array.from(weights);
  count = 1;
  for (let k = 0; k < dims.length - 1; k++) {
    const A = factors[k].data;
    const next = new Float64Array(count * dims[k] * rank);
    for (let p = 0; p < count; p++) {
      for (let i = 0; i < dims[k]; i++) {
        const o = (p * dims[k] + i) * rank;
        for (let c = 0; c < rank; c++) next[o + c] = prefix[p * rank + c] * A[i * rank + c];
      }
    }
    prefix = next;
    count *= dims[k];
  }
  const last = dims[dims.length - 1];
  const Z = factors[dims.length - 1].data;
  const data = new Float64Array(size);
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < last; i++) {
      let acc = 0;
      for (let c = 0; c < rank; c++) acc += prefix[p * rank + c] * Z[i * rank + c];
      data[p * last + i] = acc;
    }
  }
  const factor = normalizeRms(data);
  for (let c = 0; c < rank; c++) weights[c] *= factor;
  addGaussianNoise(rng, data, noise);
  checkGenerated(data, "cpTensor: tensor", "noise too large");
  return { tensor: { shape: dims, data }, weights, factors };
}
