// eigh by divide and conquer (from DC_MIN on) and its pieces: residual and
// orthogonality on random, clustered (deflation), graded and Wilkinson
// matrices around the crossover on every backend, the tridiagonal driver on
// known spectra, and the secularEigen kernel against its twin bit for bit.
import { describe, expect, it } from "vitest";
import { eigh, type DenseMatrix, type EighResult } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { DC_MIN, DC_MIN_JS, tridiagonalDc, tridiagonalDcWorkSize } from "../src/eigh-dc.js";
import { jsKernels } from "../src/kernels/index.js";
import { secularEigen } from "../src/kernels/secular.js";
import { tridiagonalizeBlockedWorkSize } from "../src/kernels/tridiagonal-blocked.js";
import { describeVariants, matmul, norm, orthError, orthonormal, randn, usv } from "./factor-helpers.js";

const symmetric = (S: DenseMatrix): DenseMatrix => {
  const n = S.rows;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S.data[j * n + i] = S.data[i * n + j];
  return S;
};
const withEigenvalues = (lambda: number[], seed: number): DenseMatrix => {
  const Q = orthonormal(lambda.length, lambda.length, seed);
  return symmetric(usv(Q, lambda, Q));
};

/** The four families at order n, each built when asked for. */
function families(n: number): [string, () => DenseMatrix][] {
  const graded = () => {
    const G = randn(n, n, 3 + n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G.data[i * n + j] *= 10 ** (-8 * (i + j) / n);
    return symmetric(G);
  };
  const wilkinson = () => {
    const W = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      W[i * n + i] = Math.abs((n - 1) / 2 - i);
      if (i + 1 < n) W[i * n + i + 1] = W[(i + 1) * n + i] = 1;
    }
    return { rows: n, cols: n, data: W };
  };
  // Five distinct eigenvalues, each many times: most of every merge deflates.
  const clustered = Array.from({ length: n }, (_, i) => [3, 1, 1e-3, -1, -2][i % 5]);
  return [
    ["random", () => symmetric(randn(n, n, n))],
    ["clustered", () => withEigenvalues(clustered, n + 1)],
    ["graded", graded],
    ["Wilkinson", wilkinson],
  ];
}

/** ‖S V − V Λ‖_F / ‖S‖_F and ‖VᵀV − I‖_F. */
function errors(S: DenseMatrix, { values, vectors }: EighResult): [number, number] {
  const n = S.rows, R = matmul(S, vectors);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) R.data[i * n + j] -= vectors.data[i * n + j] * values[j];
  return [norm(R.data) / norm(S.data), orthError(vectors)];
}

function checkFamilies(backend: "js" | "wasm", sizes: number[], only?: string): void {
  for (const n of sizes) {
    it(`n = ${n}: residual and orthogonality at most 1e-13 on ${only ?? "every family"}`, () => {
      for (const [name, make] of families(n).filter(([f]) => !only || f === only)) {
        const S = make();
        const r = eigh(S, { backend });
        const [res, orth] = errors(S, r);
        expect(res, `${name} residual`).toBeLessThan(1e-13);
        expect(orth, `${name} orthogonality`).toBeLessThan(1e-13);
        for (let i = 1; i < n; i++) expect(r.values[i]).toBeLessThanOrEqual(r.values[i - 1]);
      }
    });
  }
}

describe("eigh by divide and conquer [js]", () => {
  it("takes over from QL at DC_MIN (DC_MIN_JS on js)", () => expect(Math.min(DC_MIN, DC_MIN_JS)).toBeGreaterThan(25));
  // One family at DC_MIN_JS (Wilkinson: close pairs, deflation by rotations; the driver's own tests cover the rest on js).
  checkFamilies("js", [DC_MIN_JS], "Wilkinson");
});

describeVariants("eigh by divide and conquer", () => {
  checkFamilies("wasm", [DC_MIN - 1, DC_MIN, 130]);
  it("finds each repeated eigenvalue with its multiplicity", () => {
    const n = 120, lambda = Array.from({ length: n }, (_, i) => [3, 1, 1e-3, -1, -2][i % 5]);
    const { values } = eigh(withEigenvalues(lambda, 9));
    const want = lambda.slice().sort((a, b) => b - a);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - want[i])).toBeLessThan(1e-13);
  });
});

/** Runs tridiagonalDc on a copy of (d, e) on the given backend; returns the eigenvalues and E. */
function dc(backend: "js" | "wasm", d: Float64Array, e: Float64Array): { lam: Float64Array; E: Float64Array; status: number } {
  const n = d.length;
  return withLinalg(backend, 8 * (2 * n + n * n + tridiagonalDcWorkSize(n)) + 256, (ws) => {
    const dd = ws.copy(d), ee = ws.copy(e), E = ws.scratch(n * n);
    const status = tridiagonalDc(ws.kernels, n, dd, ee, E, n, ws.scratch(tridiagonalDcWorkSize(n)), 30 * n);
    return { lam: ws.output(dd), E: ws.output(E), status };
  });
}

