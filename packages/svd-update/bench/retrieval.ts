import type { SvdResult } from "@lowrank/linalg";

/** Rows of U diag(s), each scaled to unit length (the LSA document vectors compared by cosine). */
function embed(f: SvdResult): Float64Array {
  const { rows, cols } = f.U;
  const X = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let n = 0;
    for (let j = 0; j < cols; j++) {
      const v = f.U.data[i * cols + j] * f.s[j];
      X[i * cols + j] = v;
      n += v * v;
    }
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let j = 0; j < cols; j++) X[i * cols + j] *= inv;
  }
  return X;
}

function topK(X: Float64Array, rows: number, cols: number, q: number, k: number): Set<number> {
  const score: [number, number][] = [];
  for (let i = 0; i < rows; i++) {
    if (i === q) continue;
    let t = 0;
    for (let j = 0; j < cols; j++) t += X[q * cols + j] * X[i * cols + j];
    score.push([t, i]);
  }
  score.sort((a, b) => b[0] - a[0]);
  return new Set(score.slice(0, k).map((x) => x[1]));
}

/**
 * Nearest-document retrieval agreement: for every `stride`-th document, the
 * fraction of its `k` nearest neighbours (cosine of the LSA vectors) under `f`
 * that are also nearest under `ref`, averaged. 1 means the same neighbours.
 */
export function retrievalAgreement(f: SvdResult, ref: SvdResult, k = 10, stride = 60): number {
  const rows = f.U.rows, cols = f.U.cols;
  const X = embed(f), Y = embed(ref);
  let sum = 0, n = 0;
  for (let q = 0; q < rows; q += stride) {
    const a = topK(X, rows, cols, q, k), b = topK(Y, rows, ref.U.cols, q, k);
    let hit = 0;
    for (const i of a) if (b.has(i)) hit++;
    sum += hit / k;
    n++;
  }
  return sum / n;
}
