// Row-wise least squares through the normal equations, shared by the ALS
// methods (CP-ALS, TR-ALS): A V = M with V the Gram matrix of the design.
import { LowrankError } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";

/**
 * A (n x R) = M V⁻¹ for the symmetric positive (semi)definite V: Cholesky
 * V = L Lᵀ, then two triangular solves on Mᵀ (V Aᵀ = Mᵀ). A ridge of 1e-12
 * trace(V)/R, growing 100x per retry, makes a singular V definite.
 */
export function solveRows(K: TensorKernels, n: number, R: number, V: Float64Array, L: Float64Array, M: Float64Array, MT: Float64Array, A: Float64Array): void {
  let trace = 0;
  for (let i = 0; i < R; i++) trace += V[i * R + i];
  let ridge = 0;
  for (let attempt = 0; ; attempt++) {
    L.set(V.subarray(0, R * R));
    for (let i = 0; i < R; i++) L[i * R + i] += ridge;
    if (K.cholesky(R, L, R) < 0) break;
    if (attempt === 8) throw new LowrankError("NOT_CONVERGED", "ALS: the normal equations stayed singular (a factor is zero)");
    // V = 0 (a zero tensor zeroes the factors): any ridge gives A = M V⁻¹ = 0.
    ridge = ridge === 0 ? (trace > 0 ? (1e-12 * trace) / R : 1) : ridge * 100;
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < R; c++) MT[c * n + i] = M[i * R + c];
  K.triangularSolve(true, false, false, R, n, L, R, MT, n);
  K.triangularSolve(true, true, false, R, n, L, R, MT, n);
  for (let i = 0; i < n; i++) for (let c = 0; c < R; c++) A[i * R + c] = MT[c * n + i];
}

