// One init for the whole library, and every input form users bring, across
// packages. Runs in its own process (vitest forks), so nothing else has
// initialised the runtime before the first test.
import { gemm, runtimeStatus, svd, type DenseMatrix } from "@lowrank/linalg";
import { complete, CompletionModel } from "@lowrank/matrix-completion";
import { init as initSvdUpdate, truncatedSvd } from "@lowrank/svd-update";
import { leverageScores } from "@lowrank/sensitivity-sampling";
import { reconstruct, tensorTrain, tucker } from "@lowrank/tensor-network";
import { Matrix } from "ml-matrix";
import ndarray from "ndarray";
import { describe, expect, it } from "vitest";

function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  });
}

function plain(rows: number, cols: number, seed: number): DenseMatrix {
  return { rows, cols, data: seeded(rows * cols, seed) };
}

function toNested(A: DenseMatrix): number[][] {
  return Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
}

/** A transposed ndarray view of Aᵀ's storage: reads as A, but its strides are not C order. */
function transposedView(A: DenseMatrix) {
  const t = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) t[j * A.rows + i] = A.data[i * A.cols + j];
  return ndarray(t, [A.cols, A.rows]).transpose(1, 0);
}

function forms(A: DenseMatrix): [string, unknown][] {
  return [
    ["ml-matrix Matrix", new Matrix(toNested(A))],
    ["number[][]", toNested(A)],
    ["transposed ndarray view", transposedView(A)],
  ];
}

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBe(b[i]);
}

describe("one runtime for every package", () => {
  it("after one package's init() every package's module is initialised in the same variant", async () => {
    const { variant } = await initSvdUpdate();
    const status = runtimeStatus();
    expect(status.variant).toBe(variant);
    const names = status.modules.map((m) => m.name);
    for (const p of ["linalg", "matrix-completion", "svd-update", "tensor-network", "sensitivity-sampling"]) {
      expect(names).toContain(`@lowrank/${p}`);
    }
    for (const m of status.modules) expect(m, m.name).toEqual({ name: m.name, variant });
    // Synchronous entry points of the other packages work at once.
    const A = plain(12, 5, 1);
    expect(gemm(A, A, { transB: true }).rows).toBe(12);
    expect(leverageScores(A).scores.length).toBe(12);
    const d = await tucker({ shape: [4, 3, 2], data: seeded(24, 2) }, { rank: [2, 2, 2], backend: "js" });
    expect(reconstruct(d).data.length).toBe(24);
  });
});

describe("every input form gives the plain form's result", () => {
  const A = plain(9, 6, 3);
  it("gemm and svd", () => {
    const ref = gemm(A, A, { transA: true }).data;
    const s = svd(A).s;
    for (const [what, X] of forms(A)) {
      expectSame(gemm(X as DenseMatrix, X as DenseMatrix, { transA: true }).data, ref);
      expectSame(svd(X as DenseMatrix).s, s);
      expect(what).toBeTruthy();
    }
  });

  it("truncatedSvd", async () => {
    const ref = await truncatedSvd(A, { rank: 3 });
    for (const [, X] of forms(A)) expectSame((await truncatedSvd(X as DenseMatrix, { rank: 3 })).s, ref.s);
  });

  it("tucker (order 2: a matrix is a tensor) and leverageScores", async () => {
    const T = { shape: [A.rows, A.cols], data: A.data };
    const ref = await tucker(T, { rank: [3, 3] });
    const lev = leverageScores(A).scores;
    for (const [, X] of forms(A)) {
      const d = await tucker(X as typeof T, { rank: [3, 3] });
      expectSame(reconstruct(d).data, reconstruct(ref).data);
      expectSame(leverageScores(X as DenseMatrix).scores, lev);
    }
  });

  it("a transposed 3-way ndarray view is read with its strides in tucker", async () => {
    const shape = [4, 3, 5];
    const data = seeded(60, 4);
    // Storage of the tensor with modes reversed; the view transposes it back.
    const rev = new Float64Array(60);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 5; k++) rev[k * 12 + j * 4 + i] = data[i * 15 + j * 5 + k];
    const view = ndarray(rev, [5, 3, 4]).transpose(2, 1, 0);
    const ref = await tucker({ shape, data }, { rank: [4, 3, 5] });
    const got = await tucker(view as unknown as { shape: number[]; data: Float64Array }, { rank: [4, 3, 5] });
    const a = reconstruct(ref).data, b = reconstruct(got).data;
    for (let q = 0; q < 60; q++) {
      expect(Math.abs(a[q] - data[q])).toBeLessThan(1e-12);
      expect(Math.abs(b[q] - data[q])).toBeLessThan(1e-12);
    }
  });
});

describe("names from other libraries", () => {
  it("tensorTrain(X, { rank: 2 }) names maxRank", async () => {
    const X = { shape: [3, 3, 3], data: seeded(27, 5) };
    await expect(tensorTrain(X, { rank: 2 } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("maxRank") });
  });

  it("complete refuses regParam and n_components with the name it uses", async () => {
    const obs = { rows: 3, cols: 3, rowIndex: [0, 1, 2], colIndex: [0, 1, 2], values: [1, 2, 3] };
    await expect(complete(obs as never, { rank: 2, regParam: 0.1 } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("lambda") });
    await expect(complete(obs as never, { rank: 2, n_components: 2 } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(CompletionModel).toBeTypeOf("function");
  });
});
