import { describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { arenaBytes, jacobiSvd, luInverse, luSolve, orthonormalize, orthonormalizeWorkSize, spdSolve, SPD_RIDGE_TRIES, triangleWithIdentity, withLinalg } from "../src/internal.js";
import { randn } from "./factor-helpers.js";

const EPS = 2.220446049250313e-16;
const BACKENDS = ["js", "wasm"] as const;

/** The tight-then-loose retry written out, the definition jacobiSvd must match bit for bit. */
function jacobiByDefinition(backend: "js" | "wasm", n: number, R: Float64Array, sweeps: number): Float64Array {
  return withLinalg(backend, arenaBytes(2 * n * n * 2 + n, 0, 8), (ws) => {
    const X = ws.f64(n * 2 * n), d = ws.f64(n);
    for (let i = 0; i < n; i++) { for (let j = i; j < n; j++) X[i * 2 * n + j] = R[i * n + j]; X[i * 2 * n + n + i] = 1; }
    if (ws.kernels.jacobiRows(n, n, 2 * n, X, 2 * n, d, Math.sqrt(n) * EPS, sweeps) < 0) ws.kernels.jacobiRows(n, n, 2 * n, X, 2 * n, d, n * EPS, sweeps);
    const out = new Float64Array(n * 2 * n + n);
    out.set(X); out.set(d, n * 2 * n);
    return out;
  });
}

function jacobiByDriver(backend: "js" | "wasm", n: number, R: Float64Array, sweeps: number): { out: Float64Array; status: number } {
  return withLinalg(backend, arenaBytes(2 * n * n * 2 + n, 0, 8), (ws) => {
    const X = ws.f64(n * 2 * n), d = ws.f64(n);
    for (let i = 0; i < n; i++) { for (let j = i; j < n; j++) X[i * 2 * n + j] = R[i * n + j]; X[i * 2 * n + n + i] = 1; }
    const status = jacobiSvd(ws.kernels, n, n, 2 * n, X, 2 * n, d, sweeps);
    const out = new Float64Array(n * 2 * n + n);
    out.set(X); out.set(d, n * 2 * n);
    return { out, status };
  });
}

/** Plain-arithmetic Cholesky solve with the documented ridge policy. */
function spdByDefinition(n: number, G: Float64Array, B: Float64Array, nrhs: number): { X: Float64Array; ridge: number } | null {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n + i];
  let ridge = 0;
  for (let attempt = 0; attempt <= SPD_RIDGE_TRIES; attempt++) {
    const L = new Float64Array(n * n);
    let ok = true;
    for (let j = 0; j < n && ok; j++) {
      let s = G[j * n + j] + ridge;
      for (let k = 0; k < j; k++) s -= L[j * n + k] ** 2;
      if (!(s > 0)) { ok = false; break; }
      L[j * n + j] = Math.sqrt(s);
      for (let i = j + 1; i < n; i++) {
        let t = G[i * n + j];
        for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
        L[i * n + j] = t / L[j * n + j];
      }
    }
    if (ok) {
      const X = B.slice();
      for (let c = 0; c < nrhs; c++) {
        for (let i = 0; i < n; i++) { let t = X[i * nrhs + c]; for (let k = 0; k < i; k++) t -= L[i * n + k] * X[k * nrhs + c]; X[i * nrhs + c] = t / L[i * n + i]; }
        for (let i = n - 1; i >= 0; i--) { let t = X[i * nrhs + c]; for (let k = i + 1; k < n; k++) t -= L[k * n + i] * X[k * nrhs + c]; X[i * nrhs + c] = t / L[i * n + i]; }
      }
      return { X, ridge };
    }
    ridge = ridge === 0 ? (trace > 0 ? (1e-12 * trace) / n : 1) : ridge * 100;
  }
  return null;
}

