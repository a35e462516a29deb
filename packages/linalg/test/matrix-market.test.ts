import { describe, expect, it } from "vitest";
import { readMatrixMarket, writeMatrixMarket, type CsrMatrix, type DenseMatrix } from "../src/index.js";
import { randn } from "./helpers.js";

describe("Matrix Market", () => {
  it("round-trips a dense matrix to identical doubles", () => {
    const A = randn(7, 5, 3);
    A.data[0] = 1e-300;
    A.data[1] = -1.7976931348623157e308;
    const B = readMatrixMarket(writeMatrixMarket(A, { comment: "test\nmatrix" })) as DenseMatrix;
    expect(B.rows).toBe(7);
    expect(B.cols).toBe(5);
    expect(Array.from(B.data)).toEqual(Array.from(A.data));
  });

  it("round-trips a CSR matrix with its sparsity pattern", () => {
    const A: CsrMatrix = { rows: 3, cols: 4, indptr: new Int32Array([0, 2, 2, 3]), indices: new Int32Array([1, 3, 0]), data: new Float64Array([0.1, -2, 3e-9]) };
    const B = readMatrixMarket(writeMatrixMarket(A)) as CsrMatrix;
    expect(Array.from(B.indptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(B.indices)).toEqual([1, 3, 0]);
    expect(Array.from(B.data)).toEqual([0.1, -2, 3e-9]);
  });

  it("reads a column-major array file as the documented row-major matrix", () => {
    const A = readMatrixMarket("%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n3\n4\n5\n6\n") as DenseMatrix;
    expect(Array.from(A.data)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it("expands symmetric and skew-symmetric coordinate files and sums duplicates", () => {
    const S = readMatrixMarket("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 2\n3 1 5\n3 1 1\n") as CsrMatrix;
    expect(Array.from(S.indptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(S.indices)).toEqual([0, 2, 0]);
    expect(Array.from(S.data)).toEqual([2, 6, 6]);
    const K = readMatrixMarket("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 4\n") as CsrMatrix;
    expect(Array.from(K.data)).toEqual([-4, 4]);
    const P = readMatrixMarket("%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 2\n") as CsrMatrix;
    expect(Array.from(P.data)).toEqual([1, 1]);
    const SA = readMatrixMarket("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n") as DenseMatrix;
    expect(Array.from(SA.data)).toEqual([1, 2, 2, 3]);
  });

  it("rejects broken files with typed errors", () => {
    expect(() => readMatrixMarket("hello")).toThrow(expect.objectContaining({ code: "SHAPE" }));
    expect(() => readMatrixMarket("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => readMatrixMarket("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n")).toThrow(expect.objectContaining({ code: "INDEX" }));
    expect(() => readMatrixMarket("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n")).toThrow(expect.objectContaining({ code: "SHAPE" }));
    expect(() => readMatrixMarket("%%MatrixMarket matrix array real general\n1 2\n1\ninf\n")).toThrow(expect.objectContaining({ code: "NON_FINITE" }));
    expect(() => readMatrixMarket("%%MatrixMarket matrix array real general\n1 2\n1\nabc\n")).toThrow(expect.objectContaining({ code: "SHAPE" }));
  });
});
