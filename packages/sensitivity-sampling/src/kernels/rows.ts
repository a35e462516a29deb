// The TypeScript twin of assembly/rows.ts: row norms of A and of A B.
import { dotAt } from "@lowrank/linalg/kernels";

/** out[i] = ||X[i, 0:d]||² for n rows (linalg's dot order, as the WASM kernel). */
export function rowNormsSq(n: number, d: number, X: Float64Array, ldx: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = dotAt(d, X, i * ldx, X, i * ldx);
}

/**
 * out[i] = ||a_iᵀ B||² (see SensitivityKernels.rowNormsOfProduct), summed in
 * the order of the WASM register tile: columns in panels of 4 (then 2, then
 * 1), each panel's entries accumulated over j, squared into two lanes
 * (lane 0: columns c and c+2, lane 1: c+1 and c+3), the lanes added last.
 */
export function rowNormsOfProduct(
  n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  upper: boolean, out: Float64Array, _z: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const ai = i * lda;
    let s0 = 0, s1 = 0, t = 0, c = 0;
    for (; c + 4 <= k; c += 4) {
      let x0 = 0, x1 = 0, x2 = 0, x3 = 0;
      const jEnd = upper ? Math.min(d, c + 4) : d;
      for (let j = 0; j < jEnd; j++) {
        const a = A[ai + j], bj = j * ldb + c;
        x0 = x0 + a * B[bj];
        x1 = x1 + a * B[bj + 1];
        x2 = x2 + a * B[bj + 2];
        x3 = x3 + a * B[bj + 3];
      }
      s0 = s0 + (x0 * x0 + x2 * x2);
      s1 = s1 + (x1 * x1 + x3 * x3);
    }
    for (; c + 2 <= k; c += 2) {
      let x0 = 0, x1 = 0;
      const jEnd = upper ? Math.min(d, c + 2) : d;
      for (let j = 0; j < jEnd; j++) {
        const a = A[ai + j], bj = j * ldb + c;
        x0 = x0 + a * B[bj];
        x1 = x1 + a * B[bj + 1];
      }
      s0 = s0 + x0 * x0;
      s1 = s1 + x1 * x1;
    }
    if (c < k) {
      let y = 0;
      const jEnd = upper ? Math.min(d, c + 1) : d;
      for (let j = 0; j < jEnd; j++) y += A[ai + j] * B[j * ldb + c];
      t = y * y;
    }
    out[i] = s0 + s1 + t;
  }
}
