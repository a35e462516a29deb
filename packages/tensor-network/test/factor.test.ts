import { Rng } from "@lowrank/linalg";
import { JsWorkspace, type Workspace } from "@lowrank/linalg/internal";
import { ttTensor } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { leftSingular } from "../src/factor.js";
import { init, reconstruct, relativeError, tensorTrain } from "../src/index.js";
import { jsTensorKernels, lqRWorkSize, type TensorKernels } from "../src/kernels/index.js";
import { tensorModule } from "../src/module.js";
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

describe("the lqR and lqRows kernels and the transposed route with more rows", () => {
  /** R of Aᵀ from a kernel set, for the m x n A (A not modified). */
  function rOf(ws: Workspace<TensorKernels>, m: number, n: number, A: Float64Array): Float64Array {
    const a = ws.input(A), R = ws.f64(m * m), copy = ws.f64(m * n), work = ws.f64(lqRWorkSize(m, n));
    ws.kernels.lqR(m, n, a, R, copy, work);
    expect(Array.from(a)).toEqual(Array.from(A));
    return R.slice();
  }
  // Sizes across the panel (32) and sub-panel (8) edges, square, and with dependent and zero rows.
  const cases: [number, number, string][] = [[77, 401, "full"], [33, 40, "full"], [45, 45, "full"], [64, 300, "deficient"], [40, 200, "zero row"]];
  function matrix(m: number, n: number, kind: string, seed: number): Float64Array {
    const A = new Rng(seed).fillNormal(new Float64Array(m * n));
    if (kind === "deficient") for (let j = 0; j < n; j++) A[40 * n + j] = A[3 * n + j] - 0.5 * A[35 * n + j];
    if (kind === "zero row") A.fill(0, 9 * n, 10 * n);
    return A;
  }

  /** max |A Aᵀ - RᵀR| / max |A Aᵀ|, after checking R's shape (upper, diagonal >= 0). */
  function gramError(m: number, n: number, A: Float64Array, R: Float64Array): number {
    let scale = 0, err = 0;
    for (let i = 0; i < m; i++) {
      expect(R[i * m + i]).toBeGreaterThanOrEqual(0);
      for (let j = 0; j < i; j++) expect(R[i * m + j]).toBe(0);
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let g = 0, h = 0;
      for (let k = 0; k < n; k++) g += A[i * n + k] * A[j * n + k];
      for (let k = 0; k <= Math.min(i, j); k++) h += R[k * m + i] * R[k * m + j];
      scale = Math.max(scale, Math.abs(g));
      err = Math.max(err, Math.abs(g - h));
    }
    return err / scale;
  }

  it("js: R has a non-negative diagonal and RᵀR = A Aᵀ", () => {
    const ws = new JsWorkspace(jsTensorKernels);
    for (const [m, n, kind] of cases) {
      const A = matrix(m, n, kind, m + n);
      expect(gramError(m, n, A, rOf(ws, m, n, A))).toBeLessThan(1e-13);
    }
  });

  for (const variant of variants) {
    it(`wasm ${variant}: lqR and lqRows agree with the js kernels; leftSingular stays accurate`, async () => {
      await init({ variant });
      const ws = await tensorModule.workspace("wasm", 8 << 20);
      const js = new JsWorkspace(jsTensorKernels);
      for (const [m, n, kind] of cases) {
        const A = matrix(m, n, kind, m + n);
        const Rw = rOf(ws, m, n, A), Rj = rOf(js, m, n, A);
        expect(gramError(m, n, A, Rw)).toBeLessThan(1e-13);
        // Past the dependent row 40 the reflectors act on rounding noise, so R is determined only above it.
        const rows = kind === "deficient" ? 40 * m : m * m;
        expect(relDiff(Rw.subarray(0, rows), Rj.subarray(0, rows))).toBeLessThan(1e-12);
      }
      // lqRows: the lower triangle (L) of a block with a leading dimension wider than the block.
      const m = 7, L = 300, ld = 310;
      const B = new Rng(9).fillNormal(new Float64Array(m * ld));
      const Bw = ws.input(B), Bj = B.slice();
      ws.kernels.lqRows(m, L, Bw, ld);
      js.kernels.lqRows(m, L, Bj, ld);
      expect(relDiff(Bw, Bj)).toBeLessThan(1e-12);
      // leftSingular through lqR (77 x 401) and the square transposed route (45 x 45) on wasm.
      for (const [m2, n2] of [[77, 401], [45, 45]]) {
        const A = matrix(m2, n2, "full", 5);
        const U = new Float64Array(m2 * m2), s = new Float64Array(m2);
        const Uw = ws.f64(m2 * m2), sw = ws.f64(m2);
        leftSingular(ws, m2, n2, ws.input(A), Uw, sw);
        U.set(Uw);
        s.set(sw);
        const { eig, orth } = check(m2, n2, A, U, s);
        expect(eig).toBeLessThan(1e-12);
        expect(orth).toBeLessThan(1e-12);
      }
    });
  }
});
