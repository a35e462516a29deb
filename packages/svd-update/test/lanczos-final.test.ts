import { describe, expect, it } from "vitest";
import { init, svdResiduals, truncatedSvd } from "../src/index.js";
import { orthError, variants } from "./helpers.js";

// The one-sided form's final Rayleigh-Ritz step factors W = A V_k by
// CholeskyQR2 when σ_1 / σ_k <= 256 and by Householder beyond: matrices with
// known singular values on either side of that line (and near the two-sided
// form's 2^12) must give every σ_i to near rounding and orthonormal factors.
const BACKENDS = ["js", ...variants] as const;

/** m x n CSR with s on a permuted diagonal: entry (perm(i), i) = s_i. */
function graded(m: number, n: number, s: number[]) {
  const rows: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < n; i++) rows[(i * 37) % m].push(i);
  const indptr = new Int32Array(m + 1), indices: number[] = [], data: number[] = [];
  for (let r = 0; r < m; r++) {
    for (const c of rows[r]) {
      indices.push(c);
      data.push(s[c]);
    }
    indptr[r + 1] = indices.length;
  }
  return { rows: m, cols: n, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

describe("truncatedSvd's final step on either side of the CholeskyQR2 condition limit", () => {
  for (const b of BACKENDS) {
    it(`${b}: σ_1 / σ_k of 2^4, 2^7.5, 2^8.5 and 2^11 give every σ_i to 1e-11 and orthonormal factors`, async () => {
      const backend = b === "js" ? ("js" as const) : (await init({ variant: b }), "wasm" as const);
      const m = 120, n = 60, k = 12;
      for (const span of [4, 7.5, 8.5, 11]) {
        // Leading k values from 1 down to 2^-span, the rest a gap below.
        const s = Array.from({ length: n }, (_, i) => (i < k ? 2 ** ((-span * i) / (k - 1)) : 2 ** -span * 0.5 * 0.97 ** (i - k)));
        const A = graded(m, n, s);
        const r = await truncatedSvd(A, { rank: k, backend });
        for (let i = 0; i < k; i++) expect(Math.abs(r.s[i] - s[i]) / s[i]).toBeLessThan(1e-11);
        expect(orthError(r.U)).toBeLessThan(1e-13);
        expect(orthError(r.V)).toBeLessThan(1e-13);
        expect(Math.max(...svdResiduals(A, r, { backend }))).toBeLessThan(1e-10);
      }
    });
  }
});
