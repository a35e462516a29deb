import { beforeAll, describe, expect, it } from "vitest";
import { compressionRatio, init, parameterCount, reconstruct, type Tensor } from "../src/index.js";
import { codeOf, entry, indices, randomTensor, relDiff, variants } from "./helpers.js";

const mat = (rows: number, cols: number, seed: number) => ({ rows, cols, data: randomTensor([rows, cols], seed).data });

const cpd = { weights: new Float64Array([2, 0.5]), factors: [mat(3, 2, 1), mat(4, 2, 2), mat(5, 2, 3)] };
const ring = { cores: [randomTensor([2, 3, 3], 4), randomTensor([3, 4, 2], 5), randomTensor([2, 5, 2], 6)], ranks: [2, 3, 2, 2] };
const tuck = { core: randomTensor([2, 3, 2], 7), factors: [mat(3, 2, 8), mat(4, 3, 9), mat(5, 2, 10)] };

/** CP entry Σ_r w_r Π_k A_k[i_k, r] from the definition. */
function cpEntry(idx: number[]): number {
  let s = 0;
  for (let r = 0; r < 2; r++) {
    let p = cpd.weights[r];
    idx.forEach((i, k) => (p *= cpd.factors[k].data[i * 2 + r]));
    s += p;
  }
  return s;
}

/** Ring entry trace(G_1[:, i_1, :] ... G_N[:, i_N, :]) from the definition. */
function ringEntry(idx: number[]): number {
  const r0 = ring.ranks[0];
  let P: number[][] = Array.from({ length: r0 }, (_, a) => Array.from({ length: r0 }, (_, b) => (a === b ? 1 : 0)));
  idx.forEach((i, k) => {
    const [, n, rb] = ring.cores[k].shape;
    P = P.map((row) => Array.from({ length: rb }, (_, b) => row.reduce((s, v, a) => s + v * ring.cores[k].data[(a * n + i) * rb + b], 0)));
  });
  return P.reduce((s, row, a) => s + row[a], 0);
}

/** Tucker entry Σ core[j] Π_k U_k[i_k, j_k] from the definition. */
function tuckerEntry(idx: number[]): number {
  let s = 0;
  for (const j of indices(tuck.core.shape)) {
    let p = entry(tuck.core, j);
    j.forEach((jk, k) => (p *= tuck.factors[k].data[idx[k] * tuck.factors[k].cols + jk]));
    s += p;
  }
  return s;
}

function dense(shape: number[], f: (idx: number[]) => number): Tensor {
  return { shape, data: Float64Array.from(indices(shape), f) };
}

describe("reconstruct, parameterCount, compressionRatio", () => {
  it("reconstructs CP, tensor ring and Tucker from their definitions (js)", () => {
    expect(relDiff(reconstruct(cpd, { backend: "js" }).data, dense([3, 4, 5], cpEntry).data)).toBeLessThan(1e-14);
    expect(relDiff(reconstruct(ring, { backend: "js" }).data, dense([3, 4, 5], ringEntry).data)).toBeLessThan(1e-14);
    expect(relDiff(reconstruct(tuck, { backend: "js" }).data, dense([3, 4, 5], tuckerEntry).data)).toBeLessThan(1e-14);
  });

  it("counts parameters and the compression ratio", () => {
    expect(parameterCount(cpd)).toBe(2 + 2 * (3 + 4 + 5));
    expect(parameterCount(ring)).toBe(18 + 24 + 20);
    expect(parameterCount(tuck)).toBe(12 + 6 + 12 + 10);
    expect(compressionRatio(tuck)).toBe(60 / 40);
  });

  it("rejects inconsistent parts with SHAPE", () => {
    expect(codeOf(() => reconstruct({ weights: new Float64Array(3), factors: [mat(3, 2, 1)] }))).toBe("SHAPE");
    expect(codeOf(() => reconstruct({ cores: [randomTensor([2, 3, 3], 1), randomTensor([2, 4, 2], 2)], ranks: [2, 3, 2] }))).toBe("SHAPE");
    expect(codeOf(() => reconstruct({ core: randomTensor([2, 2], 1), factors: [mat(3, 2, 1)] }))).toBe("SHAPE");
  });

  for (const variant of variants) {
    describe(`wasm ${variant}`, () => {
      beforeAll(async () => {
        await init({ variant });
      });
      it("agrees with the js reference", () => {
        for (const d of [cpd, ring, tuck]) {
          expect(relDiff(reconstruct(d).data, reconstruct(d, { backend: "js" }).data)).toBeLessThan(1e-13);
        }
      });
    });
  }
});
