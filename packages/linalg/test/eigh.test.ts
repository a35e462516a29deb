import { describe, expect, it } from "vitest";
import { eigh, type DenseMatrix, type EighResult } from "../src/index.js";
import {
  codeOf, describeVariants, logspace, mat, matmul, maxDiff, norm, orthError, orthonormal, randn, relErr, usv,
} from "./factor-helpers.js";

/** Q diag(λ) Qᵀ for a random orthogonal Q. */
function withEigenvalues(lambda: number[], seed: number): DenseMatrix {
  const n = lambda.length;
  const Q = orthonormal(n, n, seed);
  const S = usv(Q, lambda, Q);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S.data[j * n + i] = S.data[i * n + j];
  return S;
}

function randomSymmetric(n: number, seed: number): DenseMatrix {
  const A = randn(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A.data[j * n + i] = A.data[i * n + j];
  return A;
}

function checkEigh(S: DenseMatrix, { values, vectors }: EighResult): void {
  const n = S.rows;
  expect([vectors.rows, vectors.cols, values.length]).toEqual([n, n, n]);
  for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  expect(orthError(vectors)).toBeLessThan(1e-12);
  const rec = usv(vectors, values, vectors);
  expect(relErr(rec.data, S.data)).toBeLessThan(1e-12);
  // Columns are eigenvectors: S v_j = λ_j v_j.
  const SV = matmul(S, vectors);
  const scale = Math.max(norm(S.data), Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      expect(Math.abs(SV.data[i * n + j] - values[j] * vectors.data[i * n + j]) / scale).toBeLessThan(1e-12);
    }
  }
}

const known: { name: string; lambda: number[] }[] = [
  { name: "distinct mixed-sign eigenvalues", lambda: [7, 3.5, 2, 0.25, -1, -4, -9] },
  { name: "repeated eigenvalues", lambda: [4, 4, 4, 1, 1, -2, -2, -2, -2, 0.5] },
  { name: "zero eigenvalues (singular)", lambda: [3, 2, 0, 0, 0, -1] },
  { name: "ill-conditioned spectrum 1 .. 1e-12", lambda: logspace(1, 1e-12, 15) },
];

const cases: { name: string; S: DenseMatrix; lambda?: number[]; distinct: boolean }[] = [
  ...known.map((k, i) => ({ name: k.name, S: withEigenvalues(k.lambda, 10 + i), lambda: k.lambda, distinct: k.name.startsWith("distinct") })),
  { name: "random symmetric 40 x 40", S: randomSymmetric(40, 1), distinct: true },
  { name: "1 x 1", S: mat(1, 1, [-3]), lambda: [-3], distinct: true },
  { name: "2 x 2", S: mat(2, 2, [2, 1, 1, 2]), lambda: [3, 1], distinct: true },
  { name: "diagonal", S: mat(3, 3, [1, 0, 0, 0, 5, 0, 0, 0, -2]), lambda: [5, 1, -2], distinct: true },
  { name: "zero 5 x 5", S: mat(5, 5, new Float64Array(25)), lambda: [0, 0, 0, 0, 0], distinct: false },
  { name: "entries ~1e-300", S: withEigenvalues([3e-300, 2e-300, -1e-300, 5e-301], 20), lambda: [3e-300, 2e-300, 5e-301, -1e-300], distinct: true },
  { name: "entries ~1e300", S: withEigenvalues([3e300, 2e300, -1e300, 5e299], 21), lambda: [3e300, 2e300, 5e299, -1e300], distinct: true },
];

describe("eigh (js reference)", () => {
  for (const c of cases) {
    it(`decomposes ${c.name}: S = V diag(λ) Vᵀ, V orthogonal, λ descending`, () => {
      const res = eigh(c.S, { backend: "js" });
      expect(res.kind).toBe("eigh");
      checkEigh(c.S, res);
      if (c.lambda) {
        const want = [...c.lambda].sort((a, b) => b - a);
        expect(maxDiff(res.values, want) / Math.max(...want.map(Math.abs), Number.MIN_VALUE)).toBeLessThan(1e-13);
      }
    });
  }

  it("normalises signs: the largest-magnitude entry of each eigenvector is positive", () => {
    const { vectors } = eigh(randomSymmetric(12, 3), { backend: "js" });
    for (let j = 0; j < 12; j++) {
      let best = 0;
      for (let i = 0; i < 12; i++) if (Math.abs(vectors.data[i * 12 + j]) > Math.abs(best)) best = vectors.data[i * 12 + j];
      expect(best).toBeGreaterThan(0);
    }
  });

  it("uses the symmetric part of a matrix asymmetric within the tolerance", () => {
    const S = randomSymmetric(6, 4);
    const T = { ...S, data: S.data.slice() };
    T.data[1] += 1e-14;
    T.data[6] -= 1e-14;
    expect(maxDiff(eigh(T, { backend: "js" }).values, eigh(S, { backend: "js" }).values)).toBeLessThan(1e-13);
  });

  it("rejects bad input with typed errors", () => {
    expect(codeOf(() => eigh(randn(3, 4, 1), { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => eigh(mat(2, 2, [1, 2, 3, 4]), { backend: "js" }))).toBe("SHAPE");
    expect(() => eigh(mat(2, 2, [1, 2, 3, 4]), { backend: "js" })).toThrow(/not symmetric.*= 1 exceeds/);
    expect(codeOf(() => eigh(mat(0, 0, []), { backend: "js" }))).toBe("EMPTY");
    expect(codeOf(() => eigh(mat(2, 2, [1, NaN, NaN, 1]), { backend: "js" }))).toBe("NON_FINITE");
  });
});

describeVariants("eigh wasm", () => {
  for (const c of cases) {
    it(`decomposes ${c.name} and agrees with the js reference to 1e-10`, () => {
      const w = eigh(c.S);
      checkEigh(c.S, w);
      const j = eigh(c.S, { backend: "js" });
      const scale = Math.max(...Array.from(j.values, Math.abs), Number.MIN_VALUE);
      expect(maxDiff(w.values, j.values) / scale).toBeLessThan(1e-10);
      if (c.distinct && !c.name.startsWith("ill")) expect(maxDiff(w.vectors.data, j.vectors.data)).toBeLessThan(1e-10);
    });
  }

  it("decomposes a larger 150 x 150 input", () => {
    const S = randomSymmetric(150, 41);
    const w = eigh(S);
    checkEigh(S, w);
    expect(maxDiff(w.values, eigh(S, { backend: "js" }).values)).toBeLessThan(1e-10 * Math.abs(w.values[0]));
  });
});
