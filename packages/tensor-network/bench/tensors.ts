// Synthetic test tensors shared by the tensor-network benches.
import { Rng } from "@lowrank/linalg";
import type { Tensor } from "../src/index.js";

/** Σ_r a_r ∘ b_r ∘ c_r (rank Gaussian factors) plus 0.01 times Gaussian noise, n x n x n. */
export function lowRankPlusNoise(n: number, rank: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const F = [0, 1, 2].map(() => rng.fillNormal(new Float64Array(n * rank)));
  const X = new Float64Array(n * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let r = 0; r < rank; r++) s += F[0][i * rank + r] * F[1][j * rank + r] * F[2][k * rank + r];
        X[(i * n + j) * n + k] = s + 0.01 * rng.normal();
      }
    }
  }
  return { shape: [n, n, n], data: X };
}
