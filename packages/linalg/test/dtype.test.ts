// The `dtype` option (Float32 results for TensorFlow.js / WebGL) and the
// `kind` + `version` fields of the factorisation results, on both backends.
import { expectCode, randn } from "@lowrank/test-utils";
import { describe, expect, it } from "vitest";
import {
  castResult, checkResultVersion, decodeTypedArrays, eigh, eighAsync, encodeTypedArrays, gemm, lstsq, qr, RESULT_VERSION, svd, svdAsync,
  type DenseMatrix,
} from "../src/index.js";

const BACKENDS = ["wasm", "js"] as const;

/**
 * What a GPU-side consumer checks before taking a buffer as float32 (as
 * TensorFlow.js's `tf.tensor(values, shape, "float32")` does for typed arrays):
 * the values must already be a Float32Array.
 */
function gpuTensor(values: unknown, shape: number[]): { shape: number[]; values: Float32Array } {
  if (!(values instanceof Float32Array)) throw new TypeError("expected a Float32Array for dtype float32");
  if (values.length !== shape.reduce((a, b) => a * b, 1)) throw new TypeError("size mismatch");
  return { shape, values };
}

/** Every Float64Array in `f64` (walked like castResult) matched by a Float32Array of Math.fround values at the same place in `f32`. */
function expectRounded(f64: unknown, f32: unknown, path = "result"): number {
  if (f64 instanceof Float64Array) {
    expect(f32, path).toBeInstanceOf(Float32Array);
    const g = f32 as Float32Array;
    expect(g.length, path).toBe(f64.length);
    for (let i = 0; i < f64.length; i++) if (g[i] !== Math.fround(f64[i])) expect(g[i], `${path}[${i}]`).toBe(Math.fround(f64[i]));
    return 1;
  }
  if (f64 === null || typeof f64 !== "object" || ArrayBuffer.isView(f64)) {
    expect(f32, path).toEqual(f64);
    return 0;
  }
  let n = 0;
  for (const [k, v] of Object.entries(f64)) n += expectRounded(v, (f32 as Record<string, unknown>)[k], `${path}.${k}`);
  return n;
}

const mat = (rows: number, cols: number, seed: number): DenseMatrix => randn(rows, cols, seed);
const sym = (n: number, seed: number): DenseMatrix => {
  const A = mat(n, n, seed);
  return gemm(A, A, { transB: true });
};