describeVariants("tridiagonalDc", () => {
  for (const backend of ["js", "wasm"] as const) {
    it(`${backend}: the (1, 2, 1) Toeplitz spectrum 2 + 2 cos(kπ/(n+1)), ascending, split blocks included`, () => {
      const n = 90, d = new Float64Array(n).fill(2), e = new Float64Array(n).fill(1);
      const { lam, E, status } = dc(backend, d, e);
      expect(status).toBeGreaterThanOrEqual(0);
      for (let k = 0; k < n; k++) expect(Math.abs(lam[k] - (2 + 2 * Math.cos(((n - k) * Math.PI) / (n + 1))))).toBeLessThan(1e-14);
      expect(orthError({ rows: n, cols: n, data: E })).toBeLessThan(1e-13);
      // Zero couplings: the blocks' spectra side by side (everything deflates at the top merge).
      e[44] = 0;
      const split = dc(backend, d, e);
      const want = [...Array(45).keys()].flatMap((k) => [2 + 2 * Math.cos(((k + 1) * Math.PI) / 46)]).flatMap((v) => [v, v]);
      want.sort((a, b) => a - b);
      for (let k = 0; k < n; k++) expect(Math.abs(split.lam[k] - want[k])).toBeLessThan(1e-14);
      expect(orthError({ rows: n, cols: n, data: split.E })).toBeLessThan(1e-13);
    });
  }
  it("wasm and js agree on a random tridiagonal to rounding", () => {
    const n = 80, r = randn(2, n, 5), d = r.data.subarray(0, n), e = r.data.slice(n);
    const a = dc("js", d, e), b = dc("wasm", d, e);
    for (let k = 0; k < n; k++) expect(Math.abs(a.lam[k] - b.lam[k])).toBeLessThan(1e-13);
  });
});

describeVariants("secularEigen", () => {
  it("matches its twin bit for bit, and its roots satisfy the secular equation", () => {
    const k = 40, r = randn(3, k, 11), d = new Float64Array(k), z = new Float64Array(k);
    let s = 0;
    for (let i = 0; i < k; i++) {
      d[i] = s += 0.05 + Math.abs(r.data[i]);
      z[i] = r.data[k + i];
    }
    const zn = norm(z);
    for (let i = 0; i < k; i++) z[i] /= zn;
    const rho = 1.5;
    const lamJ = new Float64Array(k), UJ = new Float64Array(k * k);
    expect(secularEigen(k, d, z, rho, lamJ, UJ, k, new Float64Array(k))).toBeGreaterThan(0);
    const got = withLinalg("wasm", 8 * (4 * k + k * k) + 256, (ws) => {
      const lam = ws.scratch(k), U = ws.scratch(k * k);
      const it = ws.kernels.secularEigen(k, ws.copy(d), ws.copy(z), rho, lam, U, k, ws.scratch(k));
      return { it, lam: ws.output(lam), U: ws.output(U) };
    });
    expect(got.lam).toEqual(lamJ);
    expect(got.U).toEqual(UJ);
    // Each root within a few ulps of max|d| of a sign change of the secular function (increasing between poles).
    const f = (x: number) => z.reduce((acc, zi, i) => acc + (zi * zi) / (d[i] - x), 1 / rho);
    const delta = 8 * 2.220446049250313e-16 * (d[k - 1] + rho);
    for (let j = 0; j < k; j++) {
      expect(lamJ[j]).toBeGreaterThan(d[j]);
      expect(f(lamJ[j] - delta)).toBeLessThan(0);
      expect(f(lamJ[j] + delta)).toBeGreaterThan(0);
    }
    expect(orthError({ rows: k, cols: k, data: UJ })).toBeLessThan(1e-13);
    expect(jsKernels.secularEigen).toBe(secularEigen);
  });
});

describeVariants("tridiagonalizeBlocked", () => {
  // The tridiagonal itself is sensitive to rounding (as Lanczos is, entry by entry), its eigenvalues are not:
  // compare those, on each backend, with the unblocked reduction's.
  it("gives a tridiagonal with tridiagonalizeUpper's eigenvalues (three panels, padded rows), on wasm and js", () => {
    const n = 70, lda = 73, S = randn(n, lda, 21).data;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S[i * lda + j] = S[j * lda + i];
    const run = (backend: "js" | "wasm", blocked: boolean) =>
      withLinalg(backend, 8 * (n * lda + n * n + 3 * n + tridiagonalizeBlockedWorkSize(n)) + 256, (ws) => {
        const A = ws.copy(S), d = ws.scratch(n), e = ws.scratch(n), tau = ws.scratch(n);
        if (blocked) ws.kernels.tridiagonalizeBlocked(n, A, lda, d, e, tau, ws.scratch(tridiagonalizeBlockedWorkSize(n)));
        else ws.kernels.tridiagonalizeUpper(n, A, lda, d, e, tau, ws.scratch(n));
        expect(ws.kernels.tridiagonalQl(n, d, e, ws.scratch(n * n), n, 30 * n)).toBeGreaterThanOrEqual(0);
        return ws.output(d).sort();
      });
    const want = run("js", false), scale = norm(S);
    for (const got of [run("js", true), run("wasm", true)]) {
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i]) / scale).toBeLessThan(1e-14);
    }
  });
});
