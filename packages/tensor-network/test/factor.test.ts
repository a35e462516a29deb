import { JsWorkspace, Rng } from "@lowrank/linalg";
import { ttTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { leftSingular } from "../src/factor.js";
import { init, reconstruct, relativeError, tensorTrain } from "../src/index.js";
import { jsTensorKernels } from "../src/kernels.js";
import { relDiff, variants } from "./helpers.js";

/** ‖A Aᵀ U - U diag(s²)‖_max / s_0² and ‖UᵀU - I‖_max for the m x n A. */
function check(m: number, n: number, A: Float64Array, U: Float64Array, s: Float64Array): { eig: number; orth: number } {
  let eig = 0, orth = 0;
  const AtU = new Float64Array(n * m);
  for (let j = 0; j < n; j++) for (let c = 0; c < m; c++) {
    let v = 0;
    for (let i = 0; i < m; i++) v += A[i * n + j] * U[i * m + c];
    AtU[j * m + c] = v;
  }
  for (let i = 0; i < m; i++) for (let c = 0; c < m; c++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += A[i * n + j] * AtU[j * m + c];
    eig = Math.max(eig, Math.abs(v - U[i * m + c] * s[c] * s[c]) / (s[0] * s[0]));
    let o = 0;
    for (let k = 0; k < m; k++) o += U[k * m + i] * U[k * m + c];
    orth = Math.max(orth, Math.abs(o - (i === c ? 1 : 0)));
  }
  return { eig, orth };
}

describe("leftSingular on wide matrices with few rows (blocked LQ)", () => {
  it("gives the singular values and orthonormal left vectors of a 6 x 20000 matrix, also rank-deficient", () => {
    const m = 6, n = 20000;
    for (const deficient of [false, true]) {
      const A = new Rng(deficient ? 2 : 1).fillNormal(new Float64Array(m * n));
      if (deficient) for (let j = 0; j < n; j++) A[5 * n + j] = A[j] - 2 * A[n + j]; // rank 5
      const U = new Float64Array(m * m), s = new Float64Array(m);
      leftSingular(new JsWorkspace(jsTensorKernels), m, n, A, U, s);
      const { eig, orth } = check(m, n, A, U, s);
      expect(eig).toBeLessThan(1e-12);
      expect(orth).toBeLessThan(1e-12);
      for (let i = 1; i < m; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
      if (deficient) expect(s[5] / s[0]).toBeLessThan(1e-13);
    }
  });

  it("TT-SVD (jacobi) takes it for a 5 x 10^4 first unfolding and recovers the TT ranks", async () => {
    const { tensor, ranks } = ttTensor([5, 100, 100], [3, 4], { seed: 3 });
    const tt = await tensorTrain(tensor, { eps: 1e-12, unfoldingSvd: "jacobi", backend: "js" });
    expect(tt.ranks).toEqual(ranks);
    expect(relativeError(tensor, reconstruct(tt, { backend: "js" }))).toBeLessThan(1e-10);
  });
});

for (const variant of variants) {
  describe(`leftSingular wide path (wasm ${variant})`, () => {
    beforeAll(async () => {
      await init({ variant });
    });
    it("agrees with the js reference", async () => {
      const X = { shape: [8, 40, 40, 4], data: new Rng(4).fillNormal(new Float64Array(8 * 40 * 40 * 4)) };
      const w = await tensorTrain(X, { maxRank: 6, unfoldingSvd: "jacobi" });
      const j = await tensorTrain(X, { maxRank: 6, unfoldingSvd: "jacobi", backend: "js" });
      expect(relDiff(reconstruct(w).data, reconstruct(j, { backend: "js" }).data)).toBeLessThan(1e-10);
    });
  });
}
