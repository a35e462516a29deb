// TypeScript twin of assembly/rows.ts: row gathers and scatters of a tall
// factor, only the rows an update touches (docs/ARCHITECTURE.md, "Twins").
import { axpyAt } from "@lowrank/linalg/kernels";

/** out (p x k) = rows idx[0..p) of P (k columns). O(pk). */
export function gatherRows(p: number, k: number, idx: Int32Array, P: Float64Array, out: Float64Array): void {
  for (let i = 0; i < p; i++) out.set(P.subarray(idx[i] * k, idx[i] * k + k), i * k);
}

/** P[idx[i]] += X[i] for i < p (X is p x k). O(pk). */
export function scatterAddRows(p: number, k: number, idx: Int32Array, X: Float64Array, P: Float64Array): void {
  for (let i = 0; i < p; i++) axpyAt(k, 1, X, i * k, P, idx[i] * k);
}
