// Row-wise least squares through the normal equations, shared by the ALS
// methods (CP-ALS, TR-ALS): A V = M with V the Gram matrix of the design.
import { LowrankError, spdSolve } from "@lowrank/linalg";
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
