import { describe, expect, it } from "vitest";
import { init, truncatedSvd } from "../src/index.js";
import { csr, exactValues, expectCode, orthError, product, randn, relDiff, sparseRandom, dense, usv, variants } from "./helpers.js";

// A 120 x 80 matrix of rank exactly 8 (product of sparse-ish Gaussian factors), as CSR.
const X = randn(120, 8, 1), Y = randn(80, 8, 2);
const low = product(X, Y, true);
const lowCsr = csr(low);

describe("truncatedSvd", () => {
  for (const backend of ["js", ...variants] as const) {
    it(`reproduces the exact SVD of a rank-8 CSR matrix to 1e-10 (${backend})`, async () => {
      if (backend !== "js") await init({ variant: backend });
      const { U, s, V } = await truncatedSvd(lowCsr, { rank: 8, seed: 3, backend: backend === "js" ? "js" : "wasm" });
      expect(relDiff(s, exactValues(low, 8))).toBeLessThan(1e-10);
      expect(relDiff(usv(U, s, V).data, low.data)).toBeLessThan(1e-10);
      expect(orthError(U)).toBeLessThan(1e-12);
      expect(orthError(V)).toBeLessThan(1e-12);
    });
  }

  it("finds the leading singular values of a noisy rank-8 matrix to 1e-10 with the randomized method's default 4 power iterations", async () => {
    const noise = dense(sparseRandom(120, 80, 0.1, 4));
    const A = { rows: 120, cols: 80, data: low.data.map((v, i) => v + 0.3 * noise.data[i]) };
    const { s } = await truncatedSvd(A, { rank: 8, method: "randomized", seed: 1, backend: "js" });
    expect(relDiff(s, exactValues(A, 8))).toBeLessThan(1e-10);
  });

  it("wasm and js agree to 1e-10 on a sparse random matrix", async () => {
    await init();
    const A = sparseRandom(200, 150, 0.05, 5);
    const a = await truncatedSvd(A, { rank: 6, seed: 9, backend: "js" });
    const b = await truncatedSvd(A, { rank: 6, seed: 9 });
    expect(relDiff(b.s, a.s)).toBeLessThan(1e-10);
    expect(relDiff(usv(b.U, b.s, b.V).data, usv(a.U, a.s, a.V).data)).toBeLessThan(1e-9);
  });

  it("stops early once the singular values settle below tol, reporting progress", async () => {
    const changes: number[] = [];
    await truncatedSvd(lowCsr, { rank: 8, method: "randomized", powerIters: 20, tol: 1e-12, backend: "js", onProgress: (p) => changes.push(p.change!) });
    expect(changes.length).toBeLessThan(20);
    expect(changes[changes.length - 1]).toBeLessThan(1e-12);
  });

  it("rejects bad input with LowrankError codes", async () => {
    await expectCode(() => truncatedSvd(lowCsr, { rank: 81, backend: "js" }), "RANK");
    await expectCode(() => truncatedSvd(lowCsr, { rank: 0, backend: "js" }), "RANK");
    await expectCode(() => truncatedSvd(lowCsr, undefined as never), "RANK");
    const bad = csr(low);
    bad.data[3] = NaN;
    await expectCode(() => truncatedSvd(bad, { rank: 2, backend: "js" }), "NON_FINITE");
    await expectCode(() => truncatedSvd({ rows: 0, cols: 4, data: new Float64Array(0) }, { rank: 1, backend: "js" }), "EMPTY");
    const ac = new AbortController();
    ac.abort();
    await expectCode(() => truncatedSvd(lowCsr, { rank: 2, signal: ac.signal, backend: "js" }), "ABORTED");
  });
});
