import { Rng, type Tensor } from "@lowrank/linalg";
import { beforeAll, describe, expect, it } from "vitest";
import { cp, init, reconstruct, tucker } from "../src/index.js";
import { asyncCodeOf } from "./helpers.js";

/** A random tensor of CP rank R (Gaussian factors) plus Gaussian noise of standard deviation `noise`. */
function lowRank(shape: number[], R: number, noise: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const F = shape.map((n) => Float64Array.from({ length: n * R }, () => rng.normal()));
  const S = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(S);
  for (let e = 0; e < S; e++) {
    let rest = e, v = 0;
    const idx = shape.map(() => 0);
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k] = rest % shape[k];
      rest = Math.floor(rest / shape[k]);
    }
    for (let r = 0; r < R; r++) {
      let p = 1;
      for (let k = 0; k < shape.length; k++) p *= F[k][idx[k] * R + r];
      v += p;
    }
    data[e] = v + noise * rng.normal();
  }
  return { shape, data };
}

function randomMask(S: number, p: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: S }, () => (rng.uniform() < p ? 1 : 0));
}

/** RMS of Y - truth over the entries the mask does not observe. */
function missingRms(truth: Tensor, Y: Float64Array, mask: Uint8Array): number {
  let s = 0, n = 0;
  for (let i = 0; i < Y.length; i++) {
    if (mask[i]) continue;
    s += (Y[i] - truth.data[i]) ** 2;
    n++;
  }
  return Math.sqrt(s / n);
}

