import { describe, expect, it } from "vitest";
import { init, svdResiduals, truncatedSvd } from "../src/index.js";
import { jsSvdUpdateKernels } from "../src/kernels/index.js";
import { svdUpdateModule } from "../src/module.js";
import { csr, dense, exactValues, expectCode, orthError, product, randn, relDiff, sparseRandom, transpose, usv, variants } from "./helpers.js";

const BACKENDS = ["js", ...variants] as const;
const backendOf = async (b: (typeof BACKENDS)[number]) => {
  if (b === "js") return "js" as const;
  await init({ variant: b });
  return "wasm" as const;
};

describe("truncatedSvd, method lanczos (the default)", () => {
  for (const b of BACKENDS) {
    it(`${b}: matches the dense SVD of sparse random, tall and wide matrices, residuals below 1e-10`, async () => {
      const backend = await backendOf(b);
      for (const [m, n, k] of [[300, 200, 10], [80, 300, 12], [40, 40, 40], [7, 30, 7], [30, 7, 5], [1, 9, 1]] as const) {
        const A = sparseRandom(m, n, 0.2, m + n);
        const r = await truncatedSvd(A, { rank: k, backend });
        expect(r.method).toBe("lanczos");
        expect(relDiff(r.s, exactValues(dense(A), k))).toBeLessThan(1e-12);
        expect(orthError(r.U)).toBeLessThan(1e-12);
        expect(orthError(r.V)).toBeLessThan(1e-12);
        expect(Math.max(...svdResiduals(A, r, { backend }))).toBeLessThan(1e-10);
        expect(Math.max(...r.residuals)).toBeLessThanOrEqual(1e-10);
      }
    });

    it(`${b}: zero and rank-deficient matrices give orthonormal factors completing the basis and exact zero singular values`, async () => {
      const backend = await backendOf(b);
      for (const [m, n] of [[5, 7], [7, 5], [1, 1], [40, 30]] as const) {
        const Z = { rows: m, cols: n, data: new Float64Array(m * n) };
        const k = Math.min(m, n);
        const r = await truncatedSvd(Z, { rank: k, backend });
        expect(Array.from(r.s)).toEqual(new Array(k).fill(0));
        expect(orthError(r.U)).toBeLessThan(1e-14);
        expect(orthError(r.V)).toBeLessThan(1e-14);
      }
      // rank = min(m, n) with a smaller basisSize: the basis is the whole space (was NaN / non-orthonormal).
      const z = await truncatedSvd({ rows: 6, cols: 5, data: new Float64Array(30) }, { rank: 5, basisSize: 3, tol: 0, backend });
      expect(Array.from(z.s)).toEqual([0, 0, 0, 0, 0]);
      expect(orthError(z.U)).toBeLessThan(1e-14);
      expect(orthError(z.V)).toBeLessThan(1e-14);
      const low = product(randn(60, 4, 1), randn(45, 4, 2), true);
      for (const M of [low, transpose(low)]) {
        const r = await truncatedSvd(csr(M), { rank: 10, backend });
        expect(relDiff(r.s.subarray(0, 4), exactValues(M, 4))).toBeLessThan(1e-12);
        expect(Array.from(r.s.subarray(4))).toEqual([0, 0, 0, 0, 0, 0]);
        expect(orthError(r.U)).toBeLessThan(1e-12);
        expect(orthError(r.V)).toBeLessThan(1e-12);
        expect(relDiff(usv(r.U, r.s, r.V).data, M.data)).toBeLessThan(1e-12);
      }
      // A repeated singular value (identity block): every copy is found.
      const I = { rows: 30, cols: 20, data: new Float64Array(600) };
      for (let i = 0; i < 20; i++) I.data[i * 20 + i] = i < 6 ? 1 : 0.5;
      const ri = await truncatedSvd(I, { rank: 8, backend });
      expect(relDiff(ri.s, [1, 1, 1, 1, 1, 1, 0.5, 0.5])).toBeLessThan(1e-14);
    });

    it(`${b}: 1 x 1 denormal, tiny and huge scales stay finite and exact to rounding`, async () => {
      const backend = await backendOf(b);
      const d = await truncatedSvd({ rows: 1, cols: 1, data: new Float64Array([5e-324]) }, { rank: 1, backend });
      expect(d.s[0]).toBe(5e-324);
      expect(Math.abs(d.U.data[0])).toBe(1);
      const r = await truncatedSvd({ rows: 1, cols: 1, data: new Float64Array([-5e-324]) }, { rank: 1, method: "randomized", backend });
      expect(Number.isFinite(r.s[0])).toBe(true);
      const A = sparseRandom(50, 40, 0.2, 3), ref = exactValues(dense(A), 5);
      for (const scale of [1e-300, 2 ** -1060, 1e300, 1e307]) {
        const S = { ...A, data: A.data.map((x) => x * scale) };
        const o = await truncatedSvd(S, { rank: 5, backend });
        for (let i = 0; i < 5; i++) expect(Math.abs(o.s[i] / scale - ref[i]) / ref[0]).toBeLessThan(scale < 1e-307 ? 1e-3 : 1e-12); // entries near 2^-1060 are subnormal: the input itself has about 4 digits
        expect(orthError(o.U)).toBeLessThan(1e-12);
        expect(orthError(o.V)).toBeLessThan(1e-12);
      }
    });
  }

  it("singular values spread over 12 orders of magnitude come out to eps s_1 (the two-sided form when squaring would lose them)", async () => {
    await init();
    const m = 60, n = 40, k = 30;
    const qr = (X: { rows: number; cols: number; data: Float64Array }) => {
      // Modified Gram-Schmidt on the columns: an orthonormal basis.
      const { rows, cols, data } = X;
      for (let j = 0; j < cols; j++) {
        for (let i = 0; i < j; i++) {
          let d = 0;
          for (let r = 0; r < rows; r++) d += data[r * cols + i] * data[r * cols + j];
          for (let r = 0; r < rows; r++) data[r * cols + j] -= d * data[r * cols + i];
        }
        let nn = 0;
        for (let r = 0; r < rows; r++) nn += data[r * cols + j] ** 2;
        for (let r = 0; r < rows; r++) data[r * cols + j] /= Math.sqrt(nn);
      }
      return X;
    };
    const U = qr(randn(m, n, 3)), V = qr(randn(n, n, 4));
    const sv = Array.from({ length: n }, (_, i) => 10 ** (-12 * i / (n - 1)));
    const A = usv(U, sv, V);
    for (const backend of ["js", "wasm"] as const) {
      const seen: number[] = [];
      const r = await truncatedSvd(A, { rank: k, backend, onProgress: (p) => seen.push(p.iteration) });
      // Both forms ran; the iteration count goes on across them.
      expect(seen).toEqual(seen.map((_, i) => i + 1));
      expect(r.iterations).toBe(seen.length);
      expect(seen.length).toBeGreaterThan(1);
      for (let i = 0; i < k; i++) expect(Math.abs(r.s[i] - sv[i])).toBeLessThan(1e-13);
      expect(orthError(r.U)).toBeLessThan(1e-12);
      expect(orthError(r.V)).toBeLessThan(1e-12);
      expect(Math.max(...svdResiduals(A, r))).toBeLessThan(1e-10);
    }
  });

  it("wasm and js agree to 1e-12", async () => {
    await init();
    const A = sparseRandom(400, 250, 0.05, 11);
    const a = await truncatedSvd(A, { rank: 8, backend: "js" }), w = await truncatedSvd(A, { rank: 8 });
    expect(relDiff(w.s, a.s)).toBeLessThan(1e-12);
    expect(relDiff(usv(w.U, w.s, w.V).data, usv(a.U, a.s, a.V).data)).toBeLessThan(1e-10);
  });

  it("reports iteration, converged and residual after each restart, honours maxIter, basisSize and the signal", async () => {
    const A = sparseRandom(300, 250, 0.05, 2);
    const seen: { iteration: number; converged?: number; residual?: number }[] = [];
    const r = await truncatedSvd(A, { rank: 6, basisSize: 12, backend: "js", onProgress: (p) => seen.push(p) });
    expect(seen.length).toBe(r.iterations);
    expect(seen.map((p) => p.iteration)).toEqual(seen.map((_, i) => i + 1));
    expect(seen[seen.length - 1].converged).toBe(6);
    expect(seen[seen.length - 1].residual).toBeLessThanOrEqual(1e-10);
    expect(seen[0].residual).toBeGreaterThan(1e-10);
    await expectCode(() => truncatedSvd(A, { rank: 6, basisSize: 8, maxIter: 1, tol: 1e-14, backend: "js" }), "NOT_CONVERGED");
    // A tolerance squaring cannot reach runs the two-sided form directly.
    const tight = await truncatedSvd(A, { rank: 6, tol: 1e-14, backend: "js" });
    expect(Math.max(...tight.residuals)).toBeLessThanOrEqual(2 ** -46); // tol below 2^-46 means that level
    expect(Math.max(...svdResiduals(A, tight))).toBeLessThan(1e-13);
    const zero = await truncatedSvd(A, { rank: 6, tol: 0, backend: "js" }); // ARPACK's meaning: machine precision
    expect(Math.max(...svdResiduals(A, zero))).toBeLessThan(1e-13);
    const loose = await truncatedSvd(A, { rank: 6, tol: 1e-3, backend: "js" });
    expect(Math.max(...loose.residuals)).toBeLessThanOrEqual(1e-3);
    const ac = new AbortController();
    await expectCode(() => truncatedSvd(A, { rank: 6, basisSize: 7, tol: 0, maxIter: 1e6, backend: "js", signal: ac.signal, onProgress: (p) => { if (p.iteration === 3) ac.abort(); } }), "ABORTED");
  });

  it("refuses the options of the other method and a basis no larger than rank", async () => {
    const A = sparseRandom(30, 20, 0.3, 1);
    await expectCode(() => truncatedSvd(A, { rank: 3, method: "lanczos", powerIters: 2, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, method: "lanczos", oversample: 2, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, method: "randomized", basisSize: 9, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, powerIters: 2, maxIter: 9, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, basisSize: 3, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, method: "svds" as never, backend: "js" }), "INVALID_ARGUMENT");
    await expectCode(() => truncatedSvd(A, { rank: 3, method: "randomized", threads: 2, backend: "js" }), "INVALID_ARGUMENT");
    for (const threads of [0, 1.5, 65]) await expectCode(() => truncatedSvd(A, { rank: 3, threads }), "INVALID_ARGUMENT");
    // powerIters / oversample alone select the randomized method (code written before lanczos was the default).
    expect((await truncatedSvd(A, { rank: 3, powerIters: 2, backend: "js" })).method).toBe("randomized");
  });
});

