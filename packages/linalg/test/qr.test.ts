import { describe, expect, it } from "vitest";
import { qr, type DenseMatrix, type QrResult } from "../src/index.js";
import {
  codeOf, describeVariants, mat, matmul, maxDiff, norm, orthError, randn, relErr, scaled, withSingularValues,
} from "./factor-helpers.js";

function checkQr(A: DenseMatrix, { Q, R }: QrResult): void {
  const k = Math.min(A.rows, A.cols);
  expect([Q.rows, Q.cols, R.rows, R.cols]).toEqual([A.rows, k, k, A.cols]);
  for (let i = 0; i < k; i++) {
    expect(R.data[i * A.cols + i]).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < i; j++) expect(R.data[i * A.cols + j]).toBe(0);
  }
  expect(orthError(Q)).toBeLessThan(1e-12);
  expect(relErr(matmul(Q, R).data, A.data)).toBeLessThan(1e-13);
}

const cases: { name: string; A: DenseMatrix }[] = [
  { name: "random tall 50 x 20", A: randn(50, 20, 1) },
  { name: "random wide 20 x 50", A: randn(20, 50, 2) },
  { name: "random square 33 x 33", A: randn(33, 33, 3) },
  { name: "single column 9 x 1", A: randn(9, 1, 4) },
  { name: "single row 1 x 9", A: randn(1, 9, 5) },
  { name: "rank 4 of 30 x 12", A: withSingularValues(30, 12, [5, 3, 2, 1], 6) },
  { name: "ill-conditioned 30 x 12", A: withSingularValues(30, 12, [1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-11, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12], 7) },
  { name: "zero 8 x 5", A: mat(8, 5, new Float64Array(40)) },
  { name: "entries ~1e-300", A: scaled(randn(25, 10, 8), 1e-300) },
  { name: "entries ~1e300", A: scaled(randn(25, 10, 9), 1e300) },
  { name: "negative diagonal and zero columns", A: mat(3, 3, [-2, 0, 1, 0, 0, 1, 0, 0, -3]) },
  // Above the crossover: the blocked kernels on wasm (compared with the unblocked js reference).
  { name: "random tall 300 x 130 (blocked on wasm)", A: randn(300, 130, 41) },
  { name: "random wide 110 x 240 (blocked on wasm)", A: randn(110, 240, 42) },
  { name: "rank 6 of 250 x 100 (blocked on wasm)", A: withSingularValues(250, 100, [6, 5, 4, 3, 2, 1], 43) },
  { name: "entries ~1e300, 200 x 70 (blocked on wasm)", A: scaled(randn(200, 70, 44), 1e300) },
];

describe("qr (js reference)", () => {
  for (const c of cases) {
    it(`factors ${c.name}: A = QR, QᵀQ = I, R upper triangular with diag >= 0`, () => {
      checkQr(c.A, qr(c.A, { backend: "js" }));
    });
  }

  it("returns the unique factors of a full-rank matrix (known answer)", () => {
    // A = [3 -4; 4 3; 0 0] * diag(1, 2): columns orthogonal with norms 5, 10.
    const { kind, Q, R } = qr(mat(3, 2, [3, -8, 4, 6, 0, 0]), { backend: "js" });
    expect(kind).toBe("qr");
    expect(maxDiff(R.data, [5, 0, 0, 10])).toBeLessThan(1e-15);
    expect(maxDiff(Q.data, [0.6, -0.8, 0.8, 0.6, 0, 0])).toBeLessThan(1e-15);
  });

  it("gives R = 0 and an orthonormal Q for a zero matrix", () => {
    const { Q, R } = qr(mat(6, 4, new Float64Array(24)), { backend: "js" });
    expect(norm(R.data)).toBe(0);
    expect(orthError(Q)).toBe(0);
  });

  it("rejects bad input with typed errors", () => {
    expect(codeOf(() => qr(mat(3, 0, []), { backend: "js" }))).toBe("EMPTY");
    expect(codeOf(() => qr(mat(1, 2, [1, NaN]), { backend: "js" }))).toBe("NON_FINITE");
    expect(codeOf(() => qr({ rows: 2, cols: 2, data: new Float64Array(3) }, { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => qr({ rows: -1, cols: 2, data: new Float64Array(0) }, { backend: "js" }))).toBe("SHAPE");
  });
});

describeVariants("qr wasm", () => {
  for (const c of cases) {
    it(`factors ${c.name} and agrees with the js reference to 1e-10`, () => {
      const w = qr(c.A);
      checkQr(c.A, w);
      const j = qr(c.A, { backend: "js" });
      const scale = Math.max(norm(c.A.data), Number.MIN_VALUE);
      expect(maxDiff(w.R.data, j.R.data) / scale).toBeLessThan(1e-10);
      // Q is determined where R's diagonal is well away from zero (full-rank leading part).
      const k = Math.min(c.A.rows, c.A.cols);
      for (let col = 0; col < k; col++) {
        if (j.R.data[col * c.A.cols + col] < 1e-6 * scale) break;
        for (let i = 0; i < c.A.rows; i++) expect(Math.abs(w.Q.data[i * k + col] - j.Q.data[i * k + col])).toBeLessThan(1e-10);
      }
    });
  }

  it("factors a larger 400 x 150 input", () => {
    const A = randn(400, 150, 31);
    checkQr(A, qr(A));
  });
});
