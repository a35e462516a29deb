// Row-wise least squares through the normal equations, shared by the ALS
// methods (CP-ALS, TR-ALS, the general fitter): A V = M with V the Gram matrix
// of the design, and the inner product and fit of the updated rows.
import { LowrankError } from "@lowrank/linalg";
import { spdSolve } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";

/**
 * A (n x R) = M V⁻¹ for the symmetric positive (semi)definite V: Cholesky
 * V = L Lᵀ, then two triangular solves on Mᵀ (V Aᵀ = Mᵀ), by linalg's spdSolve
 * (its ridge policy makes a singular V definite).
 */
export function solveRows(K: TensorKernels, n: number, R: number, V: Float64Array, L: Float64Array, M: Float64Array, MT: Float64Array, A: Float64Array): void {
  for (let i = 0; i < n; i++) for (let c = 0; c < R; c++) MT[c * n + i] = M[i * R + c];
  if (spdSolve(K, R, V, R, L, MT, n, n) < 0) throw new LowrankError("NOT_CONVERGED", "ALS: the normal equations stayed singular (a factor is zero)");
  for (let i = 0; i < n; i++) for (let c = 0; c < R; c++) A[i * R + c] = MT[c * n + i];
}

/**
 * <X, X̂> = Σ_i g_i · m_i and ‖X̂‖² = Σ_i g_i V g_iᵀ of an ALS step's updated
 * rows g_i (G, n x w) against its right-hand sides m_i (M, n x w) and normal
 * matrix V (w x w), summed in row order. O(n w²).
 */
export function innerAndFit(n: number, w: number, G: Float64Array, M: Float64Array, V: Float64Array): { inner: number; fit: number } {
  let inner = 0, fit = 0;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < w; p++) {
      const gp = G[i * w + p];
      inner += gp * M[i * w + p];
      let s = 0;
      for (let q = 0; q < w; q++) s += V[p * w + q] * G[i * w + q];
      fit += gp * s;
    }
  }
  return { inner, fit };
}