describe("the single-vector CSR kernels", () => {
  it.each([1, 3])("csrMatvec, csrMatvecT and csrGramMatvec (np = %i) equal A x, Aᵀ y and Aᵀ A x, bit for bit between js and wasm", async (np) => {
    await init();
    const A = sparseRandom(70, 50, 0.1, 9), D = dense(A), m = 70, n = 50, nnz = A.indptr[m];
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), y = Float64Array.from({ length: m }, (_, i) => Math.cos(i));
    const ax = new Float64Array(m), aty = new Float64Array(n), g = new Float64Array(n), tmp = new Float64Array(m), parts = new Float64Array((np - 1) * n);
    jsSvdUpdateKernels.csrMatvec(m, A.indptr, A.indices, A.data, x, ax);
    jsSvdUpdateKernels.csrMatvecT(m, n, np, A.indptr, A.indices, A.data, y, aty, parts);
    jsSvdUpdateKernels.csrGramMatvec(m, n, np, A.indptr, A.indices, A.data, x, g, parts);
    jsSvdUpdateKernels.csrMatvecT(m, n, np, A.indptr, A.indices, A.data, ax, tmp.subarray(0, n), parts);
    expect(Array.from(g)).toEqual(Array.from(tmp.subarray(0, n)));
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += D.data[i * n + j] * x[j];
      expect(Math.abs(ax[i] - s)).toBeLessThan(1e-13);
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += D.data[i * n + j] * y[i];
      expect(Math.abs(aty[j] - s)).toBeLessThan(1e-13);
    }
    svdUpdateModule.run("wasm", 1 << 16, (ws) => {
      const K = ws.kernels, ip = ws.i32(m + 1), ix = ws.i32(nnz), d = ws.f64(nnz), xv = ws.f64(n), yv = ws.f64(m), pv = ws.f64((np - 1) * n);
      ip.set(A.indptr); ix.set(A.indices); d.set(A.data); xv.set(x); yv.set(y);
      const o1 = ws.f64(m), o2 = ws.f64(n), o3 = ws.f64(n);
      K.csrMatvec(m, ip, ix, d, xv, o1);
      K.csrMatvecT(m, n, np, ip, ix, d, yv, o2, pv);
      K.csrGramMatvec(m, n, np, ip, ix, d, xv, o3, pv);
      expect(Array.from(o1)).toEqual(Array.from(ax));
      expect(Array.from(o2)).toEqual(Array.from(aty));
      expect(Array.from(o3)).toEqual(Array.from(g));
    });
  });
});

