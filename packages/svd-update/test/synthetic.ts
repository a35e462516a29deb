// The synthetic benchmark matrix of the Lanczos tests and bench: a rank-16
// Gaussian product X Yᵀ (20000 x 5000) sampled on 25 distinct random columns
// per row ("masked rank 16"), plus 1% Gaussian noise on the sampled entries,
// as CSR. Seeded, so TypeScript regenerates the matrix the reference values
// were computed on (test/data/make-reference.ts writes it out for scipy).
import { Rng, type CsrMatrix } from "@lowrank/linalg";

export function maskedLowRank(m = 20000, n = 5000, perRow = 25, rank = 16, seed = 13): CsrMatrix {
  const rng = new Rng(seed);
  const X = rng.fillNormal(new Float64Array(m * rank)), Y = rng.fillNormal(new Float64Array(n * rank));
  const indptr = new Int32Array(m + 1), indices = new Int32Array(m * perRow), data = new Float64Array(m * perRow);
  const seen = new Uint8Array(n);
  let q = 0;
  for (let i = 0; i < m; i++) {
    const cols: number[] = [];
    while (cols.length < perRow) {
      const j = rng.int(n);
      if (!seen[j]) {
        seen[j] = 1;
        cols.push(j);
      }
    }
    cols.sort((a, b) => a - b);
    for (const j of cols) {
      seen[j] = 0;
      let v = 0;
      for (let t = 0; t < rank; t++) v += X[i * rank + t] * Y[j * rank + t];
      indices[q] = j;
      data[q++] = v + 0.01 * rng.normal();
    }
    indptr[i + 1] = q;
  }
  return { rows: m, cols: n, indptr, indices, data };
}
