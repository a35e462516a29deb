import { type DenseMatrix, LowrankError, Rng, opt, readOptions } from "@lowrank/linalg";
import { GENERATOR_OPTIONS, checkGenerated, checkPositiveInt, checkSeed, checkWork, checkedSize } from "../validate.js";

const LOW_RANK_OPTIONS = { ...GENERATOR_OPTIONS, incoherent: opt.boolean(), condition: opt.number({ min: 1 }) };
import { addGaussianNoise } from "./noise.js";
import { randomOrthonormal } from "./orthonormal.js";

/** Options of {@link lowRankMatrix}. */
export interface LowRankMatrixOptions {
  /** PRNG seed (default 0). */
  seed?: number;
  /**
   * true (default): U and V are orthonormalised Gaussian matrices, incoherent
   * with the standard basis w.h.p. (coherence O(r + log n) / r). false: U and V
   * span the coordinates of `rank` random rows / columns, the maximally
   * coherent case (mu = n / r) where M is zero outside an r x r block.
   */
  incoherent?: boolean;
  /** Standard deviation of additive Gaussian noise on every entry of M (default 0). */
  noise?: number;
  /** Ratio sigma_1 / sigma_r, with geometric decay in between (default 1: all equal). */
  condition?: number;
}

/** A low-rank matrix with its exact factors: M = U diag(singularValues) V^T (+ noise). */
export interface LowRankMatrix {
  M: DenseMatrix;
  /** rows x rank, orthonormal columns. */
  U: DenseMatrix;
  /** cols x rank, orthonormal columns. */
  V: DenseMatrix;
  /** Descending, scaled so that the noiseless M has root-mean-square entry 1. */
  singularValues: Float64Array;
}

/**
 * A seeded random matrix of exact rank `rank` with known singular vectors and
 * values, the standard test input for matrix completion and truncated SVD.
 * Singular values decay geometrically from sigma_1 to sigma_1 / condition and
 * are scaled so that ||M||_F^2 = rows * cols (unit RMS entry), hence `noise`
 * is a noise-to-signal ratio.
 *
 * Complexity: O((rows + cols) rank^2 + rows cols rank) time, O(rows cols) memory.
 *
 * @example
 * const { M, U, V, singularValues } = lowRankMatrix(200, 100, 5, { seed: 1 });
 * // M.rows === 200, M.cols === 100, rank(M) === 5
 */
export function lowRankMatrix(
  rows: number,
  cols: number,
  rank: number,
  opts?: LowRankMatrixOptions,
): LowRankMatrix {
  const options = readOptions("lowRankMatrix", opts, LOW_RANK_OPTIONS);
  checkPositiveInt("rows", rows);
  checkPositiveInt("cols", cols);
  checkPositiveInt("rank", rank);
  if (rank > Math.min(rows, cols)) {
    throw new LowrankError("RANK", `rank ${rank} exceeds min(rows, cols) = ${Math.min(rows, cols)}`);
  }
  checkedSize("M", [rows, cols]);
  checkWork(rows * cols * rank + 2 * (rows + cols) * rank * rank, "lowRankMatrix");
  const noise = options.noise ?? 0;
  const condition = options.condition ?? 1;
  const rng = new Rng(checkSeed(options.seed));
  const incoherent = options.incoherent ?? true;
  const U = incoherent ? randomOrthonormal(rng, rows, rank) : coordinateFactor(rng, rows, rank);
  const V = incoherent ? randomOrthonormal(rng, cols, rank) : coordinateFactor(rng, cols, rank);

  const s = new Float64Array(rank);
  let ss = 0;
  for (let k = 0; k < rank; k++) {
    s[k] = rank === 1 ? 1 : condition ** (-k / (rank - 1));
    ss += s[k] * s[k];
  }
  const c = Math.sqrt((rows * cols) / ss);
  for (let k = 0; k < rank; k++) s[k] *= c;

  const M = new Float64Array(rows * cols);
  const us = new Float64Array(rank);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < rank; k++) us[k] = U.data[i * rank + k] * s[k];
    const off = i * cols;
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let k = 0; k < rank; k++) acc += us[k] * V.data[j * rank + k];
      M[off + j] = acc;
    }
  }
  addGaussianNoise(rng, M, noise);
  checkGenerated(M, "lowRankMatrix: M", "noise too large");
  return { M: { rows, cols, data: M }, U, V, singularValues: s };
}

// Orthonormal columns supported on `rank` random coordinates: the worst case
// of the incoherence assumption, useful to show where completion fails.
function coordinateFactor(rng: Rng, n: number, rank: number): DenseMatrix {
  const block = randomOrthonormal(rng, rank, rank);
  const picked = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).subarray(0, rank);
  const data = new Float64Array(n * rank);
  for (let a = 0; a < rank; a++) {
    data.set(block.data.subarray(a * rank, (a + 1) * rank), picked[a] * rank);
  }
  return { rows: n, cols: rank, data };
}