describe("randomized method's error estimate and svdResiduals", () => {
  it("the randomized result carries its measured residuals, equal to svdResiduals", async () => {
    await init();
    const A = sparseRandom(300, 200, 0.05, 7);
    const r = await truncatedSvd(A, { rank: 8, method: "randomized", seed: 1 });
    expect(r.method).toBe("randomized");
    expect(r.iterations).toBe(4);
    const check = svdResiduals(A, r);
    expect(relDiff(r.residuals, check)).toBeLessThan(1e-12);
    expect(Math.max(...check)).toBeGreaterThan(1e-6); // 4 power iterations are far from converged here
  });

  it("svdResiduals: zero for exact triplets, checks shapes and entries", async () => {
    const A = { rows: 3, cols: 2, data: Float64Array.from([3, 0, 0, 2, 0, 0]) };
    const U = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 1, 0, 0]) }, V = { rows: 2, cols: 2, data: Float64Array.from([1, 0, 0, 1]) };
    expect(Array.from(svdResiduals(A, { U, s: [3, 2], V }))).toEqual([0, 0]);
    const r = svdResiduals(A, { U, s: [3, 1], V }, { backend: "js" });
    expect(r[0]).toBe(0);
    expect(r[1]).toBeCloseTo(Math.SQRT2 / 3, 14);
    expect(Array.from(svdResiduals({ rows: 3, cols: 2, data: new Float64Array(6) }, { U, s: [0, 0], V }))).toEqual([0, 0]);
    const huge = { ...A, data: A.data.map((x) => x * 1e307) };
    expect(Array.from(svdResiduals(huge, { U, s: [3e307, 2e307], V }))).toEqual([0, 0]);
    await expectCode(() => svdResiduals(A, { U, s: [3], V }), "SHAPE");
    await expectCode(() => svdResiduals(A, { U: V, s: [3, 2], V }), "SHAPE");
    await expectCode(() => svdResiduals(A, { U, s: [3, NaN], V }), "NON_FINITE");
    await expectCode(() => svdResiduals(A, { U: { ...U, data: U.data.map((x) => 2 * x) }, s: [3, 2], V }), "INVALID_ARGUMENT");
    await expectCode(() => svdResiduals(A, null as never), "INVALID_ARGUMENT");
    await expectCode(() => svdResiduals(A, { U, s: [3, 2], V }, { k: 1 } as never), "INVALID_ARGUMENT");
  });
});