describe("dtype: \"float32\"", () => {
  for (const backend of BACKENDS) {
    it(`gemm, svd, eigh, qr and the async forms give Math.fround of the f64 result (${backend})`, async () => {
      const A = mat(9, 6, 1), B = mat(6, 5, 2), S = sym(7, 3);
      const pairs: [string, unknown, unknown][] = [
        ["gemm", gemm(A, B, { backend }), gemm(A, B, { backend, dtype: "float32" })],
        ["svd", svd(A, { backend, rank: 4 }), svd(A, { backend, rank: 4, dtype: "float32" })],
        ["eigh", eigh(S, { backend }), eigh(S, { backend, dtype: "float32" })],
        ["qr", qr(A, { backend }), qr(A, { backend, dtype: "float32" })],
        ["svdAsync", await svdAsync(A, { backend }), await svdAsync(A, { backend, dtype: "float32" })],
        ["eighAsync", await eighAsync(S, { backend }), await eighAsync(S, { backend, dtype: "float32" })],
      ];
      const arrays = { gemm: 1, svd: 3, eigh: 2, qr: 2, svdAsync: 3, eighAsync: 2 } as Record<string, number>;
      for (const [name, f64, f32] of pairs) expect(expectRounded(f64, f32, name), name).toBe(arrays[name]);
      // "float64" is the default and returns the same bits as no option.
      expect(Array.from(svd(A, { backend, dtype: "float64" }).s)).toEqual(Array.from(svd(A, { backend }).s));
    });

    it(`a float32 result passes a GPU consumer's instanceof Float32Array check; a float64 one does not (${backend})`, () => {
      const A = mat(4, 3, 4);
      const C = gemm(A, A, { transA: true, backend, dtype: "float32" });
      expect(gpuTensor(C.data, [C.rows, C.cols]).values).toBe(C.data);
      const { U, s } = svd(A, { backend, dtype: "float32" });
      expect(() => gpuTensor(U.data, [U.rows, U.cols])).not.toThrow();
      expect(() => gpuTensor(s, [s.length])).not.toThrow();
      expect(() => gpuTensor(gemm(A, A, { transA: true, backend }).data, [3, 3])).toThrow(TypeError);
    });

    it(`an unknown dtype is INVALID_ARGUMENT before any work (${backend})`, async () => {
      const A = mat(4, 3, 5), S = sym(3, 6);
      for (const bad of ["float16", "Float32", "f32", 32, null, true]) {
        await expectCode(() => gemm(A, A, { transB: true, backend, dtype: bad as never }), "INVALID_ARGUMENT");
        await expectCode(() => svd(A, { backend, dtype: bad as never }), "INVALID_ARGUMENT");
        await expectCode(() => eigh(S, { backend, dtype: bad as never }), "INVALID_ARGUMENT");
        await expectCode(() => qr(A, { backend, dtype: bad as never }), "INVALID_ARGUMENT");
        await expect(svdAsync(A, { backend, dtype: bad as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
        await expect(eighAsync(S, { backend, dtype: bad as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      }
    });

    it(`a product beyond the float32 range is NON_FINITE, not Infinity (${backend})`, async () => {
      const A: DenseMatrix = { rows: 1, cols: 1, data: new Float64Array([1e20]) };
      expect(gemm(A, A, { backend }).data[0]).toBe(1e40);
      await expectCode(() => gemm(A, A, { backend, dtype: "float32" }), "NON_FINITE");
    });
  }

  it("castResult keeps integer arrays, scalars and strings, and rounds at any depth", () => {
    const r = { kind: "x", version: 1, n: 1 / 3, idx: new Int32Array([1, 2]), parts: [{ v: new Float64Array([0.1, -0, 1e-50]) }] };
    const f = castResult(r, "float32");
    expect(f.idx).toBe(r.idx);
    expect(f.n).toBe(1 / 3);
    expect(f.parts[0].v).toBeInstanceOf(Float32Array);
    expect(Array.from(f.parts[0].v)).toEqual([Math.fround(0.1), -0, 0]);
    expect(Object.is(f.parts[0].v[1], -0)).toBe(true);
    expect(castResult(r, "float64")).toBe(r);
    expect(castResult(r, undefined)).toBe(r);
  });

  it("castResult keeps shared parts shared, ends cycles, and refuses another dtype", async () => {
    const v = new Float64Array([1 / 3]);
    const r: Record<string, unknown> = { a: v, b: v, list: [v] };
    r.self = r;
    const f = castResult(r, "float32") as Record<string, unknown>;
    expect(f.a).toBeInstanceOf(Float32Array);
    expect(f.b).toBe(f.a);
    expect((f.list as unknown[])[0]).toBe(f.a);
    expect(f.self).toBe(f);
    for (const bad of ["float16", 32, null]) await expectCode(() => castResult(r, bad as never), "INVALID_ARGUMENT");
    await expectCode(() => checkResultVersion({ version: 1 }, Number.NaN, "@lowrank/linalg", "read"), "INVALID_ARGUMENT");
  });
});

describe("kind and version on the factorisation results", () => {
  it("svd, eigh, qr and lstsq results carry their kind and version 1, and survive structuredClone and JSON", () => {
    const A = mat(6, 4, 7);
    const results = [svd(A), eigh(sym(4, 8)), qr(A), lstsq(A, randn(6, 1, 9).data), svd(A, { dtype: "float32" })];
    expect(results.map((r) => [r.kind, r.version])).toEqual([["svd", 1], ["eigh", 1], ["qr", 1], ["lstsq", 1], ["svd", 1]]);
    expect(RESULT_VERSION).toBe(1);
    for (const r of results) {
      expect(structuredClone(r)).toEqual(r);
      const back = decodeTypedArrays(JSON.parse(JSON.stringify(encodeTypedArrays(r))));
      expect(back).toEqual(r);
      expect(checkResultVersion(back, RESULT_VERSION, "@lowrank/linalg", "read")).toBe(1);
    }
  });

  it("checkResultVersion refuses a result from a future version with INVALID_ARGUMENT naming the package", async () => {
    const future = { ...svd(mat(3, 3, 9)), version: 2 };
    await expectCode(() => checkResultVersion(future, RESULT_VERSION, "@lowrank/linalg", "read"), "INVALID_ARGUMENT");
    expect(() => checkResultVersion(future, RESULT_VERSION, "@lowrank/linalg", "read")).toThrow(/version 2.*upgrade @lowrank\/linalg/);
    for (const v of [0, 1.5, "1", null]) await expectCode(() => checkResultVersion({ version: v }, 1, "@lowrank/linalg", "read"), "INVALID_ARGUMENT");
    expect(checkResultVersion({ kind: "svd" }, 1, "@lowrank/linalg", "read")).toBe(1);
  });
});
