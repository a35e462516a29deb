/**
 * Numerical rank of a row-major rows x cols matrix by Gram-Schmidt with
 * column pivoting: the pivot norms decrease like the singular values, so the
 * count of pivots above relTol * (first pivot) is the rank whenever the
 * spectrum has a gap at that level, which exact low-rank data always has.
 */
export function numericalRank(rows: number, cols: number, data: Float64Array, relTol = 1e-8): number {
  const columns: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const c = new Float64Array(rows);
    for (let i = 0; i < rows; i++) c[i] = data[i * cols + j];
    columns.push(c);
  }
  let first = 0;
  let rank = 0;
  while (rank < Math.min(rows, cols)) {
    let best = -1;
    let bestNorm = 0;
    for (let j = 0; j < columns.length; j++) {
      let ss = 0;
      for (const v of columns[j]) ss += v * v;
      if (ss > bestNorm) {
        bestNorm = ss;
        best = j;
      }
    }
    bestNorm = Math.sqrt(bestNorm);
    if (rank === 0) first = bestNorm;
    if (best < 0 || bestNorm <= relTol * first) break;
    const q = columns[best].map((v) => v / bestNorm);
    columns.splice(best, 1);
    for (const c of columns) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i] * c[i];
      for (let i = 0; i < rows; i++) c[i] -= dot * q[i];
    }
    rank++;
  }
  return rank;
}

/** Mode-k unfolding of a C-order tensor as a shape[k] x (size / shape[k]) row-major matrix. */
export function unfold(shape: number[], data: Float64Array, mode: number): { rows: number; cols: number; data: Float64Array } {
  const n = shape[mode];
  let left = 1;
  for (let k = 0; k < mode; k++) left *= shape[k];
  const right = data.length / (left * n);
  const out = new Float64Array(data.length);
  const cols = left * right;
  for (let l = 0; l < left; l++)
    for (let i = 0; i < n; i++)
      for (let r = 0; r < right; r++) out[i * cols + l * right + r] = data[(l * n + i) * right + r];
  return { rows: n, cols, data: out };
}
