// What the linalg benches share: Gaussian test matrices from a seeded Rng, and
// their copies as ml-matrix's Matrix (the anchor library).
import { Matrix } from "ml-matrix";
import type { DenseMatrix, Rng } from "../src/index.js";

/** A rows x cols matrix of standard normals drawn from rng. O(rows cols). */
export function randnOf(rng: Rng, rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) };
}

/** A as an ml-matrix Matrix. O(rows cols). */
export function toMl(A: DenseMatrix): Matrix {
  const M = new Matrix(A.rows, A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) M.set(i, j, A.data[i * A.cols + j]);
  return M;
}
