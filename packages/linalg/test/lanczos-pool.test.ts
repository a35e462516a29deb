// The Lanczos SVD's fixed pieces (src/lanczos-pool.ts; docs/ARCHITECTURE.md,
// "Threads") on the js backend: the partitions depend on the sizes only, the
// piecewise sums are the plain products up to rounding, the transpose made in
// a workspace is csr-transpose.ts's, and scaledCopy's value rules are
// workingCopy's. The pool's side (the same calls on several threads) is
// tested where a module exports csrTask: svd-update's threads-lanczos.test.ts.
import { describe, expect, it } from "vitest";
import { transposeCsr } from "../src/csr-transpose.js";
import { jsCsrVectorKernels, type LanczosKernels } from "../src/kernels/csr-vector.js";
import { jsKernels } from "../src/kernels/index.js";
import { scaledCopy } from "../src/lanczos-basis.js";
import { coefPartsSize, coefPieces, gramPartsSize, gramPieces, pieceCoefs, pieceGram, transposePieces } from "../src/lanczos-pool.js";
import { workingCopy, maxAbs, scaleExponent } from "../src/pow2-scale.js";
import { Rng } from "../src/rng.js";
import type { CsrMatrix } from "../src/types.js";
import { JsWorkspace } from "../src/workspace.js";

const K: LanczosKernels = { ...jsKernels, ...jsCsrVectorKernels };

function randomCsr(rows: number, cols: number, density: number, seed: number, scale = 1): CsrMatrix {
  const rng = new Rng(seed), indptr = new Int32Array(rows + 1), idx: number[] = [], val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (rng.uniform() < density) (idx.push(j), val.push(scale * rng.normal()));
    indptr[i + 1] = idx.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) };
}

describe("the Lanczos SVD's fixed pieces", () => {
  it("partitions depend on the sizes only: pieces of >= 512 coordinates (a multiple of 4), >= 256 rows, bounded counts", () => {
    expect(coefPieces(300)).toEqual({ chunk: 512, count: 1 });
    expect(coefPieces(6046)).toEqual({ chunk: 512, count: 12 });
    const big = coefPieces(1e6);
    expect(big.count).toBeLessThanOrEqual(64);
    expect(big.chunk % 4).toBe(0);
    expect(big.chunk * big.count).toBeGreaterThanOrEqual(1e6);
    expect(gramPieces(23869, 16)).toEqual({ chunk: 746, count: 32 });
    expect(gramPieces(100, 16).count).toBe(1);
    expect(gramPieces(1e6, 1000).count).toBe(1); // partial Grams would not fit
    expect(transposePieces(1000)).toBe(1);
    expect(transposePieces(602047)).toBe(8);
    expect(coefPartsSize(41, 300)).toBe(0);
    expect(gramPartsSize(23869, 16)).toBe(32 * 256);
  });

  it("pieceCoefs and pieceGram give the plain products to rounding", () => {
    const rng = new Rng(2), j = 9, n = 1500, m = 2000, k = 5;
    const G = new Float64Array(j * n).map(() => rng.normal()), w = new Float64Array(n).map(() => rng.normal());
    const h = new Float64Array(j), parts = new Float64Array(coefPartsSize(j, n));
    expect(parts.length).toBe(3 * j);
    pieceCoefs(K, j, n, G, n, w, h, parts);
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += G[i * n + c] * w[c];
      expect(Math.abs(h[i] - s)).toBeLessThan(1e-11);
    }
    const W = new Float64Array(m * k).map(() => rng.normal()), Gr = new Float64Array(k * k), gparts = new Float64Array(gramPartsSize(m, k));
    pieceGram(K, m, k, W, Gr, gparts);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let r = 0; r < m; r++) s += W[r * k + a] * W[r * k + b];
        expect(Math.abs(Gr[a * k + b] - s)).toBeLessThan(1e-10);
        expect(Object.is(Gr[a * k + b], Gr[b * k + a])).toBe(true);
      }
    }
  });

  it("scaledCopy's transpose is csr-transpose.ts's, with workingCopy's scaling and flushing", () => {
    for (const [scale, tiny] of [[1, false], [2 ** 300, false], [1, true]] as const) {
      const A = randomCsr(37, 81, 0.2, 7, scale);
      if (tiny) A.data[3] = A.data[0] * 2 ** -600; // flushed to zero
      const ws = new JsWorkspace(K);
      const t = scaledCopy(ws, A, true), plain = scaledCopy(ws, A);
      const T = transposeCsr(A), mx = maxAbs(A.data), e = scaleExponent(mx);
      expect(t.e).toBe(e);
      expect(plain.e).toBe(e);
      expect(Array.from(t.indptr)).toEqual(Array.from(T.indptr));
      expect(Array.from(t.indices)).toEqual(Array.from(T.indices));
      expect(Array.from(t.data)).toEqual(Array.from(transposeCsr({ ...A, data: workingCopy(A.data, A.data.length, mx, e) }).data));
      expect(Array.from(plain.data)).toEqual(Array.from(workingCopy(A.data, A.data.length, mx, e)));
      if (tiny) expect(plain.data[3]).toBe(0);
    }
  });
});
