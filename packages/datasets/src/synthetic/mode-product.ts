import type { DenseMatrix, Tensor } from "@lowrank/linalg";

/**
 * Mode-n product T x_n U (Kolda and Bader 2009, section 2.5): every mode-n
 * fibre of T is multiplied by U (n_new x shape[n]). T is viewed as
 * (left, shape[n], right) so the C-order data never needs to be permuted.
 *
 * Complexity: O(size(T) * n_new).
 */
export function modeProduct(T: Tensor, U: DenseMatrix, mode: number): Tensor {
  const shape = T.shape;
  const r = shape[mode];
  let left = 1;
  for (let k = 0; k < mode; k++) left *= shape[k];
  let right = 1;
  for (let k = mode + 1; k < shape.length; k++) right *= shape[k];
  const n = U.rows;
  const out = new Float64Array(left * n * right);
  for (let l = 0; l < left; l++) {
    const src = l * r * right;
    const dst = l * n * right;
    for (let i = 0; i < n; i++) {
      const o = dst + i * right;
      for (let j = 0; j < r; j++) {
        const u = U.data[i * r + j];
        if (u === 0) continue;
        const s = src + j * right;
        for (let t = 0; t < right; t++) out[o + t] += u * T.data[s + t];
      }
    }
  }
  const outShape = shape.slice();
  outShape[mode] = n;
  return { shape: outShape, data: out };
}