function spdByDriver(backend: "js" | "wasm", n: number, G: Float64Array, B: Float64Array, nrhs: number): { X: Float64Array; status: number } {
  return withLinalg(backend, arenaBytes(2 * n * n + n * nrhs, 0, 8), (ws) => {
    const g = ws.copy(G), L = ws.f64(n * n), X = ws.copy(B);
    const status = spdSolve(ws.kernels, n, g, n, L, X, nrhs, nrhs);
    return { X: X.slice(), status };
  });
}

describe("drivers", () => {
  it("init", async () => { await init(); });

  for (const backend of BACKENDS) {
    it(`jacobiSvd is the tight-then-loose retry, bit for bit, and gives singular values [${backend}]`, () => {
      for (const n of [1, 3, 8, 17]) {
        const A = randn(n, n, 10 + n).data;
        const R = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = A[i * n + j];
        for (const sweeps of [1, 30]) {
          const want = jacobiByDefinition(backend, n, R, sweeps);
          const got = jacobiByDriver(backend, n, R, sweeps);
          expect(got.out).toEqual(want);
          if (sweeps === 30) {
            expect(got.status).toBeGreaterThanOrEqual(0);
            // Rotated rows are σ_i v_iᵀ: squares of d sum to ‖R‖_F².
            let fro = 0, sum = 0;
            for (const v of R) fro += v * v;
            for (let i = 0; i < n; i++) sum += got.out[2 * n * n + i] ** 2;
            expect(Math.abs(sum - fro) / fro).toBeLessThan(1e-13);
          }
        }
      }
    });

    it(`spdSolve solves G X = B with the documented ridge policy [${backend}]`, () => {
      for (const [n, nrhs] of [[1, 1], [5, 3], [12, 7]]) {
        const Bm = randn(n, n, n).data;
        const G = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += Bm[i * n + k] * Bm[j * n + k]; G[i * n + j] = s; }
        for (let i = 0; i < n; i++) G[i * n + i] += 1;
        const B = randn(n, nrhs, 99).data;
        const want = spdByDefinition(n, G, B, nrhs)!;
        const got = spdByDriver(backend, n, G, B, nrhs);
        expect(got.status).toBe(0);
        for (let i = 0; i < want.X.length; i++) expect(Math.abs(got.X[i] - want.X[i])).toBeLessThan(1e-10 * (1 + Math.abs(want.X[i])));
      }
      // Singular G (rank one): a ridge is added and the result is finite.
      const v = new Float64Array([1, 2, 3]);
      const G = new Float64Array(9);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) G[i * 3 + j] = v[i] * v[j];
      const got = spdByDriver(backend, 3, G, new Float64Array([1, 2, 3]), 1);
      expect(got.status).toBeGreaterThan(0);
      for (const x of got.X) expect(Number.isFinite(x)).toBe(true);
      // G = 0: ridge 1, X = B.
      const z = spdByDriver(backend, 2, new Float64Array(4), new Float64Array([1, 2]), 1);
      expect(z.status).toBe(1);
      expect(Array.from(z.X)).toEqual([1, 2]);
      // Indefinite beyond any ridge tried: -1 and B untouched.
      const neg = spdByDriver(backend, 2, new Float64Array([-1e20, 0, 0, -1e20]), new Float64Array([5, 6]), 1);
      expect(neg.status).toBe(-1);
      expect(Array.from(neg.X)).toEqual([5, 6]);
    });
  }

  // No js-versus-wasm bit-identity check: the wasm jacobiRows uses SIMD inner products, which round differently.
});

