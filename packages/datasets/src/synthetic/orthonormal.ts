import { type DenseMatrix, type Rng, LowrankError } from "@lowrank/linalg";

/**
 * Orthonormalises the columns of a row-major matrix in place by modified
 * Gram-Schmidt, run twice: one pass loses orthogonality in proportion to the
 * condition number, a second pass restores it to machine precision
 * ("twice is enough", Giraud et al. 2005). Only used on Gaussian draws, which
 * are well conditioned w.h.p., so no pivoting is needed.
 *
 * Complexity: O(rows * cols^2).
 */
export function orthonormalizeColumns(A: DenseMatrix): DenseMatrix {
  const { rows, cols, data } = A;
  for (let j = 0; j < cols; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += data[i * cols + k] * data[i * cols + j];
        for (let i = 0; i < rows; i++) data[i * cols + j] -= dot * data[i * cols + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += data[i * cols + j] ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) {
      throw new LowrankError("RANK", `column ${j} is linearly dependent on the previous ones`);
    }
    for (let i = 0; i < rows; i++) data[i * cols + j] /= norm;
  }
  return A;
}

/** A rows x cols matrix of independent standard normals. O(rows * cols). */
export function gaussianMatrix(rng: Rng, rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) };
}

/** A rows x cols matrix with Haar-like orthonormal columns (cols <= rows). O(rows * cols^2). */
export function randomOrthonormal(rng: Rng, rows: number, cols: number): DenseMatrix {
  return orthonormalizeColumns(gaussianMatrix(rng, rows, cols));
}
