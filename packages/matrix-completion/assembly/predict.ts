// The squared error of the predictions mu + rowBias[i] + colBias[j] + U_i · V_j
// at listed positions, clamped to [lo, hi] (the range of the training values
// for ratings, ±inf otherwise). Twin: src/kernels/predict.ts.
import { dotInline } from "../../linalg/assembly/blas1";

@inline function predictAt(k: i32, i: i32, j: i32, U: usize, V: usize, rowBias: usize, colBias: usize, mu: f64, lo: f64, hi: f64): f64 {
  const p = mu + load<f64>(rowBias + (<usize>i << 3)) + load<f64>(colBias + (<usize>j << 3))
    + dotInline(k, U + (<usize>i * <usize>k << 3), V + (<usize>j * <usize>k << 3));
  return p < lo ? lo : p > hi ? hi : p;
}

/** Σ (prediction - vals[q])² over q < nnz. */
export function squaredError(
  nnz: i32, k: i32, rowIdx: usize, colIdx: usize, vals: usize, U: usize, V: usize, rowBias: usize, colBias: usize, mu: f64, lo: f64, hi: f64,
): f64 {
  let s: f64 = 0;
  for (let q = 0; q < nnz; q++) {
    const i = load<i32>(rowIdx + (<usize>q << 2)), j = load<i32>(colIdx + (<usize>q << 2));
    const e = predictAt(k, i, j, U, V, rowBias, colBias, mu, lo, hi) - load<f64>(vals + (<usize>q << 3));
    s += e * e;
  }
  return s;
}
