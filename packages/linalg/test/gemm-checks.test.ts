import { describe, expect, it } from "vitest";
import { gemm } from "../src/index.js";

// gemm on wasm checks its inputs and result by a WASM sum of squares, falling
// back to the exact scan when that sum is not finite: these cases hold both ends.
const mat = (rows: number, cols: number, f: (i: number) => number) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, (_, i) => f(i)) });

describe("gemm finiteness checks", () => {
  for (const backend of ["wasm", "js"] as const) {
    it(`refuses Infinity in B and NaN in A, wherever they are, with NON_FINITE (${backend})`, () => {
      const A = mat(70, 40, (i) => Math.sin(i)), B = mat(40, 50, (i) => Math.cos(i));
      B.data[B.data.length - 1] = -Infinity;
      expect(() => gemm(A, B, { backend })).toThrow(expect.objectContaining({ code: "NON_FINITE", message: expect.stringContaining("B") }));
      B.data[B.data.length - 1] = 1;
      A.data[1234] = NaN;
      expect(() => gemm(A, B, { backend, alpha: 0 })).toThrow(expect.objectContaining({ code: "NON_FINITE", message: expect.stringContaining("A") }));
    });

    it(`accepts finite inputs whose squares overflow and gives the exact product (${backend})`, () => {
      const A = mat(3, 2, (i) => (i + 1) * 1e200), B = mat(2, 2, (i) => (i + 1) * 1e-200);
      const C = gemm(A, B, { backend });
      const want = [1 * 1 + 2 * 3, 1 * 2 + 2 * 4, 3 * 1 + 4 * 3, 3 * 2 + 4 * 4, 5 * 1 + 6 * 3, 5 * 2 + 6 * 4];
      C.data.forEach((x, i) => expect(x).toBeCloseTo(want[i], 10));
    });
  }
});
