import { describe, expect, it } from "vitest";
import { cholesky, type DenseMatrix } from "../src/index.js";
import { codeOf, describeVariants, logspace, mat, matmul, maxDiff, norm, orthonormal, randn, relErr, scaled, usv } from "./factor-helpers.js";

/** B Bᵀ + n I: symmetric positive definite. */
function spd(n: number, seed: number): DenseMatrix {
  const B = randn(n, n, seed);
  const S = matmul(B, B, false, true);
  for (let i = 0; i < n; i++) S.data[i * n + i] += n;
  return S;
}

function symmetricFrom(lambda: number[], seed: number): DenseMatrix {
  const n = lambda.length;
  const Q = orthonormal(n, n, seed);
  const S = usv(Q, lambda, Q);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S.data[j * n + i] = S.data[i * n + j];
  return S;
}

function checkChol(S: DenseMatrix, L: DenseMatrix, tol = 1e-13): void {
  const n = S.rows;
  expect([L.rows, L.cols]).toEqual([n, n]);
  for (let i = 0; i < n; i++) {
    expect(L.data[i * n + i]).toBeGreaterThan(0);
    for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
  }
  expect(relErr(matmul(L, L, false, true).data, S.data)).toBeLessThan(tol);
}

const cases: { name: string; S: DenseMatrix }[] = [
  { name: "random SPD 40 x 40", S: spd(40, 1) },
  { name: "1 x 1", S: mat(1, 1, [9]) },
  { name: "ill-conditioned SPD (eigenvalues 1 .. 1e-12)", S: symmetricFrom(logspace(1, 1e-12, 12), 2) },
  { name: "entries ~1e-300", S: scaled(spd(10, 3), 1e-300) },
  { name: "entries ~1e300", S: scaled(spd(10, 4), 1e300) },
];

describe("cholesky (js reference)", () => {
  for (const c of cases) {
    it(`factors ${c.name}: S = L Lᵀ, L lower with positive diagonal`, () => {
      checkChol(c.S, cholesky(c.S, { backend: "js" }), c.name.startsWith("ill") ? 1e-12 : 1e-13);
    });
  }

  it("gives the known factor of a small matrix", () => {
    const L = cholesky(mat(3, 3, [4, 2, -2, 2, 10, 2, -2, 2, 6]), { backend: "js" });
    expect(maxDiff(L.data, [2, 0, 0, 1, 3, 0, -1, 1, 2])).toBeLessThan(1e-15);
  });

  it("throws RANK naming the pivot for indefinite, semidefinite-with-zero-pivot and negative matrices", () => {
    expect(() => cholesky(mat(2, 2, [1, 2, 2, 1]), { backend: "js" })).toThrow(/pivot 1/);
    expect(codeOf(() => cholesky(mat(2, 2, [1, 2, 2, 1]), { backend: "js" }))).toBe("RANK");
    expect(codeOf(() => cholesky(mat(2, 2, [0, 0, 0, 1]), { backend: "js" }))).toBe("RANK");
    expect(() => cholesky(mat(3, 3, [1, 0, 0, 0, -1, 0, 0, 0, 1]), { backend: "js" })).toThrow(/pivot 1/);
    expect(codeOf(() => cholesky(symmetricFrom([3, 2, 1, -1e-3], 5), { backend: "js" }))).toBe("RANK");
  });

  it("rejects bad input with typed errors", () => {
    expect(codeOf(() => cholesky(randn(2, 3, 1), { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => cholesky(mat(2, 2, [2, 1, 0, 2]), { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => cholesky(mat(0, 0, []), { backend: "js" }))).toBe("EMPTY");
    expect(codeOf(() => cholesky(mat(1, 1, [Infinity]), { backend: "js" }))).toBe("NON_FINITE");
  });
});

describeVariants("cholesky wasm", () => {
  for (const c of cases) {
    it(`factors ${c.name} and agrees with the js reference to 1e-10`, () => {
      const w = cholesky(c.S);
      checkChol(c.S, w, c.name.startsWith("ill") ? 1e-12 : 1e-13);
      const j = cholesky(c.S, { backend: "js" });
      expect(maxDiff(w.data, j.data) / norm(j.data)).toBeLessThan(1e-10);
    });
  }

  it("throws RANK for an indefinite matrix", () => {
    expect(codeOf(() => cholesky(mat(2, 2, [1, 2, 2, 1])))).toBe("RANK");
  });

  it("factors a larger 200 x 200 input", () => {
    const S = spd(200, 9);
    checkChol(S, cholesky(S));
  });
});
