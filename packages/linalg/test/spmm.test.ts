import { beforeAll, describe, expect, it } from "vitest";
import { init, Rng, spmm, spmmT, type CsrMatrix, type DenseMatrix } from "../src/index.js";
import { naiveProduct, randn, relDiff, variants } from "./helpers.js";

function randomCsr(rows: number, cols: number, density: number, seed: number): { csr: CsrMatrix; dense: DenseMatrix } {
  const r = new Rng(seed);
  const dense = new Float64Array(rows * cols);
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [], val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (r.uniform() < density) {
        const v = r.normal();
        dense[i * cols + j] = v;
        idx.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return { csr: { rows, cols, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) }, dense: { rows, cols, data: dense } };
}

for (const variant of variants) {
  describe(`sparse products on wasm ${variant}`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    for (const [rows, cols, k, density] of [[1, 1, 1, 1], [50, 40, 7, 0.1], [300, 200, 16, 0.02], [30, 500, 3, 0.3]] as const) {
      it(`spmm and spmmT of ${rows}x${cols} (density ${density}) with k=${k} match the dense product`, () => {
        const { csr, dense } = randomCsr(rows, cols, density, rows + cols);
        const B = randn(cols, k, 3), Bt = randn(rows, k, 4);
        const want = naiveProduct(dense, B), wantT = naiveProduct(dense, Bt, true);
        const got = spmm(csr, B), gotJ = spmm(csr, B, { backend: "js" });
        const gotT = spmmT(csr, Bt), gotTJ = spmmT(csr, Bt, { backend: "js" });
        expect([got.rows, got.cols, gotT.rows, gotT.cols]).toEqual([rows, k, cols, k]);
        expect(relDiff(got.data, want.data)).toBeLessThan(1e-13);
        expect(relDiff(gotJ.data, want.data)).toBeLessThan(1e-13);
        expect(relDiff(gotT.data, wantT.data)).toBeLessThan(1e-13);
        expect(relDiff(gotTJ.data, gotT.data)).toBeLessThan(1e-13);
      });
    }
  });
}

describe("sparse bad input", () => {
  beforeAll(async () => {
    await init();
  });
  const base = (): CsrMatrix => ({ rows: 2, cols: 3, indptr: new Int32Array([0, 1, 2]), indices: new Int32Array([0, 2]), data: new Float64Array([1, 2]) });
  it("rejects a column index out of range with INDEX", () => {
    const A = base();
    A.indices[1] = 3;
    expect(() => spmm(A, randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "INDEX" }));
  });
  it("rejects a decreasing indptr or a wrong length with SHAPE", () => {
    const A = base();
    A.indptr = new Int32Array([0, 2, 1]);
    expect(() => spmm(A, randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "SHAPE" }));
    expect(() => spmm({ ...base(), indptr: new Int32Array([0, 2]) }, randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "SHAPE" }));
  });
  it("rejects mismatched dense shapes with SHAPE and NaN values with NON_FINITE", () => {
    expect(() => spmm(base(), randn(2, 2, 1))).toThrow(expect.objectContaining({ code: "SHAPE" }));
    expect(() => spmmT(base(), randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "SHAPE" }));
    const A = base();
    A.data[0] = NaN;
    expect(() => spmm(A, randn(3, 2, 1))).toThrow(expect.objectContaining({ code: "NON_FINITE" }));
  });
});
