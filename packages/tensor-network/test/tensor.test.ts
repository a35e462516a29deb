import { beforeAll, describe, expect, it } from "vitest";
import { fold, init, modeProduct, norm, relativeError, unfold, type Tensor } from "../src/index.js";
import { codeOf, entry, indices, randomTensor, relDiff, variants } from "./helpers.js";

/** Y = X ×_mode M from the definition Y[.., j, ..] = Σ_i M[j][i] X[.., i, ..]. */
function naiveModeProduct(X: Tensor, M: { rows: number; cols: number; data: Float64Array }, mode: number): Tensor {
  const shape = X.shape.slice();
  shape[mode] = M.rows;
  let size = 1;
  for (const n of shape) size *= n;
  const data = new Float64Array(size);
  let f = 0;
  for (const idx of indices(shape)) {
    let s = 0;
    const src = idx.slice();
    for (let i = 0; i < X.shape[mode]; i++) {
      src[mode] = i;
      s += M.data[idx[mode] * M.cols + i] * entry(X, src);
    }
    data[f++] = s;
  }
  return { shape, data };
}

describe("unfold / fold", () => {
  const X = randomTensor([3, 4, 5, 2], 1);

  it("puts entry (i_0..i_3) at row i_n, column = C-order index of the other modes", () => {
    for (let mode = 0; mode < 4; mode++) {
      const M = unfold(X, mode);
      expect([M.rows, M.cols]).toEqual([X.shape[mode], 120 / X.shape[mode]]);
      for (const idx of indices(X.shape)) {
        const rest = idx.filter((_, k) => k !== mode), restShape = X.shape.filter((_, k) => k !== mode);
        let c = 0;
        for (let k = 0; k < rest.length; k++) c = c * restShape[k] + rest[k];
        expect(M.data[idx[mode] * M.cols + c]).toBe(entry(X, idx));
      }
    }
  });

  it("fold inverts unfold for every mode", () => {
    for (let mode = 0; mode < 4; mode++) expect(fold(unfold(X, mode), mode, X.shape).data).toEqual(X.data);
  });

  it("rejects a matrix of the wrong size with SHAPE", () => {
    expect(codeOf(() => fold({ rows: 3, cols: 7, data: new Float64Array(21) }, 0, [3, 4]))).toBe("SHAPE");
  });
});

describe("norm and relativeError", () => {
  it("norm is the Frobenius norm, safe for huge and tiny entries", () => {
    expect(norm({ shape: [2, 2], data: new Float64Array([3, 0, 0, 4]) })).toBe(5);
    expect(norm({ shape: [2], data: new Float64Array([3e200, 4e200]) })).toBeCloseTo(5e200, -190);
    expect(norm({ shape: [2], data: new Float64Array([3e-200, 4e-200]) }) / 5e-200).toBeCloseTo(1, 14);
  });

  it("relativeError is ‖X - Y‖ / ‖X‖ and needs equal shapes", () => {
    const X = { shape: [2], data: new Float64Array([3, 4]) };
    expect(relativeError(X, { shape: [2], data: new Float64Array([3, 3]) })).toBeCloseTo(0.2, 15);
    expect(codeOf(() => relativeError(X, { shape: [1, 2], data: new Float64Array([3, 4]) }))).toBe("SHAPE");
  });
});

describe("modeProduct", () => {
  const X = randomTensor([4, 5, 6], 2);
  const Ms = [0, 1, 2].map((mode) => {
    const t = randomTensor([3, X.shape[mode]], 10 + mode);
    return { rows: 3, cols: X.shape[mode], data: t.data };
  });

  it("matches the definition on every mode (js)", () => {
    for (let mode = 0; mode < 3; mode++) {
      const Y = modeProduct(X, Ms[mode], mode, { backend: "js" });
      const ref = naiveModeProduct(X, Ms[mode], mode);
      expect(Y.shape).toEqual(ref.shape);
      expect(relDiff(Y.data, ref.data)).toBeLessThan(1e-14);
    }
  });

  it("with transpose multiplies by Mᵀ", () => {
    const Mt = unfold({ shape: [3, 5], data: Ms[1].data }, 1); // 5 x 3 = Mᵀ
    const Y = modeProduct(X, Mt, 1, { backend: "js", transpose: true });
    expect(relDiff(Y.data, naiveModeProduct(X, Ms[1], 1).data)).toBeLessThan(1e-14);
  });

  it("rejects mismatched sizes (SHAPE), bad modes (INVALID_ARGUMENT), NaN (NON_FINITE), empty (EMPTY), oversized (TOO_LARGE)", () => {
    expect(codeOf(() => modeProduct(X, Ms[0], 1, { backend: "js" }))).toBe("SHAPE");
    expect(codeOf(() => modeProduct(X, Ms[0], 3, { backend: "js" }))).toBe("INVALID_ARGUMENT");
    const bad = { shape: X.shape, data: X.data.slice() };
    bad.data[7] = NaN;
    expect(codeOf(() => modeProduct(bad, Ms[0], 0, { backend: "js" }))).toBe("NON_FINITE");
    expect(codeOf(() => norm({ shape: [3, 0], data: new Float64Array(0) }))).toBe("EMPTY");
    expect(codeOf(() => norm({ shape: [2 ** 15, 2 ** 15], data: new Float64Array(1) }))).toBe("TOO_LARGE");
    expect(codeOf(() => norm({ shape: [2, 3], data: new Float64Array(5) }))).toBe("SHAPE");
  });

  for (const variant of variants) {
    describe(`wasm ${variant}`, () => {
      beforeAll(async () => {
        await init({ variant });
      });
      it("agrees with the js reference on every mode to 1e-13", () => {
        for (let mode = 0; mode < 3; mode++) {
          const a = modeProduct(X, Ms[mode], mode);
          expect(relDiff(a.data, modeProduct(X, Ms[mode], mode, { backend: "js" }).data)).toBeLessThan(1e-13);
        }
      });
    });
  }
});