describe("luSolve", () => {
  it("solves M x = y and Mᵀ x = y with partial pivoting; null when singular", () => {
    for (const d of [1, 2, 5, 9]) {
      const M = randn(d, d, 40 + d).data, x0 = randn(d, 1, 7).data;
      for (const trans of [false, true]) {
        const y = new Float64Array(d);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) y[i] += (trans ? M[j * d + i] : M[i * d + j]) * x0[j];
        const x = luSolve(d, M, y, trans)!;
        for (let i = 0; i < d; i++) expect(Math.abs(x[i] - x0[i])).toBeLessThan(1e-10);
      }
    }
    // A zero pivot in the first column needs the row swap.
    expect(Array.from(luSolve(2, [0, 1, 1, 0], [2, 3])!)).toEqual([3, 2]);
    expect(luSolve(2, [1, 2, 2, 4], [1, 1])).toBeNull();
    expect(luSolve(2, [0, 0, 0, 0], [1, 1])).toBeNull();
  });
});

describe("luInverse", () => {
  it("inverts by Gauss-Jordan with partial pivoting; false when singular", () => {
    for (const k of [1, 3, 8]) {
      const H = randn(k, k, 60 + k).data;
      const inv = new Float64Array(k * k), work = new Float64Array(2 * k * k);
      expect(luInverse(k, H, inv, work)).toBe(true);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += H[i * k + t] * inv[t * k + j];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-10);
      }
    }
    const work = new Float64Array(8), inv = new Float64Array(4);
    expect(luInverse(2, new Float64Array([0, 2, 4, 0]), inv, work)).toBe(true);
    expect(Array.from(inv)).toEqual([0, 0.25, 0.5, 0]);
    expect(luInverse(2, new Float64Array([1, 2, 2, 4]), inv, work)).toBe(false);
  });
});

describe("triangleWithIdentity", () => {
  it("writes the upper triangle and, when asked, the identity block", () => {
    const R = new Float64Array([1, 2, 3, 4]), X = new Float64Array(8);
    triangleWithIdentity(2, R, 2, X, 4, true);
    expect(Array.from(X)).toEqual([1, 2, 1, 0, 0, 4, 0, 1]);
    const Y = new Float64Array(4);
    triangleWithIdentity(2, R, 2, Y, 2, false);
    expect(Array.from(Y)).toEqual([1, 2, 0, 4]);
  });
});

/** orthonormalize on one backend: Q, R (upper triangle of the overwritten A) and the returned rank. */
function orthoRun(backend: "js" | "wasm", A0: Float64Array, m: number, n: number) {
  return withLinalg(backend, 8 * (2 * m * n + n + orthonormalizeWorkSize(m, n)) + 1024, (ws) => {
    const A = ws.copy(A0), Q = ws.f64(m * n), tau = ws.f64(n), work = ws.f64(orthonormalizeWorkSize(m, n));
    const rank = orthonormalize(ws.kernels, m, n, A, n, Q, n, tau, work);
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = A[i * n + j];
    return { Q: ws.output(Q), R, rank };
  });
}

describe("orthonormalize", () => {
  for (const backend of BACKENDS) {
    it(`gives orthonormal Q with Q R = A, completing rank-deficient columns [${backend}]`, () => {
      // Full rank (small and blocked sizes), then duplicated and zero columns.
      const cases: [number, number, (A: Float64Array, n: number) => void][] = [
        [9, 4, () => {}],
        [200, 70, () => {}],
        [12, 5, (A, n) => { for (let i = 0; i < A.length / n; i++) { A[i * n + 3] = A[i * n + 1]; A[i * n + 4] = 0; } }],
      ];
      for (const [m, n, damage] of cases) {
        const A = randn(m, n, 70 + m).data;
        damage(A, n);
        const { Q, R, rank } = orthoRun(backend, A, m, n);
        expect(rank).toBe(m === 12 ? 3 : n);
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += Q[i * n + a] * Q[i * n + b];
          expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-13);
        }
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t <= j; t++) s += Q[i * n + t] * R[t * n + j];
          expect(Math.abs(s - A[i * n + j])).toBeLessThan(1e-12 * Math.sqrt(m));
        }
      }
    });
  }

  it("refuses a wide block", () => {
    expect(() => orthoRun("js", new Float64Array(6), 2, 3)).toThrow(/tall block/);
  });
});