/** Solves the small dense system A x = b (A n x n, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length, M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

describe("Tucker and CP completion with a ridge (lambda)", () => {
  beforeAll(async () => {
    await init();
  });

  const shape = [4, 3, 5];
  const tiny = lowRank(shape, 3, 0.1, 1);
  const full = new Uint8Array(60).fill(1);

  it("lambda 0 is bit-identical to no lambda", async () => {
    const mask = randomMask(60, 0.6, 2);
    const X = { shape, data: tiny.data.map((v, i) => (mask[i] ? v : NaN)) };
    for (const backend of ["wasm", "js"] as const) {
      const t0 = await tucker(X, { mask, rank: [2, 2, 2], backend }), t1 = await tucker(X, { mask, rank: [2, 2, 2], lambda: 0, backend });
      expect(t1.core.data).toEqual(t0.core.data);
      expect(t1.factors.map((f) => f.data)).toEqual(t0.factors.map((f) => f.data));
      const c0 = await cp(X, { mask, rank: 2, backend }), c1 = await cp(X, { mask, rank: 2, lambda: 0, backend });
      expect(c1.weights).toEqual(c0.weights);
      expect(c1.factors.map((f) => f.data)).toEqual(c0.factors.map((f) => f.data));
    }
  });

  it("Tucker: the core is the ridge solution given the factors (direct solve), and smaller", async () => {
    const lambda = 0.5;
    for (const mask of [full, randomMask(60, 0.7, 3)]) {
      const X = { shape, data: tiny.data.map((v, i) => (mask[i] ? v : NaN)) };
      const res = await tucker(X, { mask, rank: [2, 2, 2], lambda, maxIter: 400, tol: 0 });
      // Design rows z_e = U1[i] ⊗ U2[j] ⊗ U3[k]; the penalised core solves (Zᵀ D Z + λ I) g = Zᵀ D x (D the mask).
      const [U1, U2, U3] = res.factors.map((f) => f.data);
      const Z: number[][] = [];
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 5; k++) {
        const z: number[] = [];
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) z.push(U1[i * 2 + a] * U2[j * 2 + b] * U3[k * 2 + c]);
        Z.push(z);
      }
      const A = Array.from({ length: 8 }, (_, p) => Array.from({ length: 8 }, (_, q) => Z.reduce((s, z, e) => s + mask[e] * z[p] * z[q], 0) + (p === q ? lambda : 0)));
      const b = Array.from({ length: 8 }, (_, p) => Z.reduce((s, z, e) => s + mask[e] * z[p] * tiny.data[e], 0));
      const g = solve(A, b);
      for (let p = 0; p < 8; p++) expect(res.core.data[p]).toBeCloseTo(g[p], 8);
      const plain = await tucker(X, { mask, rank: [2, 2, 2], maxIter: 400, tol: 0 });
      expect(norm(res.core.data)).toBeLessThan(norm(plain.core.data));
    }
  });

  it("CP: the last factor is the ridge solution given the others (direct solve), and the weights smaller", async () => {
    const lambda = 0.2, R = 2;
    const res = await cp(tiny, { mask: full, rank: R, lambda, maxIter: 30 });
    const [A0, A1, A2] = res.factors.map((f) => f.data);
    const V = Array.from({ length: R }, (_, p) => Array.from({ length: R }, (_, q) => {
      let g0 = 0, g1 = 0;
      for (let i = 0; i < 4; i++) g0 += A0[i * R + p] * A0[i * R + q];
      for (let j = 0; j < 3; j++) g1 += A1[j * R + p] * A1[j * R + q];
      return g0 * g1;
    }));
    const mean = (V[0][0] + V[1][1]) / 2;
    const Vr = V.map((row, p) => row.map((v, q) => v + (p === q ? lambda * mean : 0)));
    for (let k = 0; k < 5; k++) {
      const m = Array.from({ length: R }, (_, r) => {
        let s = 0;
        for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) s += tiny.data[(i * 3 + j) * 5 + k] * A0[i * R + r] * A1[j * R + r];
        return s;
      });
      const row = solve(Vr, m);
      for (let r = 0; r < R; r++) expect(A2[k * R + r] * res.weights[r]).toBeCloseTo(row[r], 9);
    }
    const plain = await cp(tiny, { mask: full, rank: R, maxIter: 30 });
    expect(norm(res.weights)).toBeLessThan(norm(plain.weights));
  });

  // A noisy rank-3 tensor, half its entries missing, fitted at a rank above the truth. Measured
  // (RMS error on the missing entries): CP rank 6 0.2624 without a ridge, 0.2488 with "auto" (it
  // chose 0.003); Tucker [6, 6, 6] 0.3295 with either (the core's ridge only shrinks, and "auto"
  // chose 0 here).
  const noisy = lowRank([20, 18, 16], 3, 0.5, 4);
  const truth = lowRank([20, 18, 16], 3, 0, 4);
  const half = randomMask(5760, 0.5, 5);
  const missing = { shape: noisy.shape, data: noisy.data.map((v, i) => (half[i] ? v : NaN)) };

  const seen: Record<string, number> = {};
  for (const backend of ["wasm", "js"] as const) {
    it(`"auto" beats lambda 0 on the missing entries of a noisy tensor (${backend})`, async () => {
      const opts = { mask: half, maxIter: 100, backend };
      const t0 = missingRms(truth, reconstruct(await tucker(missing, { ...opts, rank: [6, 6, 6] })).data, half);
      const ta = missingRms(truth, reconstruct(await tucker(missing, { ...opts, rank: [6, 6, 6], lambda: "auto" })).data, half);
      const c0 = missingRms(truth, reconstruct(await cp(missing, { ...opts, rank: 6 })).data, half);
      const ca = missingRms(truth, reconstruct(await cp(missing, { ...opts, rank: 6, lambda: "auto" })).data, half);
      expect(ca).toBeLessThan(0.97 * c0);
      expect(ta).toBeLessThan(1.02 * t0);
      for (const [k, v] of Object.entries({ ta, ca })) {
        if (backend === "js") expect(Math.abs(v - seen[k]) / seen[k]).toBeLessThan(1e-8);
        seen[k] = v;
      }
    });

    it(`"auto" keeps an exact low-rank fill exact (${backend})`, async () => {
      const opts = { mask: half, maxIter: 500, backend, lambda: "auto" as const };
      const X = { shape: truth.shape, data: truth.data.map((v, i) => (half[i] ? v : NaN)) };
      const scale = norm(truth.data) / Math.sqrt(truth.data.length);
      const tu = missingRms(truth, reconstruct(await tucker(X, { ...opts, rank: [3, 3, 3] })).data, half) / scale;
      const c = missingRms(truth, reconstruct(await cp(X, { ...opts, rank: 3 })).data, half) / scale;
      expect(tu).toBeLessThan(1e-6);
      expect(c).toBeLessThan(1e-6);
    });

    it(`refuses lambda without a mask, and bad values (${backend})`, async () => {
      for (const lambda of ["auto", 0.1] as const) {
        expect(await asyncCodeOf(() => tucker(tiny, { rank: 2, lambda, backend }))).toBe("INVALID_ARGUMENT");
        expect(await asyncCodeOf(() => cp(tiny, { rank: 2, lambda, backend }))).toBe("INVALID_ARGUMENT");
      }
      for (const lambda of [-1, NaN, "large", 1e7] as unknown as number[]) {
        expect(await asyncCodeOf(() => tucker(tiny, { mask: full, rank: 2, lambda, backend }))).toBe("INVALID_ARGUMENT");
        expect(await asyncCodeOf(() => cp(tiny, { mask: full, rank: 2, lambda, backend }))).toBe("INVALID_ARGUMENT");
      }
    });
  }
});
